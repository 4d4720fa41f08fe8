package dev.linkwatch.testing;

import dev.linkwatch.local.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code linkwatch run} on a runner in a JVM of its own, as a user starts it: the fault tests damage
 * the broker under it and then look at how it fared from outside (its output, whether it still runs,
 * how it exited). Its own JVM also gives the burst scenario a heap of known size whose {@code
 * OutOfMemoryError} cannot hide in the test JVM.
 */
final class PipelineProcess implements AutoCloseable {
  /** Printed by the JVM itself when {@code -XX:+ExitOnOutOfMemoryError} ends it. */
  static final String OOM = "OutOfMemoryError";

  private final ChildJvm jvm;

  private PipelineProcess(ChildJvm jvm) {
    this.jvm = jvm;
  }

  /** Starts {@code linkwatch run args} on {@code runner}'s JVM; stdout and stderr go to {@code log}. */
  static PipelineProcess start(FaultRunner runner, Path log, String heap, List<String> args) {
    return new PipelineProcess(
        runner.jvm().get()
            .log(log)
            .jvmArgs(
                List.of(
                    heap,
                    // An OutOfMemoryError ends the JVM with a message instead of a half-dead job.
                    "-XX:+ExitOnOutOfMemoryError",
                    // The Kafka clients' reconnect warnings, with times, show what the faults did.
                    "-Dorg.slf4j.simpleLogger.showDateTime=true"))
            .args("run")
            .args(args)
            .start());
  }

  boolean isAlive() {
    return jvm.isAlive();
  }

  Path log() {
    return jvm.logFile();
  }

  String output() {
    return jvm.log();
  }

  /** The last lines of the output, for assertion messages. */
  String tail(int lines) {
    return jvm.tail(lines);
  }

  boolean sawOutOfMemory() {
    return output().contains(OOM);
  }

  /** Stops the pipeline as Ctrl-C would (SIGTERM), killing it if it does not go; returns its exit code. */
  int stop() throws InterruptedException {
    if (jvm.isAlive()) {
      jvm.stopOrKill(Duration.ofSeconds(30));
    }
    return jvm.exitCode().orElse(-1);
  }

  /** The exit code if it has exited on its own, else -1. */
  int exitCodeIfExited() {
    return jvm.exitCode().orElse(-1);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
