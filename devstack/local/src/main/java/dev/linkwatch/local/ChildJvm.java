package dev.linkwatch.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A Java program in a process of its own: the one way linkwatch's tests and benchmarks start a JVM (a
 * pipeline on a runner's classpath, a demo, a JobManager, a Spark worker, spark-submit, a bench
 * contestant). Same JDK as the caller, the {@code --add-opens} flags Flink and Spark need, everything it
 * prints in one log file, and {@link #close} ends it together with every process it started (a Spark
 * worker's executors), so nothing outlives a test, also when it fails.
 *
 * <p>{@link #linkwatch} starts the {@code linkwatch} command itself with the environment the launcher
 * script gives it (loopback-only engines, quiet engine logs); {@link #onRunner} does so on the
 * classpath {@code ./linkwatch --runner=X} uses.
 */
public final class ChildJvm implements AutoCloseable {
  /** The command's main class, as the launcher script and the bundles' manifests name it. */
  public static final String LINKWATCH_MAIN = "dev.linkwatch.cli.Main";

  private final String name;
  private final Process process;
  private final Path log;
  private final long startNanos = System.nanoTime();

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** What to start; {@link #start} starts it. */
  public static final class Spec {
    private final String name;
    private final String mainClass;
    private String classpath = System.getProperty("java.class.path");
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private Path dir;
    private Path log;

    private Spec(String name, String mainClass) {
      this.name = name;
      this.mainClass = mainClass;
    }

    /** The classpath (default: the caller's own). */
    public Spec classpath(String value) {
      classpath = value;
      return this;
    }

    public Spec jvmArgs(List<String> values) {
      jvmArgs.addAll(values);
      return this;
    }

    public Spec env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Spec env(Map<String, String> values) {
      env.putAll(values);
      return this;
    }

    public Spec args(List<String> values) {
      args.addAll(values);
      return this;
    }

    public Spec args(String... values) {
      return args(List.of(values));
    }

    /** The working directory (default: the caller's). */
    public Spec dir(Path value) {
      dir = value;
      return this;
    }

    /** Where stdout and stderr go (default: {@code <name>.log} in the working directory). */
    public Spec log(Path value) {
      log = value;
      return this;
    }

    /**
     * The environment the {@code linkwatch} script gives its program: loopback-only Spark and embedded
     * Flink (Flink's settings from {@code runners/flink/conf} when the project is found), engine logs
     * at WARN. Flags given after this win over these.
     */
    public Spec asTheLauncherDoes() {
      jvmArgs(
          List.of(
              "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
              "-Dorg.slf4j.simpleLogger.log.org.apache.beam.sdk.metrics.MetricsEnvironment=off"));
      env("SPARK_LOCAL_IP", "127.0.0.1");
      findProjectRoot().ifPresent(root -> env("FLINK_CONF_DIR", root.resolve("runners/flink/conf").toString()));
      return this;
    }

    public ChildJvm start() {
      List<String> command = new ArrayList<>();
      command.add(java());
      command.addAll(opens());
      command.addAll(jvmArgs);
      command.addAll(List.of("-cp", classpath, mainClass));
      command.addAll(args);
      Path where = dir == null ? Path.of("").toAbsolutePath() : dir;
      Path out = log == null ? where.resolve(name + ".log") : log.toAbsolutePath();
      ProcessBuilder builder =
          new ProcessBuilder(command).directory(where.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
      builder.environment().putAll(env);
      try {
        Files.createDirectories(out.getParent());
        ChildJvm child = new ChildJvm(name, builder.start(), out);
        // A caller killed outright still takes its children along where it can.
        Runtime.getRuntime().addShutdownHook(new Thread(child::close));
        return child;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name, e);
      }
    }
  }

  /** A program {@code mainClass} named {@code name} (for its log and for messages). */
  public static Spec java(String name, String mainClass) {
    return new Spec(name, mainClass);
  }

  /**
   * Starts {@code mainClass} on {@code classpath} with {@code jvmArgs}, {@code env} added to the
   * caller's environment and the working directory {@code dir}, where its output goes to {@code
   * <name>.log}.
   */
  public static ChildJvm start(
      String name,
      Path dir,
      String classpath,
      List<String> jvmArgs,
      Map<String, String> env,
      String mainClass,
      List<String> args) {
    return java(name, mainClass).dir(dir).classpath(classpath).jvmArgs(jvmArgs).env(env).args(args).start();
  }

  /**
   * The {@code linkwatch} command ({@code args} start with the subcommand) on the caller's classpath,
   * in the environment the launcher script gives it ({@link Spec#asTheLauncherDoes}).
   */
  public static Spec linkwatch(String name) {
    return java(name, LINKWATCH_MAIN).asTheLauncherDoes();
  }

  /**
   * {@link #linkwatch} on runner module {@code runner}'s classpath (direct, flink or spark), the one
   * {@code ./linkwatch --runner=X} uses: Flink and Spark cannot share one classpath, and a child on it
   * also proves that the launcher's classpath files hold everything a runner needs. At most 1 GB heap.
   */
  public static Spec onRunner(String runner) {
    Path root = findProjectRoot().orElseThrow(() -> new IllegalStateException("no linkwatch project above " + Path.of("").toAbsolutePath()));
    return linkwatch(runner).classpath(RunnerClasspath.of(root, runner)).jvmArgs(List.of("-Xmx1g"));
  }

  /** The folder holding the {@code linkwatch} launcher, found from the working directory upwards. */
  public static java.util.Optional<Path> findProjectRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("linkwatch")) && Files.isDirectory(d.resolve("runners"))) {
        return java.util.Optional.of(d);
      }
    }
    return java.util.Optional.empty();
  }

  /** The JDK the caller runs on. */
  public static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /**
   * The {@code --add-opens} flags Flink and Spark need on Java 17. Their one definition is the build's
   * {@code jvm.opens} property (root pom.xml), which Maven also hands to the test JVMs and writes into
   * this module's {@code jvm.opens} resource for this method and the {@code linkwatch} script.
   */
  public static List<String> opens() {
    try (InputStream in = ChildJvm.class.getResourceAsStream("jvm.opens")) {
      if (in == null) {
        throw new IllegalStateException("jvm.opens is missing from the devstack jar; rebuild it");
      }
      List<String> flags = new ArrayList<>(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split("\\s+")));
      flags.removeIf(String::isBlank);
      return flags;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  /**
   * Hands every line the program prints to {@code consumer} as it appears, from a daemon thread that
   * follows the log until the program has ended and its last line is read.
   */
  public void follow(Consumer<String> consumer) {
    Thread t =
        new Thread(
            () -> {
              long read = 0;
              StringBuilder partial = new StringBuilder();
              while (true) {
                boolean ended = !process.isAlive();
                try (var channel = Files.newByteChannel(log)) {
                  channel.position(read);
                  var buffer = java.nio.ByteBuffer.allocate(64 * 1024);
                  int n;
                  while ((n = channel.read(buffer)) > 0) {
                    read += n;
                    partial.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
                    buffer.clear();
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                      consumer.accept(partial.substring(0, nl));
                      partial.delete(0, nl + 1);
                    }
                  }
                } catch (IOException e) {
                  return;
                }
                if (ended) {
                  return;
                }
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            name + "-follow");
    t.setDaemon(true);
    t.start();
  }

  /** Waits for the process to end by itself; fails with the log's tail if it does not in {@code max}. */
  public int waitFor(Duration max) throws InterruptedException {
    if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      close();
      throw new AssertionError(name + " did not finish in " + max + ":\n" + tail());
    }
    return process.exitValue();
  }

  /**
   * Stops the program as Ctrl-C or {@code kill} would (SIGTERM, the JVM's shutdown hooks run), and waits
   * up to {@code max} for it to end; returns its exit code, or fails if it had to be killed.
   */
  public int stop(Duration max) throws InterruptedException {
    OptionalInt exit = stopOrKill(max);
    if (exit.isEmpty()) {
      throw new AssertionError(name + " did not stop within " + max + " of SIGTERM\n" + tail());
    }
    return exit.getAsInt();
  }

  /** As {@link #stop}, but kills the program (and its children) instead of failing when it has not ended; empty then. */
  public OptionalInt stopOrKill(Duration max) throws InterruptedException {
    process.destroy();
    if (process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      return OptionalInt.of(process.exitValue());
    }
    close();
    return OptionalInt.empty();
  }

  /** SIGKILL, as a crash: no shutdown hook runs, nothing is flushed or checkpointed on the way out. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code if the program has ended, else empty. */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  public Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  public Path logFile() {
    return log;
  }

  /** Everything the program has printed so far. */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** The last 60 lines of the log. */
  public String tail() {
    return tail(60);
  }

  public String tail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  @Override
  public String toString() {
    return name;
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
