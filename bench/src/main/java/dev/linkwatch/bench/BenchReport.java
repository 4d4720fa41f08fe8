package dev.linkwatch.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.linkwatch.bench.EndToEndBench.Result;
import dev.linkwatch.bench.EndToEndBench.Row;
import dev.linkwatch.bench.EndToEndBench.Sample;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code bench e2e} makes of its samples: the per-contestant medians, the README table, the JSON
 * report, the machine line and the heap trend of a memory run. Measures nothing itself.
 */
public final class BenchReport {

  private BenchReport() {}

  /** One row per contestant, in the order of {@code samples}: medians over its rounds, ratios to the limit. */
  static List<Row> rows(Map<String, List<Sample>> samples) {
    List<Sample> limit = samples.get("limit");
    double limitSteady = limit == null ? 0 : median(limit.stream().map(Sample::steadyPerSecond).toList());
    double limitWhole = limit == null ? 0 : median(limit.stream().map(Sample::wholePerSecond).toList());
    List<Sample> all = samples.get("limit-all");
    double allSteady = all == null ? 0 : median(all.stream().map(Sample::steadyPerSecond).toList());
    double allWhole = all == null ? 0 : median(all.stream().map(Sample::wholePerSecond).toList());
    double limitCpu = limit == null ? Double.NaN : median(limit.stream().map(Sample::steadyCpuMicrosPerTweet).toList());
    List<Row> rows = new ArrayList<>();
    for (var e : samples.entrySet()) {
      List<Sample> s = e.getValue();
      double steady = median(s.stream().map(Sample::steadyPerSecond).toList());
      double whole = median(s.stream().map(Sample::wholePerSecond).toList());
      double cpu = median(s.stream().map(Sample::steadyCpuMicrosPerTweet).toList());
      rows.add(
          new Row(
              e.getKey(),
              Contestants.DESCRIPTIONS.get(e.getKey()),
              s.get(0).records(),
              steady,
              whole,
              (long) median(s.stream().map(x -> (double) x.peakHeapBytes()).toList()),
              (long) median(s.stream().map(x -> (double) x.peakHeapAfterGcBytes()).toList()),
              limitSteady > 0 ? steady / limitSteady : Double.NaN,
              limitWhole > 0 ? whole / limitWhole : Double.NaN,
              allSteady > 0 ? steady / allSteady : Double.NaN,
              allWhole > 0 ? whole / allWhole : Double.NaN,
              cpu,
              limitCpu > 0 ? cpu / limitCpu : Double.NaN,
              s.stream().allMatch(x -> x.note().isEmpty() && x.outputs() == x.records()),
              s));
    }
    return rows;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  public static String machine() {
    Runtime r = Runtime.getRuntime();
    String cpu = "";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).strip() + ", ")
          .orElse("");
    } catch (IOException | UncheckedIOException e) {
      // not Linux: the core count will do
    }
    return cpu + r.availableProcessors() + " cores, Java " + System.getProperty("java.version") + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }

  /** The table as it goes into the README. */
  public static void printTable(Result r, PrintStream out) {
    out.println("| contestant | tweets | tweets/s steady (10-90 %) | ratio to limit | ratio to limit-all | tweets/s whole run | ratio to limit | ratio to limit-all | CPU µs/tweet steady | CPU ratio to limit | peak heap MB | peak heap after GC MB | all out |");
    out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |");
    for (Row row : r.rows()) {
      out.printf(
          "| %s | %d | %.0f | %s | %s | %.0f | %s | %s | %s | %s | %.0f | %.0f | %s |%n",
          row.description(), row.records(), row.steadyPerSecond(), ratio(row.steadyRatioToLimit()),
          ratio(row.steadyRatioToLimitAll()), row.wholePerSecond(), ratio(row.wholeRatioToLimit()),
          ratio(row.wholeRatioToLimitAll()),
          Double.isNaN(row.steadyCpuMicrosPerTweet()) ? "-" : String.format("%.0f", row.steadyCpuMicrosPerTweet()),
          ratio(row.cpuRatioToLimit()), row.peakHeapBytes() / 1e6,
          row.peakHeapAfterGcBytes() / 1e6, row.complete() ? "yes" : "NO");
    }
  }

  /** The throughput targets (issue 20) for the contestants this run had, against limit-all. */
  public static void printTargets(Result r, PrintStream out) {
    for (Row row : r.rows()) {
      if (Double.isNaN(row.steadyRatioToLimitAll())) {
        continue;
      }
      if (row.contestant().equals("flink")) {
        LatencyBench.target(out, "Flink steady at least 0.9 of limit-all", row.steadyRatioToLimitAll() >= 0.9,
            ratio(row.steadyRatioToLimitAll()));
        printFloor(r, row, "flink-floor", "Flink", out);
      } else if (row.contestant().equals("spark-streaming")) {
        LatencyBench.target(out, "Spark streaming steady at least 0.7 of limit-all",
            row.steadyRatioToLimitAll() >= 0.7, ratio(row.steadyRatioToLimitAll()));
        printFloor(r, row, "spark-floor", "Spark streaming", out);
      }
    }
  }

  /** What the engine allows, when the run had its floor: the same Kafka plumbing with no rules. */
  private static void printFloor(Result r, Row job, String floor, String engine, PrintStream out) {
    r.rows().stream().filter(f -> f.contestant().equals(floor)).findFirst().ifPresent(f -> out.printf(
        "  (the floor, %s with no rules, is %s of limit-all and %.0f µs CPU per tweet; linkwatch on %s is %s of the floor"
            + " and %.0f µs)%n",
        engine, ratio(f.steadyRatioToLimitAll()), f.steadyCpuMicrosPerTweet(), engine,
        ratio(job.steadyPerSecond() / f.steadyPerSecond()), job.steadyCpuMicrosPerTweet()));
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "-" : String.format("%.2f", r);
  }

  /** Writes one bench's result file: a pretty-printed JSON object whose members {@code body} writes. */
  static void writeJsonObject(Path file, JsonBody body) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    try (OutputStream out = Files.newOutputStream(file);
        JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    }
  }

  /** The members of a result file. */
  interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  public static void writeJson(Result r, Path file) throws IOException {
    writeJsonObject(file, g -> {
      g.writeStringField("bench", r.memorySamples().isEmpty() ? "e2e" : "memory");
      g.writeStringField("started", r.started().toString());
      g.writeStringField("finished", r.finished().toString());
      g.writeStringField("machine", r.machine());
      g.writeNumberField("tweets", r.tweets());
      g.writeNumberField("mean_tweet_bytes", Math.round(r.meanTweetBytes()));
      g.writeNumberField("catalog_names", r.catalogNames());
      g.writeStringField("window", "30 s batches, 6 h sliding every 30 s");
      g.writeNumberField("rounds", r.rounds());
      g.writeArrayFieldStart("results");
      for (Row row : r.rows()) {
        g.writeStartObject();
        g.writeStringField("contestant", row.contestant());
        g.writeStringField("description", row.description());
        g.writeNumberField("records", row.records());
        g.writeNumberField("steady_tweets_per_s", Math.round(row.steadyPerSecond()));
        g.writeNumberField("whole_run_tweets_per_s", Math.round(row.wholePerSecond()));
        writeRatio(g, "steady_ratio_to_limit", row.steadyRatioToLimit());
        writeRatio(g, "whole_run_ratio_to_limit", row.wholeRatioToLimit());
        writeRatio(g, "steady_ratio_to_limit_all", row.steadyRatioToLimitAll());
        writeRatio(g, "whole_run_ratio_to_limit_all", row.wholeRatioToLimitAll());
        writeRatio(g, "steady_cpu_us_per_tweet", row.steadyCpuMicrosPerTweet());
        writeRatio(g, "cpu_ratio_to_limit", row.cpuRatioToLimit());
        g.writeNumberField("peak_heap_bytes", row.peakHeapBytes());
        g.writeNumberField("peak_heap_after_gc_bytes", row.peakHeapAfterGcBytes());
        g.writeBooleanField("all_out", row.complete());
        g.writeArrayFieldStart("runs");
        for (Sample s : row.samples()) {
          g.writeStartObject();
          g.writeNumberField("outputs", s.outputs());
          g.writeNumberField("seconds", Math.round(s.seconds() * 1000) / 1000.0);
          g.writeNumberField("steady_tweets_per_s", Math.round(s.steadyPerSecond()));
          g.writeNumberField("whole_run_tweets_per_s", Math.round(s.wholePerSecond()));
          writeRatio(g, "steady_cpu_us_per_tweet", s.steadyCpuMicrosPerTweet());
          g.writeNumberField("peak_heap_bytes", s.peakHeapBytes());
          g.writeNumberField("peak_heap_after_gc_bytes", s.peakHeapAfterGcBytes());
          g.writeStringField("note", s.note());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      if (!r.memorySamples().isEmpty()) {
        g.writeArrayFieldStart("memory_samples");
        for (long[] s : r.memorySamples()) {
          g.writeStartObject();
          g.writeNumberField("second", s[0]);
          g.writeNumberField("heap_after_full_gc_bytes", s[1]);
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("trend_bytes_per_minute_second_half", Math.round(trendAfterWarmUp(r.memorySamples())));
      }
    });
  }

  private static void writeRatio(JsonGenerator g, String field, double value) throws IOException {
    if (Double.isNaN(value)) {
      g.writeNullField(field);
    } else {
      g.writeNumberField(field, Math.round(value * 1000) / 1000.0);
    }
  }

  /**
   * The growth trend once warm: the slope over the second half of the samples, since the first ones
   * catch the job starting (the engine, then the first windows filling).
   */
  public static double trendAfterWarmUp(List<long[]> samples) {
    return slopePerMinute(samples.subList(samples.size() / 2, samples.size()));
  }

  /** Least-squares slope of heap after GC over time, in bytes per minute: the growth trend, if any. */
  public static double slopePerMinute(List<long[]> samples) {
    int n = samples.size();
    if (n < 2) {
      return 0;
    }
    double mx = 0;
    double my = 0;
    for (long[] s : samples) {
      mx += s[0];
      my += s[1];
    }
    mx /= n;
    my /= n;
    double num = 0;
    double den = 0;
    for (long[] s : samples) {
      num += (s[0] - mx) * (s[1] - my);
      den += (s[0] - mx) * (s[0] - mx);
    }
    return den == 0 ? 0 : num / den * 60;
  }
}
