package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.linkwatch.testing.LauncherScript;
import dev.linkwatch.testing.LauncherScript.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./linkwatch run} on its default runner, embedded Flink, through the launcher script: a missing
 * input file is one line and exit 2 (it was a 231-line stack trace), and a 50-line file ends with the
 * account. Only linkwatch's own lines are checked, never the count reports.
 */
class FlinkRunCommandIT {
  @TempDir Path dir;

  static Result linkwatch(Path work, String... args) throws Exception {
    return LauncherScript.run(work, args);
  }

  @Test
  void aMissingInputFileIsOneLineAndExitTwo() throws Exception {
    Path missing = dir.resolve("x.jsonl");
    Result r = linkwatch(dir, "run", "--input", missing.toString(), "--output", dir.resolve("o").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).containsExactly("linkwatch: input file " + missing + " does not exist");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aValueBeamCannotReadIsBlamedOnItsOwnOption() throws Exception {
    // Beam's message names a type, not the option. Finding it flag by flag must not stop at one that
    // fails only because, alone, it leaves Beam without a runner: the Flink classpath has no
    // DirectRunner, Beam's default (it named --bootstrapServers here until 2026-12-07).
    Result r = linkwatch(dir, "run", "--bootstrapServers=127.0.0.1:1", "--minMatches=two");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).singleElement().asString().startsWith("linkwatch: minMatches: ");
  }

  @Test
  void aFiftyLineFileEndsWithTheAccount() throws Exception {
    Path input = dir.resolve("tweets.jsonl");
    Result gen = linkwatch(dir, "generate", "--count", "50", "--output", input.toString());
    assertThat(gen.code()).as(String.join("\n", gen.err())).isZero();
    Path output = dir.resolve("out");
    Result r = linkwatch(dir, "run", "--input", input.toString(), "--output", output.toString(), "--unshorten", "false");
    assertThat(r.code()).as(String.join("\n", r.err())).isZero();
    assertThat(r.err().get(0))
        .startsWith("linkwatch run: reading " + input + "; writing " + output)
        .contains("; runner LinkwatchFlinkRunner; ");
    int at = r.err().indexOf("Summary");
    assertThat(at).as(String.join("\n", r.err())).isEqualTo(1);
    List<String> account = r.err().subList(at, r.err().size());
    assertThat(account).contains("  records in      50", "  accounted for   50 of 50 (nothing lost)");
    long matchedLines = Files.readAllLines(output.resolve("matched.jsonl")).size();
    assertThat(account).contains(String.format("  matched         %d", matchedLines));
  }
}
