package dev.linkwatch.runners.flink.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code linkwatch run} on embedded Flink in a JVM of its own, as a user starts it: the fault tests
 * damage the broker under it and then look at how it fared from outside (its output, whether it still
 * runs, how it exited). Its own JVM also gives the burst scenario a heap of known size whose
 * {@code OutOfMemoryError} cannot hide in the test JVM.
 */
final class PipelineProcess implements AutoCloseable {
  /** Printed by the JVM itself when {@code -XX:+ExitOnOutOfMemoryError} ends it. */
  static final String OOM = "OutOfMemoryError";

  private final Process process;
  private final Path log;

  private PipelineProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code linkwatch run --runner=LinkwatchFlinkRunner --streaming=true} (what
   * {@code --runner=flink} runs) with {@code args}; stdout and stderr go to {@code log}.
   */
  static PipelineProcess start(Path log, String heap, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    for (String open : System.getProperty("linkwatch.jvm.opens", "").split(" ")) {
      if (!open.isBlank()) {
        command.add(open);
      }
    }
    command.add(heap);
    // An OutOfMemoryError ends the JVM with a message instead of leaving a half-dead job running.
    command.add("-XX:+ExitOnOutOfMemoryError");
    // Warnings only: the Kafka clients' reconnect warnings show what the faults did, INFO chatter not.
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    command.add("-Dorg.slf4j.simpleLogger.log.org.apache.beam.sdk.metrics.MetricsEnvironment=off");
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.linkwatch.cli.Main"));
    command.addAll(List.of("run", "--runner=LinkwatchFlinkRunner", "--streaming=true"));
    command.addAll(args);
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new PipelineProcess(p, log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last lines of the output, for assertion messages. */
  String tail(int lines) {
    List<String> all = output().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  boolean sawOutOfMemory() {
    return output().contains(OOM);
  }

  /**
   * Stops the pipeline as Ctrl-C would (SIGTERM), killing it if it does not go; returns its exit code.
   */
  int stop() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
    return process.exitValue();
  }

  /** The exit code if it has exited on its own, else -1. */
  int exitCodeIfExited() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
