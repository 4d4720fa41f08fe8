package dev.linkwatch.cli;

import dev.linkwatch.pipeline.Channel;


import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkwatch.contract.OutputContract;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code linkwatch run --input tweets.jsonl --output out/} through the command line on the DirectRunner. */
class FileModeTest {
  @TempDir Path dir;

  @Test
  void writesThreeJsonLinesFilesAndLosesNothing() throws Exception {
    Path input = dir.resolve("tweets.jsonl");
    try (var out = Files.newOutputStream(input)) {
      try (var in = FileModeTest.class.getResourceAsStream("/detection.jsonl")) {
        // the pipeline module's fixture (a copy): detection rules, one tweet per line
        in.transferTo(out);
      }
      out.write("{\"truncated json\n".getBytes(StandardCharsets.UTF_8));
      out.write(new byte[] {(byte) 0xC3, (byte) 0x28, '\n'});
      out.write("\n".getBytes(StandardCharsets.UTF_8)); // a blank line is not a record
      out.write("{\"delete\":{\"status\":{\"id\":5}}}\n".getBytes(StandardCharsets.UTF_8));
    }
    Path output = dir.resolve("out");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.execute(
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "run",
            "--runner=DirectRunner",
            "--unshorten=false",
            "--input=" + input,
            "--output=" + output);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    List<String> matched = Files.readAllLines(output.resolve("matched.jsonl"));
    List<String> unmatched = Files.readAllLines(output.resolve("unmatched.jsonl"));
    List<String> errors = Files.readAllLines(output.resolve("errors.jsonl"));
    assertThat(matched).hasSize(3).allMatch(l -> l.contains("\"enriched\":"));
    assertThat(unmatched).hasSize(6);
    assertThat(errors).hasSize(2);
    // Error records point at the line to fix: the file name and the 1-based line number.
    assertThat(errors).anyMatch(l -> l.contains("\"topic\":\"tweets.jsonl\"") && l.contains("\"offset\":9"));
    assertThat(errors).anyMatch(l -> l.contains("\"offset\":10") && l.contains("\"value_base64\":\"wyg=\""));

    // Every line of every file as a strict consumer reads it: one JSON value, valid against its schema.
    List<JsonNode> unmatchedRecords = OutputContract.checkLines(Channel.UNMATCHED.fileName(), output.resolve("unmatched.jsonl"));
    assertThat(unmatchedRecords).extracting(n -> n.get("outcome").asText()).contains("unmatched", "notice");
    assertThat(OutputContract.checkLines(Channel.MATCHED.fileName(), output.resolve("matched.jsonl"))).hasSize(3);
    assertThat(OutputContract.checkLines(Channel.ERRORS.fileName(), output.resolve("errors.jsonl"))).hasSize(2);
    List<JsonNode> counts = OutputContract.checkLines(Channel.COUNTS.fileName(), output.resolve("counts.jsonl"));
    assertThat(
            counts.stream()
                .filter(n -> n.get("scope").asText().equals("batch") && n.get("metric").asText().equals("inbound"))
                .mapToLong(n -> n.get("count").asLong())
                .sum())
        .isEqualTo(11L);
  }

  @Test
  void badConfigurationExitsWithCodeTwoAndOneLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.execute(
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "run",
            "--runner=DirectRunner",
            "--minMatches=0",
            "--input=x.jsonl",
            "--output=out");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .startsWith("linkwatch: minMatches must be at least 1")
        .doesNotContain("\tat ");
  }
}
