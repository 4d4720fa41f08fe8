package dev.linkwatch.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
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
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
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

  private static final String BROKER_MAIN = "dev.linkwatch.broker.BrokerMain";
  /** Files in the data dir, so a later CLI invocation can find and stop a detached broker. */
  static final String PID_FILE = "broker.pid";
  /** The JVM that made a scratch dir; while it lives the dir is its own, even with the broker killed. */
  static final String OWNER_FILE = "owner.pid";
  static final String BOOTSTRAP_FILE = "bootstrap";
  static final String LOG_FILE = "broker.log";
  private static final String PROPS_FILE = "server.properties";
  private static final String KRAFT_LOGS = "kraft-logs";
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final int LOG_TAIL_LINES = 30;

  /** Replaced by {@link #restart()}; everything else reads the current one. */
  private volatile Process process;
  private final Path dataDir;
  private final boolean scratch;
  private final int port;
  private final int controllerPort;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The SASL_PLAINTEXT listener's port, or -1 without {@link Builder#saslPlainUser}. */
  private int saslPort = -1;
  /** How this broker was launched, so {@link #restart()} can launch it again the same way. */
  private volatile Relaunch relaunch;
  private final AtomicBoolean paused = new AtomicBoolean();

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
    private Path dataDir;
    private int partitions = 2;
    private String heap = "-Xmx768m";
    private Duration startTimeout = Duration.ofSeconds(60);
    private final Map<String, String> properties = new LinkedHashMap<>();
    private boolean detached;
    private String saslUser;
    private String saslPassword;

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
      sweepStaleScratchDirs();
    }
    Path dir = scratch
        ? Files.createTempDirectory("linkwatch-kafka-")
        : Files.createDirectories(b.dataDir.toAbsolutePath());
    LocalKafka kafka = null;
    try {
      if (scratch) {
        Files.writeString(dir.resolve(OWNER_FILE), ProcessHandle.current().pid() + "\n");
      }
      Optional<Long> running = runningPid(dir);
      if (running.isPresent()) {
        throw new IllegalStateException("a broker already runs on " + dir + " (pid " + running.get() + ")");
      }
      int[] ports = freePorts(b.saslUser == null ? 2 : 3);
      Path props = dir.resolve(PROPS_FILE);
      Properties server = serverProperties(b, dir, ports[0], ports[1]);
      if (b.saslUser != null) {
        addSaslListener(server, b, ports[2]);
      }
      writeProperties(props, server);
      Path log = dir.resolve(LOG_FILE);

      List<String> cmd = new ArrayList<>();
      if (b.detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        // Own session: a Ctrl-C in the terminal that ran `linkwatch broker start` must not reach it.
        cmd.add("/usr/bin/setsid");
      }
      cmd.add(javaExecutable());
      cmd.add(b.heap);
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-Djava.awt.headless=true");
      cmd.add("-cp");
      cmd.add(brokerClasspath());
      cmd.add(BROKER_MAIN);
      cmd.add(props.toString());
      cmd.addAll(clusterIdArgs(dir));
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
      Files.writeString(dir.resolve(PID_FILE), Long.toString(process.pid()) + "\n");
      Files.writeString(dir.resolve(BOOTSTRAP_FILE), kafka.bootstrapServers() + "\n");
      kafka.awaitServing(b.startTimeout);
      LOG.info("Kafka broker pid {} serves {} (data {}), started in {} ms", process.pid(),
          kafka.bootstrapServers(), dir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      return kafka;
    } catch (IOException | RuntimeException | Error e) {
      if (kafka != null) {
        kafka.close();
      } else if (scratch) {
        deleteRecursively(dir);
      }
      throw e;
    }
  }

  /**
   * A SIGKILLed parent cannot delete its scratch dir (its broker does stop, via the stdin watchdog), so each
   * start removes those whose recorded broker is gone. Dirs without a pid file may be starting right now;
   * a dir whose owner JVM still lives is kept too, since a fault test may have killed its broker on
   * purpose and is about to restart it there.
   */
  static void sweepStaleScratchDirs() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> dirs = Files.list(tmp)) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("linkwatch-kafka-")).toList()) {
        if (Files.isRegularFile(dir.resolve(PID_FILE)) && runningPid(dir).isEmpty() && !ownerAlive(dir)) {
          try {
            deleteRecursively(dir);
          } catch (IOException e) {
            LOG.debug("cannot delete stale {}: {}", dir, e.toString());
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", tmp, e.toString());
    }
  }

  private static Properties serverProperties(Builder b, Path dir, int port, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dir.resolve(KRAFT_LOGS).toString());
    p.setProperty("num.partitions", Integer.toString(b.partitions));
    p.setProperty("auto.create.topics.enable", "true");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("min.insync.replicas", "1");
    // Internal topics: one replica, and few partitions so the first consumer group or transaction is quick.
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // Small machine: fewer threads, a small log-cleaner buffer (default 128 MB of heap).
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "2");
    p.setProperty("background.threads", "2");
    p.setProperty("num.recovery.threads.per.data.dir", "1");
    p.setProperty("log.cleaner.threads", "1");
    p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    b.properties.forEach(p::setProperty);
    return p;
  }

  /** A SASL_PLAINTEXT listener named SASL with broker-side PLAIN credentials; applied after the extras. */
  private static void addSaslListener(Properties p, Builder b, int saslPort) {
    p.setProperty("listeners", p.getProperty("listeners") + ",SASL://127.0.0.1:" + saslPort);
    p.setProperty("advertised.listeners",
        p.getProperty("advertised.listeners") + ",SASL://127.0.0.1:" + saslPort);
    p.setProperty("listener.security.protocol.map",
        p.getProperty("listener.security.protocol.map") + ",SASL:SASL_PLAINTEXT");
    p.setProperty("listener.name.sasl.sasl.enabled.mechanisms", "PLAIN");
    p.setProperty("listener.name.sasl.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + b.saslUser
            + "=\"" + b.saslPassword + "\";");
  }

  private static void writeProperties(Path file, Properties p) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "written by linkwatch LocalKafka; regenerated on every start");
    }
  }

  private static String javaExecutable() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * The launcher jar (located through BrokerMain, present on this classpath with its dependencies excluded)
   * plus the broker's own jars it lists.
   */
  static String brokerClasspath() throws IOException {
    Class<?> main;
    try {
      main = Class.forName(BROKER_MAIN, false, LocalKafka.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IOException("linkwatch-kafka-broker is not on the classpath", e);
    }
    Path launcher;
    try {
      launcher = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IOException("cannot locate the jar of " + BROKER_MAIN, e);
    }
    String entries;
    try (InputStream in = main.getResourceAsStream("broker.classpath")) {
      if (in == null) {
        throw new IOException("broker.classpath is missing next to " + BROKER_MAIN + " in " + launcher);
      }
      entries = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    String first = entries.split(File.pathSeparator, 2)[0];
    if (!Files.exists(Path.of(first))) {
      throw new IOException("broker jar " + first + " is missing: broker.classpath was written on another "
          + "machine; rebuild devstack/broker here (mvn install)");
    }
    return launcher + File.pathSeparator + entries;
  }

  private static int[] freePorts(int n) throws IOException {
    // All sockets open at once so the ports are distinct; the broker binds them a second later.
    ServerSocket[] sockets = new ServerSocket[n];
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
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
    try (Admin admin = admin(2_000)) {
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

  private Admin admin(int timeoutMs) {
    Properties p = new Properties();
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
    p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(Math.max(timeoutMs, 5_000)));
    p.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
    p.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    p.setProperty(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "linkwatch-local-kafka");
    return Admin.create(p);
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

  /** Creates topics, or leaves them as they are if they exist; returns once every partition has a leader. */
  public void createTopics(int partitions, String... names) {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : names) {
      topics.add(new NewTopic(name, partitions, (short) 1));
    }
    create(topics);
  }

  /** Like {@link #createTopics} with topic configs, e.g. {@code message.timestamp.type=LogAppendTime}. */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    create(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)));
  }

  private void create(List<NewTopic> topics) {
    if (topics.isEmpty()) {
      return;
    }
    List<String> names = topics.stream().map(NewTopic::name).toList();
    try (Admin admin = admin(10_000)) {
      CreateTopicsResult result = admin.createTopics(topics);
      for (Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
        try {
          e.getValue().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause(), ex);
          }
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          Map<String, TopicDescription> described =
              admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
          boolean ready = described.values().stream()
              .flatMap(d -> d.partitions().stream())
              .map(TopicPartitionInfo::leader)
              .allMatch(l -> l != null && !l.isEmpty());
          if (ready && described.keySet().containsAll(names) && leadersServe(admin, described)) {
            return;
          }
        } catch (ExecutionException ex) {
          // metadata not propagated yet (UnknownTopicOrPartition): retry
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topics " + names + " have no leaders after 30 s");
        }
        sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics " + names, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out creating topics " + names, e);
    }
  }

  /**
   * Whether every partition's leader already serves it. The controller names a leader before the
   * broker has taken the partition over; a first write in that gap gets NOT_LEADER_OR_FOLLOWER, after
   * which Kafka 3.9's idempotent producer retried with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery
   * timeout (seen in SparkClusterIT and FlinkClusterIT). A ListOffsets request is answered by the
   * leader's replica manager, so it succeeds only once the partition can take writes.
   */
  private static boolean leadersServe(Admin admin, Map<String, TopicDescription> described)
      throws InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    described.forEach(
        (name, d) ->
            d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    try {
      admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      return false;
    }
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
    resume(); // a stopped process cannot act on SIGTERM
    terminate(process.toHandle());
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // the broker is gone; nothing reads the pipe
    }
    try {
      if (scratch) {
        deleteRecursively(dataDir);
      } else {
        Files.deleteIfExists(dataDir.resolve(PID_FILE));
      }
    } catch (IOException e) {
      LOG.warn("cannot clean up {}: {}", dataDir, e.toString());
    }
  }

  // Faults, for tests of what the pipeline does when its broker fails. Kept apart from start and stop.

  /**
   * SIGKILLs the broker, as a crash or the kernel's OOM killer would: no clean shutdown, no flush beyond
   * what the OS already holds. Returns once it is gone; {@link #restart()} brings it back.
   */
  public void kill() {
    Process p = process;
    p.destroyForcibly(); // SIGKILL on Unix; it also ends a stopped process
    if (!waitForExit(p.toHandle(), Duration.ofSeconds(30))) {
      throw new IllegalStateException("Kafka broker pid " + p.pid() + " survived SIGKILL for 30 s");
    }
    paused.set(false);
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // the broker is gone; nothing reads the pipe
    }
    LOG.info("Kafka broker pid {} killed (SIGKILL)", p.pid());
  }

  /**
   * Starts the broker again on the same ports and data dir, so topics, records and committed offsets
   * survive and clients reconnect to the address they know. The broker must be down ({@link #kill()},
   * or it crashed); returns once it serves again.
   */
  public void restart() throws IOException {
    if (closed.get()) {
      throw new IllegalStateException("restart() after close()");
    }
    if (process.isAlive()) {
      throw new IllegalStateException("the broker still runs (pid " + process.pid() + "): kill() it first");
    }
    Relaunch r = relaunch;
    List<String> cmd = r.command().command();
    if (!cmd.contains("--cluster-id")) {
      cmd.addAll(clusterIdArgs(dataDir));
    }
    // Append: the log of the run that was killed tells what happened before the restart.
    r.command().redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
    long t0 = System.nanoTime();
    process = r.command().start();
    Files.writeString(dataDir.resolve(PID_FILE), Long.toString(process.pid()) + "\n");
    awaitServing(r.startTimeout());
    LOG.info("Kafka broker restarted as pid {} on {}, serving after {} ms", process.pid(),
        bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  /**
   * SIGSTOPs the broker: it freezes with its sockets open, so clients connect (the kernel still accepts)
   * but get no answers, as in a long GC pause or a stalled machine. {@link #resume()} thaws it, and
   * {@link #close()} does so too. Java cannot send SIGSTOP itself, hence {@code kill -STOP}. Returns
   * once the kernel shows the process stopped: the signal is delivered asynchronously, and a test that
   * starts its clock at once would otherwise time a broker that still runs.
   */
  public void pause() {
    signal("STOP");
    paused.set(true);
    awaitState(true);
  }

  /** SIGCONTs a {@linkplain #pause() paused} broker; does nothing if it is not paused. */
  public void resume() {
    if (paused.compareAndSet(true, false)) {
      signal("CONT");
      awaitState(false);
    }
  }

  /** Waits up to 10 s for {@code /proc/<pid>/stat} to show the broker stopped (state T) or not. */
  private void awaitState(boolean stopped) {
    Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Optional<String> text = readFile(stat);
      if (text.isEmpty()) {
        return; // no procfs, or the process is gone: nothing to wait for
      }
      String s = text.get();
      int close = s.lastIndexOf(')');
      boolean isStopped = close > 0 && close + 2 < s.length() && s.charAt(close + 2) == 'T';
      if (isStopped == stopped) {
        return;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException(
        "Kafka broker pid " + process.pid() + (stopped ? " not stopped" : " still stopped") + " after 10 s");
  }

  public boolean isPaused() {
    return paused.get();
  }

  private void signal(String name) {
    Process p = process;
    if (!p.isAlive()) {
      throw new IllegalStateException("Kafka broker pid " + p.pid() + " is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid()))
          .redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + p.pid() + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + name, e);
    }
    LOG.info("Kafka broker pid {} sent SIG{}", p.pid(), name);
  }

  /**
   * The broker formats its storage on every start and refuses a data dir formatted for another cluster
   * id, so a kept data dir must be started with the id it was formatted with.
   */
  static List<String> clusterIdArgs(Path dir) throws IOException {
    Path meta = dir.resolve(KRAFT_LOGS).resolve("meta.properties");
    if (!Files.isRegularFile(meta)) {
      return List.of();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      p.load(in);
    }
    String id = p.getProperty("cluster.id");
    return id == null ? List.of() : List.of("--cluster-id", id);
  }

  /** The launch command and its start timeout, kept for {@link #restart()}. */
  private record Relaunch(ProcessBuilder command, Duration startTimeout) {}

  private static boolean ownerAlive(Path dir) {
    return readPid(dir.resolve(OWNER_FILE)).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).isPresent();
  }

  private static Optional<Long> readPid(Path file) {
    return readFile(file).flatMap(s -> {
      try {
        return Optional.of(Long.parseLong(s));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  /** The pid of a live broker started on this data dir (detached or not), from its pid file. */
  public static Optional<Long> runningPid(Path dataDir) {
    return readPid(dataDir.resolve(PID_FILE))
        .flatMap(ProcessHandle::of)
        .filter(ProcessHandle::isAlive)
        .filter(LocalKafka::looksLikeBroker)
        .map(ProcessHandle::pid);
  }

  /** The bootstrap servers of a live broker started on this data dir. */
  public static Optional<String> runningBootstrapServers(Path dataDir) {
    return runningPid(dataDir).flatMap(pid -> readFile(dataDir.resolve(BOOTSTRAP_FILE)));
  }

  /** Stops the broker running on this data dir, e.g. a detached one; false if none ran. */
  public static boolean stop(Path dataDir) {
    Optional<ProcessHandle> handle = runningPid(dataDir).flatMap(ProcessHandle::of);
    handle.ifPresent(LocalKafka::terminate);
    try {
      Files.deleteIfExists(dataDir.resolve(PID_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return handle.isPresent();
  }

  /** A recycled pid must not make us kill a stranger. */
  private static boolean looksLikeBroker(ProcessHandle h) {
    Optional<String[]> args = h.info().arguments();
    return args.isEmpty() || Arrays.asList(args.get()).contains(BROKER_MAIN);
  }

  private static Optional<String> readFile(Path file) {
    try {
      return Files.isRegularFile(file) ? Optional.of(Files.readString(file).trim()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void terminate(ProcessHandle h) {
    if (!h.isAlive()) {
      return;
    }
    h.destroy();
    if (!waitForExit(h, STOP_GRACE)) {
      LOG.warn("Kafka broker pid {} ignored SIGTERM for {}, killing it", h.pid(), STOP_GRACE);
      h.destroyForcibly();
      waitForExit(h, Duration.ofSeconds(10));
    }
  }

  private static boolean waitForExit(ProcessHandle h, Duration timeout) {
    try {
      h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !h.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !h.isAlive();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
