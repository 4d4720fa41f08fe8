package dev.linkwatch.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * How a single-node KRaft broker is set up: its {@code server.properties} (loopback listeners, one
 * replica, few threads for a small machine, an optional SASL/PLAIN listener), the ports, the cluster id
 * of a kept data dir, and the classpath of the broker's own JVM.
 */
final class BrokerConfig {
  static final String BROKER_MAIN = "dev.linkwatch.broker.BrokerMain";
  static final String KRAFT_LOGS = "kraft-logs";

  private BrokerConfig() {}

  static Properties serverProperties(LocalKafka.Builder b, Path dir, int port, int controllerPort) {
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
  static void addSaslListener(Properties p, LocalKafka.Builder b, int saslPort) {
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

  static void writeProperties(Path file, Properties p) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "written by linkwatch LocalKafka; regenerated on every start");
    }
  }

  static String javaExecutable() {
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
      main = Class.forName(BROKER_MAIN, false, BrokerConfig.class.getClassLoader());
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

  static int[] freePorts(int n) throws IOException {
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
}
