package dev.linkwatch.local;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka 4.1 broker (KRaft, no ZooKeeper, no Docker) running in its own JVM.
 *
 * <p>Its own JVM because the broker's Scala 2.13 / Kafka 4.1 / Jackson jars must never share a classpath
 * with the pipeline (kafka-clients 3.9, Jackson 2.15 for Spark). The jars come from the
 * {@code linkwatch-kafka-broker} artifact's {@code broker.classpath} resource, i.e. the local Maven repo.
 *
 * <p>Unless {@linkplain Builder#detached(boolean) detached}, the broker dies with this JVM however it ends:
 * {@link #close()}, a shutdown hook (Ctrl-C), or, on SIGKILL, the broker's stdin watchdog.
 */
public final class LocalKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);

  static final String LOG_FILE = "broker.log";
  private static final String PROPS_FILE = "server.properties";
  private static final int LOG_TAIL_LINES = 30;

  /** Replaced by {@link BrokerFaults#restart()}; everything else reads the current one. */
  private volatile Process process;
  private final Path dataDir;
  private final boolean scratch;
  private final int port;
  private final int controllerPort;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The SASL_PLAINTEXT listener's port, or -1 without {@link Builder#saslPlainUser}. */
  private int saslPort = -1;
  /** How this broker was launched, so {@link BrokerFaults#restart()} can launch it again the same way. */
  private volatile Relaunch relaunch;
  private final BrokerFaults faults = new BrokerFaults(this);

  private LocalKafka(Process process, Path dataDir, boolean scratch, int port, int controllerPort,
      boolean detached) {
    this.process = process;
    this.dataDir = dataDir;
    this.scratch = scratch;
    this.port = port;
    this.controllerPort = controllerPort;
    // The hook also keeps this object (and the stdin pipe the broker watches) strongly reachable: were the
    // Process garbage collected, its pipe would close and the broker would stop under a careless caller.
    this.shutdownHook = detached ? null : new Thread(this::close, "linkwatch-kafka-shutdown");
    if (shutdownHook != null) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /** Starts a broker with defaults in a scratch dir under java.io.tmpdir, deleted on {@link #close()}. */
  public static LocalKafka start() throws IOException {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of a broker to start; every one has a default fit for tests on a small machine. */
  public static final class Builder {
    Path dataDir;
    int partitions = 2;
    String heap = "-Xmx768m";
    Duration startTimeout = Duration.ofSeconds(60);
    final Map<String, String> properties = new LinkedHashMap<>();
    boolean detached;
    String saslUser;
    String saslPassword;

    private Builder() {}

    /**
     * Adds a SASL_PLAINTEXT listener (mechanism PLAIN) on another loopback port, see {@link
     * LocalKafka#saslBootstrapServers()}, accepting exactly this user. The PLAINTEXT listener stays,
     * for tools and tests that read around the pipeline. The credential is written to the broker's own
     * server.properties in its data dir (the broker's JAAS), nowhere else.
     */
    public Builder saslPlainUser(String user, String password) {
      if (Objects.requireNonNull(user).isEmpty() || !user.matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException("SASL user must be [A-Za-z0-9_.-]+");
      }
      if (Objects.requireNonNull(password).contains("\"") || password.contains("\\")) {
        throw new IllegalArgumentException("SASL password must not contain quotes or backslashes");
      }
      this.saslUser = user;
      this.saslPassword = password;
      return this;
    }

    /** A data dir that survives {@link #close()} (topics and offsets persist across restarts). */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir);
      return this;
    }

    /** Partitions of auto-created topics ({@code num.partitions}). */
    public Builder partitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
      }
      this.partitions = partitions;
      return this;
    }

    /** The broker JVM's heap option, e.g. {@code -Xmx1g}. */
    public Builder heap(String heap) {
      this.heap = Objects.requireNonNull(heap);
      return this;
    }

    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = Objects.requireNonNull(startTimeout);
      return this;
    }

    /** An extra server property; it overrides the defaults. */
    public Builder property(String key, String value) {
      properties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /**
     * A detached broker outlives this JVM (no stdin watchdog, no shutdown hook, own session); find and stop
     * it later with {@link LocalKafka#runningPid(Path)} and {@link LocalKafka#stop(Path)}. Give it a
     * {@link #dataDir(Path)}, or the scratch dir would be lost track of.
     */
    public Builder detached(boolean detached) {
      this.detached = detached;
      return this;
    }

    /** Starts the broker and returns once it answers a describeCluster. */
    public LocalKafka start() throws IOException {
      return launch(this);
    }
  }

  private static LocalKafka launch(Builder b) throws IOException {
    boolean scratch = b.dataDir == null;
    if (scratch) {
      BrokerRegistry.sweepStaleScratchDirs();
    }
    Path dir = scratch
        ? Files.createTempDirectory("linkwatch-kafka-")
        : Files.createDirectories(b.dataDir.toAbsolutePath());
    LocalKafka kafka = null;
    try {
      if (scratch) {
        Files.writeString(dir.resolve(BrokerRegistry.OWNER_FILE), ProcessHandle.current().pid() + "\n");
      }
      Optional<Long> running = runningPid(dir);
      if (running.isPresent()) {
        throw new IllegalStateException("a broker already runs on " + dir + " (pid " + running.get() + ")");
      }
      int[] ports = BrokerConfig.freePorts(b.saslUser == null ? 2 : 3);
      Path props = dir.resolve(PROPS_FILE);
      Properties server = BrokerConfig.serverProperties(b, dir, ports[0], ports[1]);
      if (b.saslUser != null) {
        BrokerConfig.addSaslListener(server, b, ports[2]);
      }
      BrokerConfig.writeProperties(props, server);
      Path log = dir.resolve(LOG_FILE);

      List<String> cmd = new ArrayList<>();
      if (b.detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        // Own session: a Ctrl-C in the terminal that ran `linkwatch broker start` must not reach it.
        cmd.add("/usr/bin/setsid");
      }
      cmd.add(BrokerConfig.javaExecutable());
      cmd.add(b.heap);
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-Djava.awt.headless=true");
      cmd.add("-cp");
      cmd.add(BrokerConfig.brokerClasspath());
      cmd.add(BrokerConfig.BROKER_MAIN);
      cmd.add(props.toString());
      cmd.addAll(BrokerConfig.clusterIdArgs(dir));
      if (b.detached) {
        cmd.add("--no-watchdog");
      }
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
          .redirectInput(b.detached
              ? ProcessBuilder.Redirect.from(new File("/dev/null"))
              : ProcessBuilder.Redirect.PIPE);
      long t0 = System.nanoTime();
      Process process = pb.start();
      try {
        kafka = new LocalKafka(process, dir, scratch, ports[0], ports[1], b.detached);
        kafka.saslPort = b.saslUser == null ? -1 : ports[2];
      } catch (RuntimeException e) { // e.g. the JVM is already shutting down
        process.destroyForcibly();
        throw e;
      }
      kafka.relaunch = new Relaunch(pb, b.startTimeout);
      Files.writeString(dir.resolve(BrokerRegistry.PID_FILE), Long.toString(process.pid()) + "\n");
      Files.writeString(dir.resolve(BrokerRegistry.BOOTSTRAP_FILE), kafka.bootstrapServers() + "\n");
      kafka.awaitServing(b.startTimeout);
      LOG.info("Kafka broker pid {} serves {} (data {}), started in {} ms", process.pid(),
          kafka.bootstrapServers(), dir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      return kafka;
    } catch (IOException | RuntimeException | Error e) {
      if (kafka != null) {
        kafka.close();
      } else if (scratch) {
        BrokerRegistry.deleteRecursively(dir);
      }
      throw e;
    }
  }

  private void awaitServing(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    // A plain TCP probe first: an AdminClient pointed at a closed port floods the log with warnings.
    while (!portOpen()) {
      checkStillStarting(deadline, timeout, null);
      sleep(100);
    }
    Exception last = null;
    try (Admin admin = BrokerAdmin.admin(bootstrapServers(), 2_000)) {
      while (true) {
        checkStillStarting(deadline, timeout, last);
        try {
          Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
              .nodes().get(3, TimeUnit.SECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for the broker", e);
        }
        sleep(200);
      }
    }
  }

  private void checkStillStarting(long deadline, Duration timeout, Exception last) throws IOException {
    if (!process.isAlive()) {
      throw new IOException("Kafka broker exited with code " + process.exitValue() + " while starting; last "
          + "lines of " + logFile() + ":\n" + logTail());
    }
    if (System.nanoTime() > deadline) {
      throw new IOException("Kafka broker did not serve on " + bootstrapServers() + " within " + timeout
          + "; last lines of " + logFile() + ":\n" + logTail(), last);
    }
  }

  private boolean portOpen() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }


  /** "127.0.0.1:PORT", the broker's PLAINTEXT listener. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** "127.0.0.1:PORT", the SASL_PLAINTEXT (PLAIN) listener added by {@link Builder#saslPlainUser}. */
  public String saslBootstrapServers() {
    if (saslPort < 0) {
      throw new IllegalStateException("this broker has no SASL listener (Builder.saslPlainUser)");
    }
    return "127.0.0.1:" + saslPort;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The broker JVM's stdout and stderr. */
  public Path logFile() {
    return dataDir.resolve(LOG_FILE);
  }

  /** For tests checking that the ports are released. */
  int controllerPort() {
    return controllerPort;
  }

  /**
   * Stops the broker (SIGTERM, so Kafka shuts down cleanly; SIGKILL after 15 s), waits for it to exit and
   * deletes a scratch data dir. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down; the hook is running or will find us closed
      }
    }
    faults.resume(); // a stopped process cannot act on SIGTERM
    BrokerRegistry.terminate(process.toHandle());
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // the broker is gone; nothing reads the pipe
    }
    try {
      if (scratch) {
        BrokerRegistry.deleteRecursively(dataDir);
      } else {
        Files.deleteIfExists(dataDir.resolve(BrokerRegistry.PID_FILE));
      }
    } catch (IOException e) {
      LOG.warn("cannot clean up {}: {}", dataDir, e.toString());
    }
  }

  /** Kill, restart and pause this broker, for fault tests. */
  public BrokerFaults faults() {
    return faults;
  }

  /** The broker JVM as it runs now ({@link BrokerFaults#restart()} replaces it). */
  Process process() {
    return process;
  }

  /** Launches the broker again the way it was first launched; see {@link BrokerFaults#restart()}. */
  void relaunch() throws IOException {
    if (closed.get()) {
      throw new IllegalStateException("restart() after close()");
    }
    if (process.isAlive()) {
      throw new IllegalStateException("the broker still runs (pid " + process.pid() + "): kill() it first");
    }
    Relaunch r = relaunch;
    List<String> cmd = r.command().command();
    if (!cmd.contains("--cluster-id")) {
      cmd.addAll(BrokerConfig.clusterIdArgs(dataDir));
    }
    // Append: the log of the run that was killed tells what happened before the restart.
    r.command().redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
    long t0 = System.nanoTime();
    process = r.command().start();
    Files.writeString(dataDir.resolve(BrokerRegistry.PID_FILE), Long.toString(process.pid()) + "\n");
    awaitServing(r.startTimeout());
    LOG.info("Kafka broker restarted as pid {} on {}, serving after {} ms", process.pid(),
        bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  /** The launch command and its start timeout, kept for {@link BrokerFaults#restart()}. */
  private record Relaunch(ProcessBuilder command, Duration startTimeout) {}

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }


  /** The pid of a live broker started on this data dir (detached or not), from its pid file. */
  public static Optional<Long> runningPid(Path dataDir) {
    return BrokerRegistry.runningPid(dataDir);
  }

  /** The bootstrap servers of a live broker started on this data dir. */
  public static Optional<String> runningBootstrapServers(Path dataDir) {
    return BrokerRegistry.runningBootstrapServers(dataDir);
  }

  /** Stops the broker running on this data dir, e.g. a detached one; false if none ran. */
  public static boolean stop(Path dataDir) {
    return BrokerRegistry.stop(dataDir);
  }

  /** Creates topics, or leaves them as they are if they exist; returns once every partition has a leader. */
  public void createTopics(int partitions, String... names) {
    BrokerAdmin.createTopics(bootstrapServers(), partitions, names);
  }

  /** Like {@link #createTopics} with topic configs, e.g. {@code message.timestamp.type=LogAppendTime}. */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    BrokerAdmin.createTopic(bootstrapServers(), name, partitions, configs);
  }
}
