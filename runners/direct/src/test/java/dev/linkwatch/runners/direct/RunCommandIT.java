package dev.linkwatch.runners.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import dev.linkwatch.testing.LauncherScript;
import dev.linkwatch.testing.LauncherScript.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./linkwatch run} as a person types it, through the launcher script in a process of its own:
 * space-separated options, a typo, an existing output, an unreachable Kafka, standard input and output.
 * Checks exit codes, that errors are one line on standard error, and linkwatch's own lines (the start-up
 * line and the final account), never the count reports another part of the program prints.
 */
class RunCommandIT {
  static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  @TempDir Path dir;

  static Result linkwatch(Path work, Path stdin, String... args) throws Exception {
    return LauncherScript.run(work, stdin, args);
  }

  Path realTweets() throws IOException {
    Path file = dir.resolve("tweets.jsonl");
    try (InputStream in = RunCommandIT.class.getResourceAsStream("/tweets_v1_first50.jsonl")) {
      Files.copy(in, file);
    }
    return file;
  }

  static List<JsonNode> strictLines(Path file) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      nodes.add(STRICT.readTree(line));
    }
    return nodes;
  }

  /** The account's lines: from "Summary" to the end of standard error. */
  static List<String> account(Result r) {
    int at = r.err().indexOf("Summary");
    assertThat(at).as("no account in:\n" + String.join("\n", r.err())).isPositive();
    return r.err().subList(at, r.err().size());
  }

  static String figure(List<String> account, String label) {
    return account.stream()
        .filter(l -> l.startsWith("  " + label + " "))
        .findFirst()
        .map(l -> l.substring(2 + label.length()).trim())
        .orElseThrow(() -> new AssertionError("no '" + label + "' in " + account));
  }

  @Test
  void spaceSeparatedOptionsRunAFileAndEndWithAnAccountThatAddsUp() throws Exception {
    Path input = realTweets();
    Path output = dir.resolve("out");
    Result r =
        linkwatch(dir, null, "run", "--runner", "direct", "--input", input.toString(), "--output", output.toString(),
            "--unshorten", "false", "--min-matches", "1");
    assertThat(r.code()).as(String.join("\n", r.err())).isZero();
    // Standard error holds linkwatch's lines only: the start-up line, then the account.
    String start = r.err().get(0);
    assertThat(start)
        .startsWith("linkwatch run: reading " + input + "; writing " + output)
        .contains("; runner DirectRunner; catalog builtin:original (6 entries); config none; log " + dir.resolve("logs"));
    List<String> account = account(r);
    assertThat(r.err()).hasSize(1 + account.size());
    // Figures as a strict reader of the files counts them.
    List<JsonNode> matched = strictLines(output.resolve("matched.jsonl"));
    List<JsonNode> unmatched = strictLines(output.resolve("unmatched.jsonl"));
    List<JsonNode> errors = strictLines(output.resolve("errors.jsonl"));
    assertThat(figure(account, "records in")).isEqualTo("50");
    assertThat(figure(account, "matched")).isEqualTo(String.valueOf(matched.size()));
    assertThat(figure(account, "unmatched")).isEqualTo(String.valueOf(unmatched.size()));
    assertThat(figure(account, "errors")).isEqualTo(String.valueOf(errors.size()));
    assertThat(figure(account, "accounted for")).isEqualTo("50 of 50 (nothing lost)");
    assertThat(matched.size() + unmatched.size() + errors.size()).isEqualTo(50);
    // Unmatched by reason: one line per code, each as many as the file holds.
    Map<String, Long> byReason = new TreeMap<>();
    for (JsonNode n : unmatched) {
      String reason = n.get("outcome").asText().equals("notice") ? "stream notice" : n.get("code").asInt() + " " + n.get("reason").asText();
      byReason.merge(reason, 1L, Long::sum);
    }
    byReason.forEach((reason, n) -> assertThat(account).anyMatch(l -> l.matches("      " + java.util.regex.Pattern.quote(reason) + " +" + n)));
    assertThat(figure(account, "outputs")).isEqualTo(
        output.resolve("matched.jsonl") + ", " + output.resolve("unmatched.jsonl") + ", " + output.resolve("errors.jsonl")
            + ", " + output.resolve("counts.jsonl"));
  }

  @Test
  void anExistingOutputIsRefusedUnlessOverwriteAndOtherFilesOrAFileAlways() throws Exception {
    Path input = realTweets();
    Path output = dir.resolve("out");
    String[] run = {"run", "--runner=direct", "--unshorten=false", "--printCounts=false", "--input=" + input, "--output=" + output};
    assertThat(linkwatch(dir, null, run).code()).isZero();

    Result again = linkwatch(dir, null, run);
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).containsExactly(
        "linkwatch: output " + output + " already holds linkwatch output; add --overwrite to replace it, or give a new directory");

    List<String> withOverwrite = new ArrayList<>(List.of(run));
    withOverwrite.add("--overwrite");
    Result overwritten = linkwatch(dir, null, withOverwrite.toArray(String[]::new));
    assertThat(overwritten.code()).as(String.join("\n", overwritten.err())).isZero();
    assertThat(figure(account(overwritten), "accounted for")).isEqualTo("50 of 50 (nothing lost)");

    Files.writeString(output.resolve("notes.txt"), "mine");
    Result others = linkwatch(dir, null, withOverwrite.toArray(String[]::new));
    assertThat(others.code()).isEqualTo(2);
    assertThat(others.err()).containsExactly("linkwatch: output " + output + " holds other files (notes.txt); give a new or empty directory");
    assertThat(output.resolve("notes.txt")).hasContent("mine");

    Result file = linkwatch(dir, null, "run", "--runner", "direct", "--input", input.toString(), "--output", input.toString());
    assertThat(file.code()).isEqualTo(2);
    assertThat(file.err()).containsExactly(
        "linkwatch: output " + input + " is a file; file mode writes a directory (give a new or empty one)");
  }

  @Test
  void usageErrorsAreOneLineWithExitTwoAndVerboseAnywhereAddsTheTrace() throws Exception {
    Result typo = linkwatch(dir, null, "run", "--runner", "direct", "--bootstrapServer=127.0.0.1:9092");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err()).containsExactly("linkwatch: unknown option --bootstrapServer; did you mean --bootstrapServers?");
    assertThat(typo.out()).isEmpty();

    Result twice = linkwatch(dir, null, "run", "--runner", "direct", "--min-matches", "2", "--minMatches=3");
    assertThat(twice.code()).isEqualTo(2);
    assertThat(twice.err()).containsExactly("linkwatch: option --minMatches is given more than once (2, then 3): give it once");

    Result missing = linkwatch(dir, null, "run", "--runner", "direct", "--input", dir.resolve("x.jsonl").toString(), "--output", dir.resolve("o").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).containsExactly("linkwatch: input file " + dir.resolve("x.jsonl") + " does not exist");

    Result tool = linkwatch(dir, null, "generate", "--broken-shar", "0.5");
    assertThat(tool.code()).isEqualTo(2);
    assertThat(tool.err()).containsExactly("linkwatch: unknown option --broken-shar; did you mean --broken-share? (see linkwatch generate --help)");

    Result verbose = linkwatch(dir, null, "run", "--runner", "direct", "--min-matches", "0", "--verbose");
    assertThat(verbose.code()).isEqualTo(2);
    assertThat(verbose.err().get(0)).isEqualTo("linkwatch: minMatches must be at least 1, was 0");
    assertThat(verbose.err()).anyMatch(l -> l.startsWith("\tat dev.linkwatch.pipeline.Settings.from"));
  }

  @Test
  void anUnreachableKafkaIsOneLineWithinThirtySeconds() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again below: nothing listens there
    }
    Result r = linkwatch(dir, null, "run", "--runner", "direct", "--bootstrapServers", "127.0.0.1:" + port);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).containsExactly(
        "linkwatch: cannot reach Kafka at 127.0.0.1:" + port + " (TimeoutException within 10 s; --wait-for-kafka keeps trying)");
    assertThat(r.took()).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void standardInputInAndMatchedRecordsOnStandardOutput() throws Exception {
    Path generated = dir.resolve("generated.jsonl");
    Result gen = linkwatch(dir, null, "generate", "--count", "50", "--seed", "2017", "--output", generated.toString());
    assertThat(gen.code()).as(String.join("\n", gen.err())).isZero();

    Result r = linkwatch(dir, generated, "run", "--runner", "direct", "--unshorten", "false", "--input=-", "--output=-");
    assertThat(r.code()).as(String.join("\n", r.err())).isZero();
    assertThat(r.err().get(0)).startsWith("linkwatch run: reading standard input; writing matched to standard output, the rest to ");
    List<String> account = account(r);
    assertThat(r.err()).hasSize(1 + account.size());
    assertThat(figure(account, "records in")).isEqualTo("50");
    assertThat(figure(account, "accounted for")).isEqualTo("50 of 50 (nothing lost)");
    // Standard output holds the matched records and nothing else (no count reports), one strict JSON
    // object a line, as jq reads them.
    assertThat(r.out()).hasSize(Integer.parseInt(figure(account, "matched"))).isNotEmpty();
    for (String line : r.out()) {
      assertThat(STRICT.readTree(line).path("enriched").isObject()).as(line).isTrue();
    }
  }
}
