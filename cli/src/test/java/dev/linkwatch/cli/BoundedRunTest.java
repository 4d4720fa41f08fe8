package dev.linkwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File runs on the DirectRunner, as a user runs them: bounded counts and console output, and one
 * timeline per file (docs/counts.md).
 */
class BoundedRunTest {
  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  @TempDir Path dir;

  private record Run(List<JsonNode> counts, String console) {}

  private Run run(String resource) throws Exception {
    Path input = dir.resolve("input.jsonl");
    try (InputStream in = getClass().getResourceAsStream("/tweets/" + resource)) {
      Files.copy(in, input);
    }
    Path output = dir.resolve("out");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int code;
    // The counts are printed by the pipeline's own step to System.out, as a user sees them.
    System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
    try {
      code =
          Main.execute(
              System.out,
              new PrintStream(err, true, StandardCharsets.UTF_8),
              "run",
              "--runner=DirectRunner",
              "--unshorten=false",
              "--printCounts=true",
              "--input=" + input,
              "--output=" + output);
    } finally {
      System.setOut(original);
    }
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    List<JsonNode> counts = new ArrayList<>();
    for (String line : Files.readAllLines(output.resolve("counts.jsonl"), StandardCharsets.UTF_8)) {
      counts.add(STRICT.readTree(line));
    }
    return new Run(counts, console.toString(StandardCharsets.UTF_8));
  }

  private static List<JsonNode> where(List<JsonNode> counts, String scope, String metric) {
    return counts.stream()
        .filter(n -> n.get("scope").asText().equals(scope) && n.get("metric").asText().equals(metric))
        .toList();
  }

  /**
   * 50 real tweets from 2016 and 2017, spread over 16 months: one batch report per batch with records,
   * one window report per such batch (no trailing or empty-slide windows), one run report; the console
   * shows the batches and the run only.
   */
  @Test
  void aFiftyLineFileGivesBoundedDocumentedCounts() throws Exception {
    Run run = run("tweets_v1_first50.jsonl");
    List<JsonNode> batches = where(run.counts, "batch", "inbound");
    List<JsonNode> windows = where(run.counts, "window", "inbound");
    List<JsonNode> runs = where(run.counts, "run", "inbound");
    Set<String> batchEnds = new TreeSet<>();
    batches.forEach(b -> batchEnds.add(b.get("window_end").asText()));
    Set<String> windowEnds = new TreeSet<>();
    windows.forEach(w -> windowEnds.add(w.get("window_end").asText()));

    assertThat(batches).hasSize(batchEnds.size()).hasSize(BATCHES);
    // With the slide equal to the batch, a window is reported exactly where a batch had records.
    assertThat(windowEnds).isEqualTo(batchEnds);
    assertThat(windows).hasSize(BATCHES);
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).get("count").asLong()).isEqualTo(50);
    assertThat(batches.stream().mapToLong(b -> b.get("count").asLong()).sum()).isEqualTo(50);
    assertThat(runs.get(0).get("window_start").asText()).startsWith("2016-03-07T15:13:30");
    assertThat(runs.get(0).get("window_end").asText()).startsWith("2017-07-18T23:25:30");
    assertThat(run.counts).hasSize(COUNT_RECORDS);

    List<String> lines = run.console.lines().toList();
    assertThat(lines).hasSize(CONSOLE_LINES);
    assertThat(lines.stream().filter(l -> l.startsWith("Window/"))).isEmpty();
    assertThat(lines.stream().filter(l -> l.startsWith("Batch/Inbound: "))).hasSize(BATCHES);
    assertThat(lines).containsOnlyOnce("Run/Inbound: 50");
  }

  /** The distinct 30 s batches the 50 tweets fall in (two pairs share one). */
  private static final int BATCHES = 43;
  /**
   * Eleven records per report (the nine totals inbound, matched, unmatched, errored, notices,
   * dropped_late, unresolved_links, unshorten_lookups, unshorten_failures, and platform_inbound and
   * platform_matched for twitter, the one platform), for 43 batches, 43 windows and the run; none of
   * these tweets matches, so no artist, domain or catalog records.
   */
  private static final int COUNT_RECORDS = (BATCHES + BATCHES + 1) * (9 + 2);
  /**
   * Ten lines (rule, time, rule, seven counts) per printed report: the 43 batches and the run. One
   * platform: no per-platform lines on the console.
   */
  private static final int CONSOLE_LINES = (BATCHES + 1) * 10;

  /** A broken line between two July 2017 tweets is counted in a July 2017 batch, not today's. */
  @Test
  void aLineWithoutEventTimeStaysOnTheFilesTimeline() throws Exception {
    Run run = run("broken_between_2017.jsonl");
    List<JsonNode> errored = where(run.counts, "batch", "errored");
    List<JsonNode> withError = errored.stream().filter(n -> n.get("count").asLong() > 0).toList();
    assertThat(withError).hasSize(1);
    // The line before it: Tue Jul 18 23:25:04 +0000 2017.
    assertThat(withError.get(0).get("window_start").asText()).isEqualTo("2017-07-18T23:25:00Z");
    for (JsonNode n : run.counts) {
      assertThat(n.get("window_end").asText()).as(n.toString()).startsWith("2017-07-18T23:");
    }
  }
}
