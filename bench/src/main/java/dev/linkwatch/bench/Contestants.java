package dev.linkwatch.bench;

import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.RunnerClasspath;
import dev.linkwatch.pipeline.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The contestants of {@code bench e2e}: what each is, which runner's classpath it needs, how many of the
 * topic's records it processes and the child JVM that runs it. {@link EndToEndBench} runs them.
 */
final class Contestants {

  static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry("limit-all", "limit-all: the limit on every core, partitions split between threads"),
          Map.entry("flink", "linkwatch, embedded Flink, parallelism 2"),
          Map.entry("flink-floor", "floor: linkwatch's Kafka read and write on embedded Flink, parallelism 2, no rules (each record copied as it is)"),
          Map.entry("flink-chain", "chain: linkwatch's rules as the one step between the Kafka read and write, embedded Flink, parallelism 2, no counts"),
          Map.entry("flink-checkpointed", "linkwatch, embedded Flink, parallelism 2, checkpoints every 10 s as with --checkpointDir"),
          Map.entry("flink-copying", "linkwatch, embedded Flink, parallelism 2, Beam's copying and metrics on"),
          Map.entry("flink-1s-bundles", "linkwatch, embedded Flink, parallelism 2, Beam's 1 s bundles"),
          Map.entry("spark", "linkwatch, Spark local[2] (bounded read)"),
          Map.entry("spark-streaming", "linkwatch, Spark local[2] streaming (unbounded, as run)"),
          Map.entry("spark-chain", "chain: linkwatch's rules as the one step between the Kafka read and write, Spark local[2] streaming, no counts"),
          Map.entry("spark-floor", "floor: linkwatch's Kafka read and write on Spark local[2] streaming, no rules (each record copied as it is)"),
          Map.entry("direct", "linkwatch, DirectRunner (enforcement off)"),
          Map.entry("limit", "limit: plain consumer, same rules, producer, 1 thread"),
          Map.entry("original", "original's algorithm, plain loop, 1 thread"));

  private final EndToEndBench.Config config;

  /** Fails with a {@link ConfigException} on an unknown contestant or a runner classpath that is missing. */
  Contestants(EndToEndBench.Config config) {
    this.config = config;
    for (String c : config.contestants()) {
      if (!DESCRIPTIONS.containsKey(c)) {
        throw new ConfigException(
            "bench e2e: unknown contestant '" + c + "' (known: " + String.join(", ", new TreeSet<>(DESCRIPTIONS.keySet())) + ")");
      }
      classpath(runnerOf(c));
    }
  }

  /**
   * Whether the contestant writes in microbatches (its steady window is measured differently): Spark
   * streaming's contestants, spark-streaming, spark-floor and spark-chain; {@code spark} is the bounded read.
   */
  static boolean microbatch(String contestant) {
    return contestant.startsWith("spark-");
  }

  static String runnerOf(String contestant) {
    if (contestant.equals("spark") || microbatch(contestant)) {
      return "spark";
    }
    return switch (contestant) {
      // The baselines need no engine: the DirectRunner module's classpath is the lightest that holds
      // linkwatch, and it is built before the Flink and Spark modules.
      case "direct", "limit", "limit-all", "original" -> "direct";
      default -> "flink";
    };
  }

  private String classpath(String runner) {
    return RunnerClasspath.of(config.projectDir(), runner);
  }

  /**
   * How many of the topic's records a contestant processes: all, except for the slow ones, which take
   * the first ones: the original's loop and the DirectRunner manage hundreds a second (a million would
   * take over half an hour), Spark streaming a few thousand (a million, three rounds, would take the
   * whole bench's 20 minutes).
   */
  long recordsFor(String contestant) {
    return switch (contestant) {
      case "original" -> Math.min(config.originalRecords(), config.tweets());
      case "direct" -> Math.min(config.directRecords(), config.tweets());
      default -> microbatch(contestant) ? Math.min(config.sparkStreamingRecords(), config.tweets()) : config.tweets();
    };
  }

  ChildJvm.Spec command(
      String bootstrap, Path catalogFile, String contestant, String prefix, long expected, int gcSampleSeconds) {
    return command(bootstrap, catalogFile, contestant, prefix, expected, gcSampleSeconds, EndToEndBench.TOPIC, false);
  }

  /**
   * The child JVM of one contestant reading {@code input}. With {@code follow} the limits keep reading
   * until stopped (the latency bench feeds the topic while they run) instead of ending at the offsets
   * they saw at start.
   */
  ChildJvm.Spec command(
      String bootstrap, Path catalogFile, String contestant, String prefix, long expected, int gcSampleSeconds,
      String input, boolean follow) {
    List<String> jvm = new ArrayList<>();
    // Spark's bounded read holds the whole input in memory, and its streaming job stalls in GC at 1 GB
    // on the preloaded backlog (figures in docs/benchmarks.md): both get --spark-heap.
    String heap = runnerOf(contestant).equals("spark") ? config.sparkHeap() : config.childHeap();
    jvm.add("-Xmx" + heap);
    jvm.add("-Xms" + heap);
    // For profiling a contestant, e.g. LINKWATCH_BENCH_CHILD_OPTS=-XX:StartFlightRecording=filename=x.jfr
    String childOpts = System.getenv("LINKWATCH_BENCH_CHILD_OPTS");
    if (childOpts != null && !childOpts.isBlank()) {
      jvm.addAll(List.of(childOpts.trim().split("\\s+")));
    }
    jvm.add("-Dorg.slf4j.simpleLogger.log.org.apache.flink=error");
    jvm.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=error");
    jvm.add("-Dorg.slf4j.simpleLogger.log.org.apache.spark=error");
    jvm.add("-Dorg.slf4j.simpleLogger.log.org.apache.beam=error");
    if (gcSampleSeconds > 0) {
      jvm.add("-Dlwbench.gcSampleSeconds=" + gcSampleSeconds);
    }
    // The launcher's environment (loopback-only engines, quiet logs), BenchChild as the program.
    ChildJvm.Spec spec =
        ChildJvm.java(prefix, BenchChild.class.getName())
            .asTheLauncherDoes()
            .classpath(classpath(runnerOf(contestant)))
            .jvmArgs(jvm)
            .log(config.workDir().resolve(prefix + ".log"));
    List<String> cmd = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    String in = input;
    switch (contestant) {
      case "limit", "limit-all", "original" -> {
        cmd.add(contestant);
        cmd.addAll(List.of(bootstrap, in, prefix + ".matched", prefix + ".unmatched", prefix + ".errors", catalogFile.toString()));
        if (follow) {
          cmd.add("follow");
        }
        if (contestant.equals("original")) {
          cmd.add(Long.toString(expected));
        }
      }
      default -> {
        // The floor runs the same Kafka plumbing with the same options; BenchChild leaves out the rules.
        cmd.add(contestant.endsWith("-floor") ? "floor" : contestant.endsWith("-chain") ? "chain" : "linkwatch");
        cmd.add("--bootstrapServers=" + bootstrap);
        cmd.add("--inputTopic=" + in);
        cmd.add("--matchedTopic=" + prefix + ".matched");
        cmd.add("--unmatchedTopic=" + prefix + ".unmatched");
        cmd.add("--errorsTopic=" + prefix + ".errors");
        cmd.add("--countsTopic=" + prefix + ".counts");
        cmd.add("--consumerGroup=" + prefix);
        cmd.add("--catalog=" + catalogFile);
        cmd.add("--printCounts=false");
        cmd.add("--unshorten=false");
        // The job's defaults, said out loud: 30 s batches and the 6 h window sliding every 30 s.
        cmd.add("--batchSeconds=30");
        cmd.add("--windowSeconds=21600");
        cmd.add("--slideSeconds=30");
        switch (contestant) {
          case "flink", "flink-floor", "flink-chain", "flink-copying", "flink-1s-bundles", "flink-checkpointed" -> {
            // As ./linkwatch run --runner=flink runs it.
            cmd.add("--runner=LinkwatchFlinkRunner");
            cmd.add("--streaming=true");
            cmd.add("--parallelism=2");
            if (contestant.equals("flink-copying")) {
              // Beam's own defaults, which LinkwatchFlinkRunner turns off: the lever measured alone.
              cmd.add("--objectReuse=false");
              cmd.add("--fasterCopy=false");
              cmd.add("--disableMetrics=false");
            }
            if (contestant.equals("flink-checkpointed")) {
              // What a production job pays for its checkpoints (LinkwatchFlinkRunner's 10 s interval, heap
              // state to a local directory, faster copy off).
              cmd.add("--checkpointDir=" + config.workDir().resolve(prefix + ".checkpoints"));
            }
            if (contestant.equals("flink-1s-bundles")) {
              cmd.add("--maxBundleTimeMills=1000"); // Beam's streaming default; linkwatch's is 100 ms
            }
            extra.addAll(config.flinkArgs());
          }
          case "spark" -> {
            cmd.add("--runner=SparkRunner");
            cmd.add("--sparkMaster=local[2]");
            cmd.add("--maxReadRecords=" + expected);
            extra.addAll(config.sparkArgs());
          }
          case "spark-streaming", "spark-floor", "spark-chain" -> {
            // As ./linkwatch run --runner=spark --streaming=true runs it: the unbounded job with the
            // Spark streaming defaults LinkwatchSparkRunner sets (microbatch, read time), nothing tuned here
            // unless --spark-args says so.
            cmd.add("--runner=LinkwatchSparkRunner");
            cmd.add("--streaming=true");
            cmd.add("--sparkMaster=local[2]");
            extra.addAll(config.sparkArgs());
          }
          case "direct" -> {
            cmd.add("--runner=DirectRunner");
            cmd.add("--streaming=true");
            cmd.add("--targetParallelism=2");
            cmd.add("--enforceImmutability=false");
            cmd.add("--enforceEncodability=false");
          }
          default -> throw new IllegalStateException(contestant);
        }
      }
    }
    return spec.args(overridden(cmd, extra));
  }

  /**
   * {@code own} then {@code extra}, each option given once: a flag the person added (--spark-args, or the
   * extra flags for the Flink contestants) replaces the contestant's own setting of it, as a later flag
   * would on a command line (Beam would join the two values, "2,1", and refuse them).
   */
  static List<String> overridden(List<String> own, List<String> extra) {
    Set<String> given = new HashSet<>();
    for (String arg : extra) {
      given.add(optionName(arg));
    }
    List<String> out = new ArrayList<>();
    for (String arg : own) {
      if (!arg.startsWith("--") || !given.contains(optionName(arg))) {
        out.add(arg);
      }
    }
    out.addAll(extra);
    return out;
  }

  private static String optionName(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg : arg.substring(0, eq);
  }
}
