package dev.linkwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java program in a process of its own, as the cluster tests start them (a JobManager, a Spark worker,
 * spark-submit): same JDK as the test, output to a log file, and {@link #close} ends it together with
 * every process it started (a Spark worker's executors), so nothing outlives a test, also when it fails.
 */
public final class ChildJvm implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code mainClass} on {@code classpath} with the test's {@code --add-opens} flags (system
   * property {@code linkwatch.jvm.opens}), {@code jvmArgs}, {@code env} added to the test's environment
   * and the working directory {@code dir}, where its output goes to {@code <name>.log}.
   */
  public static ChildJvm start(
      String name,
      Path dir,
      String classpath,
      List<String> jvmArgs,
      Map<String, String> env,
      String mainClass,
      List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(opens());
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(args);
    Path log = dir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      ChildJvm child = new ChildJvm(name, process, log);
      // A test JVM killed outright still takes its children along where it can.
      Runtime.getRuntime().addShutdownHook(new Thread(child::close));
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** The JDK the test runs on. */
  public static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** The {@code --add-opens} flags Flink and Spark need on Java 17, as the build passes them to tests. */
  public static List<String> opens() {
    List<String> flags = new ArrayList<>(List.of(System.getProperty("linkwatch.jvm.opens", "").split(" ")));
    flags.removeIf(String::isBlank);
    return flags;
  }

  /** A free TCP port on loopback (free now; the child binds it a moment later). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the log shows a line matching {@code ready}; fails with the log's tail if the process ends or time runs out. */
  public void awaitLog(Predicate<String> ready, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (log().lines().anyMatch(ready)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " ended (exit " + process.exitValue() + ") before it was ready:\n" + tail());
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " not ready after " + max + ":\n" + tail());
  }

  /** Waits for the process to end by itself; fails with the log's tail if it does not in {@code max}. */
  public int waitFor(Duration max) throws InterruptedException {
    if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      close();
      throw new AssertionError(name + " did not finish in " + max + ":\n" + tail());
    }
    return process.exitValue();
  }

  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** The last 60 lines of the log. */
  public String tail() {
    List<String> lines = log().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  @Override
  public String toString() {
    return name;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** Ends the process and all its descendants (children first, so none is left orphaned). */
  @Override
  public void close() {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    }
  }
}
