package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./linkwatch run} on its default runner, embedded Flink, through the launcher script: a missing
 * input file is one line and exit 2 (it was a 231-line stack trace), and a 50-line file ends with the
 * account. Only linkwatch's own lines are checked, never the count reports.
 */
class FlinkRunCommandIT {
  @TempDir Path dir;

  record Result(int code, List<String> out, List<String> err) {}

  static Result linkwatch(Path work, String... args) throws Exception {
    Path root = projectRoot();
    List<String> command = new ArrayList<>();
    command.add(root.resolve("linkwatch").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // Run what the build made (failsafe follows package); logs into the test's folder.
    builder.environment().put("LINKWATCH_SKIP_BUILD", "1");
    builder.environment().put("LINKWATCH_LOG_DIR", work.resolve("logs").toString());
    builder.environment().put("LINKWATCH_JAVA_OPTS", "-Xmx1g");
    builder.environment().remove("JAVA_TOOL_OPTIONS"); // "Picked up ..." on stderr is the test's, not linkwatch's
    Process p = builder.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("linkwatch did not end:\n" + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8), Files.readAllLines(err, StandardCharsets.UTF_8));
  }

  static Path projectRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("linkwatch")) && Files.isDirectory(d.resolve("runners"))) {
        return d;
      }
    }
    throw new IllegalStateException("no linkwatch project above " + Path.of("").toAbsolutePath());
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
