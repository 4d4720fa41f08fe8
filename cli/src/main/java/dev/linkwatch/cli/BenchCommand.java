package dev.linkwatch.cli;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `linkwatch bench`: the benchmarks, each section against its baseline in one run. */
@Command(
    name = "bench",
    header = "Measure linkwatch against its baselines (sections counts, matcher, parse, e2e, memory, latency, catalog).",
    description = {
      "Measures linkwatch against its baselines in one run and reports ratios. Sections:",
      "  counts   CountWindows with 30 s batches alone vs with the 6 h / 30 s sliding window",
      "  matcher  the catalog matcher vs the original's contains-loop at 6 to 100 000 names",
      "  parse    tweet parsing vs a plain Jackson streaming pass over the same bytes",
      "  e2e      end to end through a local broker: linkwatch on Flink, Spark and the DirectRunner",
      "           vs the limit (same rules, plain consumer/producer loop) and the original's loop",
      "  memory   embedded Flink at a steady rate for --minutes, heap after full GC sampled",
      "  latency  input fed at fixed --rates: delay from a tweet's append to its output's append",
      "           (broker LogAppendTime on both sides), p50/p99/max, and whether each kept up",
      "  catalog  a --catalog-names catalog changes under a matching thread: time to swap and to",
      "           first effect, matching rate during the swap, heap with two matchers",
      "Extra --name=value flags go to the runner (default: embedded Flink via ./linkwatch)."
    },
    mixinStandardHelpOptions = true)
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", defaultValue = "counts", description = "Section to run (default ${DEFAULT-VALUE}).")
  String section;

  @Option(names = "--quick", description = "Fewer events and runs (well under 3 minutes).")
  boolean quick;

  @Option(names = "--events", description = "Events per run (default 2000000, quick 300000).")
  Long events;

  @Option(names = "--runs", description = "Runs of each variant; the median is reported (default 3).")
  Integer runs;

  @Option(names = "--span-minutes", description = "Event time the events cover (default 30 min, quick 10).")
  Integer spanMinutes;

  @Option(names = "--tweets", description = "e2e: tweets preloaded (default 1000000, quick 100000).")
  Long tweets;

  @Option(names = "--contestants", split = ",", description = "e2e: who runs (default flink,flink-floor,spark-streaming,direct,limit,limit-all,original; quick flink,flink-floor,limit,limit-all). Also spark (a bounded batch read), spark-floor (Spark streaming's Kafka in and out with no rules), flink-chain and spark-chain (the rules as the one step between Kafka in and out, no counts), flink-copying (Beam's defaults: elements copied between steps, metrics on) flink-1s-bundles (Beam's 1 s bundles instead of 100 ms) and flink-checkpointed (checkpoints every 10 s, as with --checkpointDir).")
  List<String> contestants;

  @Option(names = "--catalog-names", defaultValue = "100000", description = "e2e, latency, catalog: catalog size, real names scaled up (default ${DEFAULT-VALUE}).")
  int catalogNames;

  @Option(names = "--original-records", description = "e2e: records the original's loop processes (default 5000, quick 2000; it runs at hundreds per second at 100 000 names).")
  Long originalRecords;

  @Option(names = "--direct-records", description = "e2e: records the DirectRunner processes (default 20000, quick 5000; it runs at hundreds per second).")
  Long directRecords;

  @Option(names = "--spark-records", description = "e2e: records the Spark streaming job processes (default 200000; it runs at a few thousand per second).")
  Long sparkRecords;

  @Option(names = "--child-heap", defaultValue = "1g", description = "e2e: -Xmx and -Xms of each contestant's JVM but Spark's (default ${DEFAULT-VALUE}).")
  String childHeap;

  @Option(names = "--spark-heap", defaultValue = "8g", description = "e2e: -Xmx and -Xms of the Spark contestants: the bounded read holds all N tweets, and the streaming job stalls in GC at 1 GB on the preloaded backlog (default ${DEFAULT-VALUE}).")
  String sparkHeap;

  @Option(names = "--minutes", description = "memory: minutes at a steady rate (default 10, quick 1).")
  Integer minutes;

  @Option(names = "--rate", defaultValue = "5000", description = "memory: tweets per second (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--rates", split = ",", description = "latency: input rates in tweets/s; 80% stands for 80 % of limit-all's rate, measured first (default 1000,5000,80%; quick 1000,5000).")
  List<String> rates;

  @Option(names = "--seconds", description = "latency: seconds measured per contestant and rate (default 30, quick 10), after the start-up backlog is caught up and --warmup-seconds.")
  Integer seconds;

  @Option(names = "--warmup-seconds", description = "latency: seconds at the rate before measuring (default 10, quick 5).")
  Integer warmupSeconds;

  @Option(names = "--json", description = "e2e/memory/latency: where the JSON result goes (default bench-results/<section>.json).")
  java.nio.file.Path json;

  @Option(
      names = "--spark-args",
      split = ",",
      description = "e2e, latency: pipeline flags for the Spark contestants, comma-separated, e.g. --spark-args=--batchIntervalMillis=2000,--minReadTimeMillis=1000 (other extra --name=value flags go to the Flink contestants).")
  List<String> sparkArgs = new java.util.ArrayList<>();

  @picocli.CommandLine.Unmatched List<String> runnerArgs = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (section.equals("e2e") || section.equals("memory")) {
      return endToEnd(section.equals("memory"));
    }
    if (section.equals("latency")) {
      return latency();
    }
    if (section.equals("catalog")) {
      var result =
          dev.linkwatch.bench.CatalogSwapBench.run(
              catalogNames, java.nio.file.Files.createTempDirectory("linkwatch-bench-"));
      System.out.printf("bench catalog: a %d-name catalog folder gains a file while a thread matches%n%n", catalogNames);
      dev.linkwatch.bench.CatalogSwapBench.print(result, System.out);
      return Main.EXIT_OK;
    }
    if (section.equals("matcher")) {
      return matcher();
    }
    if (section.equals("parse")) {
      var bench = new dev.linkwatch.bench.ParseBench(quick ? 5_000 : 20_000, 2017);
      var result = bench.run(runs != null ? runs : 3);
      System.out.printf("bench parse: generated v1.1 tweets of %.0f bytes on average%n%n", result.meanBytes());
      dev.linkwatch.bench.ParseBench.print(result, System.out);
      return Main.EXIT_OK;
    }
    if (!section.equals("counts")) {
      throw new ConfigException("bench: unknown section '" + section + "' (known: counts, matcher, parse, e2e, memory, latency, catalog)");
    }
    long n = events != null ? events : quick ? 300_000 : 2_000_000;
    int r = runs != null ? runs : 3;
    if (n < 1000 || r < 1) {
      throw new ConfigException("bench: --events must be at least 1000 and --runs at least 1");
    }
    org.apache.beam.sdk.options.PipelineOptions options =
        org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(runnerArgs.toArray(String[]::new))
            .withValidation()
            .create();
    int spanMinutes = this.spanMinutes != null ? this.spanMinutes : quick ? 10 : 30;
    if (spanMinutes < 1) {
      throw new ConfigException("bench: --span-minutes must be at least 1");
    }
    long batches = spanMinutes * 2L;
    System.out.printf(
        "bench counts: %d events over %d min of event time (%d per 30 s batch), %d runs each, runner %s%n",
        n, spanMinutes, n / batches, r, options.getRunner().getSimpleName());
    var result =
        new dev.linkwatch.bench.CountsBench(
                options, n, r, org.joda.time.Duration.standardMinutes(spanMinutes))
            .run(System.out);
    System.out.println();
    System.out.println("| counts | ns/event (median) | ratio to batches alone |");
    System.out.println("| --- | ---: | ---: |");
    System.out.printf("| 30 s batches alone | %.0f | 1.00 |%n", result.batchesNanosPerEvent());
    System.out.printf(
        "| 30 s batches + 6 h window sliding every 30 s | %.0f | %.2f |%n",
        result.slidingNanosPerEvent(), result.ratio());
    return Main.EXIT_OK;
  }

  private int endToEnd(boolean memory) throws Exception {
    long n = tweets != null ? tweets : memory ? 1_000 : quick ? 100_000 : 1_000_000;
    int r = memory ? 0 : runs != null ? runs : quick ? 1 : 3;
    List<String> who =
        contestants != null && !contestants.isEmpty()
            ? contestants
            : quick
                ? List.of("flink", "flink-floor", "limit", "limit-all")
                : List.of("flink", "flink-floor", "spark-streaming", "direct", "limit", "limit-all", "original");
    int mins = !memory ? 0 : minutes != null ? minutes : quick ? 1 : 10;
    if (n < 100 || (!memory && r < 1) || (memory && (mins < 1 || rate < 1)) || catalogNames < 6) {
      throw new ConfigException("bench e2e: --tweets must be at least 100, --runs and --minutes at least 1, --catalog-names at least 6");
    }
    // Pipeline flags for the Flink contestant: the launcher adds --runner, which the bench sets itself.
    List<String> flinkArgs = runnerArgs.stream().filter(a -> !a.startsWith("--runner=")).toList();
    java.nio.file.Path project = LocalState.HOME;
    java.nio.file.Path work = java.nio.file.Files.createTempDirectory("linkwatch-bench-");
    var config =
        new dev.linkwatch.bench.EndToEndBench.Config(
            n, r, who, catalogNames, originalRecords != null ? originalRecords : quick ? 2_000 : 5_000,
            directRecords != null ? directRecords : quick ? 5_000 : 20_000,
            sparkRecords != null ? sparkRecords : 200_000,
            childHeap, sparkHeap, flinkArgs, sparkArgs, project, work, 2017, mins, rate);
    var bench = new dev.linkwatch.bench.EndToEndBench(config, System.out);
    System.out.printf(
        memory
            ? "bench memory: %d tweets preloaded, then %4$d min at %5$d tweets/s, catalog of %3$d names%n"
            : "bench e2e: %d full-size v1.1 tweets, %d round(s), catalog of %d names, 30 s batches + 6 h window%n",
        n, r, catalogNames, mins, rate);
    System.out.println("  machine: " + dev.linkwatch.bench.EndToEndBench.machine() + ", load average " + loadAverage());
    var result = bench.run();
    java.nio.file.Path out = json != null ? json : java.nio.file.Path.of("bench-results", section + ".json");
    dev.linkwatch.bench.EndToEndBench.writeJson(result, out);
    System.out.println();
    if (memory) {
      long max = result.memorySamples().stream().mapToLong(s -> s[1]).max().orElse(0);
      System.out.printf(
          "memory: %d samples, max heap after full GC %.0f MB, trend over the second half %+.2f MB per minute%n",
          result.memorySamples().size(), max / 1e6,
          dev.linkwatch.bench.EndToEndBench.trendAfterWarmUp(result.memorySamples()) / 1e6);
    } else {
      dev.linkwatch.bench.EndToEndBench.printTable(result, System.out);
      System.out.println();
      dev.linkwatch.bench.BenchReport.printTargets(result, System.out);
    }
    System.out.println();
    System.out.println("JSON: " + out + "  (children's logs: " + work + ")");
    return Main.EXIT_OK;
  }

  private int latency() throws Exception {
    List<String> who =
        contestants != null && !contestants.isEmpty()
            ? contestants
            : quick ? List.of("flink", "limit") : List.of("flink", "spark-streaming", "limit", "limit-all");
    List<String> given = rates != null && !rates.isEmpty() ? rates : quick ? List.of("1000", "5000") : List.of("1000", "5000", "80%");
    List<Integer> steps = new java.util.ArrayList<>();
    for (String r : given) {
      String t = r.trim();
      if (t.equals("80%")) {
        steps.add(0);
        continue;
      }
      try {
        steps.add(Integer.parseInt(t));
      } catch (NumberFormatException e) {
        throw new ConfigException("bench latency: --rates takes tweets per second or 80%, got '" + t + "'");
      }
      if (steps.get(steps.size() - 1) < 1) {
        throw new ConfigException("bench latency: --rates must be at least 1, got " + t);
      }
    }
    int measured = seconds != null ? seconds : quick ? 10 : 30;
    int warmup = warmupSeconds != null ? warmupSeconds : quick ? 5 : 10;
    if (measured < 3 || warmup < 0) {
      throw new ConfigException("bench latency: --seconds must be at least 3 and --warmup-seconds at least 0");
    }
    List<String> flinkArgs = runnerArgs.stream().filter(a -> !a.startsWith("--runner=")).toList();
    java.nio.file.Path work = java.nio.file.Files.createTempDirectory("linkwatch-bench-");
    var e2e =
        new dev.linkwatch.bench.EndToEndBench.Config(
            0, 1, who, catalogNames, 0, 0, 0, childHeap, sparkHeap, flinkArgs, sparkArgs, LocalState.HOME, work, 2017, 0, 0);
    System.out.printf(
        "bench latency: rates %s tweets/s, %d s measured after %d s warm-up, catalog of %d names%n",
        String.join(",", given), measured, warmup, catalogNames);
    System.out.println("  machine: " + dev.linkwatch.bench.EndToEndBench.machine() + ", load average " + loadAverage());
    var bench =
        new dev.linkwatch.bench.LatencyBench(
            new dev.linkwatch.bench.LatencyBench.Config(who, steps, measured, warmup, e2e), System.out);
    var result = bench.run();
    java.nio.file.Path out = json != null ? json : java.nio.file.Path.of("bench-results", "latency.json");
    dev.linkwatch.bench.LatencyBench.writeJson(result, out);
    System.out.println();
    dev.linkwatch.bench.LatencyBench.printTable(result, System.out);
    System.out.println();
    dev.linkwatch.bench.LatencyBench.printTargets(result, System.out);
    System.out.println();
    System.out.println("JSON: " + out + "  (children's logs: " + work + ")");
    return Main.EXIT_OK;
  }

  private static String loadAverage() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return String.format("%.2f", os.getSystemLoadAverage());
  }

  private int matcher() {
    int r = runs != null ? runs : 3;
    int texts = quick ? 5_000 : 20_000;
    var catalog = Settings.builtin("builtin:original").merge(Settings.builtin("builtin:chinook"));
    var bench = new dev.linkwatch.bench.MatcherBench(catalog, texts, 2017);
    System.out.printf(
        "bench matcher: %d generated tweet texts (%d chars), %d runs each, one thread%n",
        bench.textCount(), bench.totalChars(), r);
    List<dev.linkwatch.bench.MatcherBench.Row> rows = new java.util.ArrayList<>();
    for (int names : quick ? new int[] {6, 1_000, 10_000} : new int[] {6, 1_000, 10_000, 100_000}) {
      rows.add(bench.measure(names, r));
      System.out.printf("  %d names done%n", names);
    }
    System.out.println();
    dev.linkwatch.bench.MatcherBench.printTable(rows, System.out);
    return Main.EXIT_OK;
  }
}
