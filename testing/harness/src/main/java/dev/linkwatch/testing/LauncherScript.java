package dev.linkwatch.testing;

import dev.linkwatch.local.ChildJvm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./linkwatch ARGS} as a person types it: the launcher script in a process of its own, standard
 * output and error kept apart, so tests can check exit codes, one-line errors and linkwatch's own lines
 * exactly as a user reads them. (Programs the tests start as JVMs go through {@link ChildJvm}.)
 */
public final class LauncherScript {
  private LauncherScript() {}

  /** What the run printed and how it ended. */
  public record Result(int code, List<String> out, List<String> err, Duration took) {}

  /** Runs the script with nothing on standard input; its logs go to {@code work/logs}. */
  public static Result run(Path work, String... args) throws Exception {
    return run(work, null, args);
  }

  /** Runs the script with {@code stdin} (or nothing) on standard input. */
  public static Result run(Path work, Path stdin, String... args) throws Exception {
    Path root =
        ChildJvm.findProjectRoot()
            .orElseThrow(() -> new IllegalStateException("no linkwatch project above " + Path.of("").toAbsolutePath()));
    List<String> command = new ArrayList<>();
    command.add(root.resolve("linkwatch").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(stdin == null ? new File("/dev/null") : stdin.toFile()));
    Map<String, String> env = builder.environment();
    // The build already ran (failsafe follows package): run what is built, as a user would after it.
    env.put("LINKWATCH_SKIP_BUILD", "1");
    env.put("LINKWATCH_LOG_DIR", work.resolve("logs").toString());
    env.put("LINKWATCH_JAVA_OPTS", "-Xmx1g");
    // The JVM would announce these on standard error ("Picked up ..."), which no user sees.
    env.remove("JAVA_TOOL_OPTIONS");
    long start = System.nanoTime();
    Process p = builder.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("linkwatch " + String.join(" ", args) + " did not end:\n" + Files.readString(err));
    }
    return new Result(
        p.exitValue(),
        Files.readAllLines(out, StandardCharsets.UTF_8),
        Files.readAllLines(err, StandardCharsets.UTF_8),
        Duration.ofNanos(System.nanoTime() - start));
  }
}
