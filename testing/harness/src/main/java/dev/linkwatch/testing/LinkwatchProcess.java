package dev.linkwatch.testing;

import dev.linkwatch.local.RunnerClasspath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code linkwatch run} in a child JVM on one runner module's {@code target/runtime.classpath}, the
 * classpath {@code ./linkwatch run --runner=X} uses. Flink and Spark cannot share one classpath, and a
 * child JVM also proves that the launcher's classpath files hold everything a runner needs.
 *
 * <p>The child gets this JVM's {@code --add-opens} flags, at most 1 GB of heap, loopback-only Spark and
 * Flink, and writes everything it prints to a log file.
 */
public final class LinkwatchProcess implements AutoCloseable {
  private final String runner;
  private final Process process;
  private final Path log;
  private final long startNanos = System.nanoTime();

  private LinkwatchProcess(String runner, Process process, Path log) {
    this.runner = runner;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code Main run} with {@code args} on {@code runners/<runner>/target/runtime.classpath}.
   *
   * @param runner the runner module: direct, flink or spark
   */
  public static LinkwatchProcess start(String runner, Path log, List<String> args) throws IOException {
    Path root = projectRoot();
    String classpath = RunnerClasspath.of(root, runner);
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx1g");
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens"))
        .forEach(command::add);
    // As quiet as the launcher: engine chatter would bury what matters in the log.
    command.addAll(
        List.of(
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dorg.slf4j.simpleLogger.log.org.apache.beam.sdk.metrics.MetricsEnvironment=off",
            "-cp",
            classpath,
            "dev.linkwatch.cli.Main",
            "run"));
    command.addAll(args);
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().put("FLINK_CONF_DIR", root.resolve("runners/flink/conf").toString());
    return new LinkwatchProcess(runner, builder.start(), log);
  }

  /** The folder holding the {@code linkwatch} launcher, found from the working directory upwards. */
  static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("linkwatch")) && Files.isDirectory(d.resolve("runners"))) {
        return d;
      }
    }
    throw new IllegalStateException("no linkwatch project above " + dir);
  }

  /** Waits for the program to end by itself; fails with its log if it does not within {@code max}. */
  public int waitFor(Duration max) throws InterruptedException {
    if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError(runner + " did not finish within " + max + "\n" + tail());
    }
    return process.exitValue();
  }

  /**
   * Stops the program as Ctrl-C or {@code kill} would (SIGTERM, the JVM's shutdown hooks run), and waits
   * up to {@code max} for it to end; returns its exit code, or fails if it had to be killed.
   */
  public int stop(Duration max) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError(runner + " did not stop within " + max + " of SIGTERM\n" + tail());
    }
    return process.exitValue();
  }

  /** As {@link #stop}, but kills the program instead of failing when it has not ended; empty then. */
  public java.util.OptionalInt stopOrKill(Duration max) throws InterruptedException {
    process.destroy();
    if (process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      return java.util.OptionalInt.of(process.exitValue());
    }
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    return java.util.OptionalInt.empty();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** The last lines the program printed, for failure messages. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
