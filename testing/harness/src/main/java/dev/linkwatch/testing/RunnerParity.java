package dev.linkwatch.testing;

import dev.linkwatch.contract.OutputContract;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import dev.linkwatch.local.TweetGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;

/**
 * Runs the same generated tweets through the pipeline in file mode on two runners and returns each
 * run's outputs, sorted, so a test can require them equal. Count records drop their pane timing, which
 * batch engines report as UNKNOWN where the DirectRunner says ON_TIME. Every line of every file must
 * keep its channel's contract ({@link OutputContract}).
 */
public final class RunnerParity {
  private RunnerParity() {}

  public static Path generate(Path dir, int count, long seed) throws IOException {
    Path input = dir.resolve("tweets.jsonl");
    TweetGenerator generator = new TweetGenerator(seed, 0.03, Instant.parse("2017-01-12T00:00:00Z"));
    try (OutputStream out = Files.newOutputStream(input)) {
      for (int i = 0; i < count; i++) {
        out.write(generator.next().value());
        out.write('\n');
      }
    }
    return input;
  }

  /**
   * Generates 3 000 tweets, runs them on the DirectRunner and on {@code runnerArgs}, and fails unless
   * every output file is the same and every input line is accounted for once.
   */
  public static void assertSameAsDirectRunner(Path dir, String... runnerArgs) throws IOException {
    int count = 3000;
    Path input = generate(dir, count, 42);
    Map<String, List<String>> direct = run(input, dir.resolve("direct"), "--runner=DirectRunner");
    Map<String, List<String>> other = run(input, dir.resolve("other"), runnerArgs);
    if (direct.get("matched").isEmpty() || direct.get("errors").isEmpty()) {
      throw new AssertionError("the generated input should give matched and error records");
    }
    for (String file : direct.keySet()) {
      if (!direct.get(file).equals(other.get(file))) {
        throw new AssertionError(
            file + ".jsonl differs: DirectRunner " + direct.get(file).size() + " lines, "
                + String.join(" ", runnerArgs) + " " + other.get(file).size() + " lines");
      }
    }
    int routed = direct.get("matched").size() + direct.get("unmatched").size() + direct.get("errors").size();
    if (routed != count) {
      throw new AssertionError(routed + " records routed for " + count + " lines");
    }
  }

  /**
   * The four output files of one run, each sorted; fails if the run does not finish or a line breaks
   * its channel's contract.
   */
  public static Map<String, List<String>> run(Path input, Path output, String... runnerArgs) {
    List<String> args = new ArrayList<>(List.of(runnerArgs));
    args.addAll(
        List.of(
            "--unshorten=false",
            "--printCounts=false",
            "--input=" + input,
            "--output=" + output));
    PipelineResult.State state =
        LinkwatchPipeline.run(ConfigFile.parse(args.toArray(String[]::new))).waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("pipeline ended " + state);
    }
    return outputs(output);
  }

  /**
   * The four output files in {@code output} (a file-mode run's, in this JVM or another), each sorted,
   * count records without their pane timing; fails if a line breaks its channel's contract.
   */
  public static Map<String, List<String>> outputs(Path output) {
    for (Channel channel : Channel.values()) {
      OutputContract.checkLines(channel.fileName(), output.resolve(channel.fileName() + ".jsonl"));
    }
    return sortedOutputs(output);
  }

  /**
   * As {@link #outputs} without the contract check, for a caller that checks each record itself;
   * count records are read strictly (to drop their timing) but not checked against their schema.
   */
  public static Map<String, List<String>> sortedOutputs(Path output) {
    Map<String, List<String>> files = new LinkedHashMap<>();
    for (Channel channel : Channel.values()) {
      Path file = output.resolve(channel.fileName() + ".jsonl");
      List<String> lines;
      try {
        lines = new ArrayList<>(Files.readAllLines(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (channel == Channel.COUNTS) {
        List<String> counts = new ArrayList<>();
        for (String line : lines) {
          try {
            ObjectNode n = (ObjectNode) OutputContract.STRICT.readTree(line);
            n.remove("timing");
            counts.add(n.toString());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        lines = counts;
      }
      lines.sort(null);
      files.put(channel.fileName(), lines);
    }
    return files;
  }
}
