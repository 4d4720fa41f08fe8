package dev.linkwatch.runners.parity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.samples.RealSamples;
import dev.linkwatch.testing.RunnerParity;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every real Bluesky Jetstream and Mastodon sample line ({@link RealSamples}: the recorded 152-event
 * window, the posts/reposts/deletes, Mastodon statuses and stream frames) through {@code linkwatch run}
 * in file mode on the DirectRunner, Flink and Spark {@code local[2]}, each in its own JVM on its runner
 * module's classpath. The three runs must write the same records (every output file the same lines;
 * counts without pane timing), every line read strictly through {@link OutputContract}, and every
 * sample record must leave exactly once, where {@link RealSamples#expectedRoutes} says.
 */
class RealSourcesParityIT {
  private static final Map<String, List<String>> RUNNERS =
      Map.of(
          "direct", List.of("--runner=DirectRunner"),
          "flink", List.of("--runner=FlinkRunner", "--parallelism=2"),
          "spark", List.of("--runner=LinkwatchSparkRunner", "--sparkMaster=local[2]"));

  @Test
  void everyRealSampleRoutesAsTheRulesSayAndTheSameOnAllThreeRunners(@TempDir Path dir) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    int lines = 0;
    for (String file : RealSamples.FILES) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (byte[] line : RealSamples.fed(file)) {
        bytes.write(line);
        bytes.write('\n');
        lines++;
      }
      Files.write(in.resolve(file), bytes.toByteArray());
    }

    Map<String, ChildJvm> runs = new LinkedHashMap<>();
    try {
      for (String runner : List.of("direct", "flink", "spark")) {
        List<String> args = new ArrayList<>(RUNNERS.get(runner));
        args.addAll(
            List.of(
                "--input=" + in.resolve("*.jsonl"),
                "--output=" + dir.resolve("out").resolve(runner),
                "--unshorten=false",
                "--printCounts=false"));
        runs.put(runner, ChildJvm.onRunner(runner).log(dir.resolve(runner + ".log")).args("run").args(args).start());
      }
      for (var run : runs.entrySet()) {
        int exit = run.getValue().waitFor(Duration.ofMinutes(6));
        assertThat(exit).as(run.getKey() + " exit code\n" + run.getValue().tail()).isZero();
      }
    } finally {
      runs.values().forEach(ChildJvm::close);
    }

    Map<String, Map<String, List<String>>> outputs = new LinkedHashMap<>();
    for (String runner : runs.keySet()) {
      // Every line of every run as it was written (the sorted copies drop the counts' timing).
      Path out = dir.resolve("out").resolve(runner);
      for (String channel : OutputContract.CHANNELS) {
        List<String> written = Files.readAllLines(out.resolve(channel + ".jsonl"), StandardCharsets.UTF_8);
        for (int i = 0; i < written.size(); i++) {
          OutputContract.check(channel, written.get(i).getBytes(StandardCharsets.UTF_8), runner + " " + channel + ":" + (i + 1));
        }
      }
      outputs.put(runner, RunnerParity.sortedOutputs(dir.resolve("out").resolve(runner)));
    }
    Map<String, List<String>> direct = outputs.get("direct");
    for (String runner : List.of("flink", "spark")) {
      for (String channel : direct.keySet()) {
        assertThat(outputs.get(runner).get(channel)).as(runner + " " + channel).isEqualTo(direct.get(channel));
      }
    }

    Map<String, String> routes = routes(direct);
    assertThat(routes).as("every sample line leaves once").hasSize(lines);
    assertThat(routes).containsAllEntriesOf(RealSamples.expectedRoutes());
    Map<String, Integer> window = new TreeMap<>();
    routes.forEach(
        (line, outcome) -> {
          if (line.startsWith(RealSamples.WINDOW + "/")) {
            window.merge(outcome, 1, Integer::sum);
          }
        });
    assertThat(window).containsExactlyInAnyOrderEntriesOf(RealSamples.windowTotals());
    System.out.println("RealSourcesParityIT: " + lines + " lines, the same on three runners, every record keeping its contract");
  }

  /** {@code file/line} to outcome, as {@link RealSamples} writes them; fails on a line routed twice. */
  private static Map<String, String> routes(Map<String, List<String>> outputs) {
    Map<String, String> routes = new TreeMap<>();
    for (String channel : List.of("matched", "unmatched", "errors")) {
      for (String line : outputs.get(channel)) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        var record = OutputContract.check(channel, bytes, line);
        DeliveryCheck.Coordinates source = DeliveryCheck.Coordinates.fromBody(bytes);
        assertThat(source).as("source of " + line).isNotNull();
        String outcome =
            switch (channel) {
              case "matched" -> "matched";
              case "errors" -> "error";
              default ->
                  record.get("outcome").textValue().equals("notice")
                      ? "notice"
                      : "unmatched " + record.get("code").intValue();
            };
        String key = source.topic() + "/" + source.offset();
        assertThat(routes.put(key, outcome)).as("routed twice: " + key).isNull();
      }
    }
    return routes;
  }
}
