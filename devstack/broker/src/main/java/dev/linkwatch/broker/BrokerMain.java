package dev.linkwatch.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * Entry point of the local Kafka broker JVM (KRaft, single node), started by {@code LocalKafka}.
 *
 * <p>Usage: {@code BrokerMain <server.properties> [--cluster-id ID] [--no-watchdog]}.
 *
 * <p>The broker lives in its own JVM so its Scala 2.13 / Kafka 4.1 jars never meet the pipeline's classpath.
 * Because a parent killed with SIGKILL cannot clean up, the broker watches its stdin: the parent holds the
 * pipe's write end open for its whole life, so EOF means the parent is gone and the broker shuts itself down.
 * {@code --no-watchdog} is for detached brokers that must outlive the JVM that started them.
 */
public final class BrokerMain {

  /** How long a clean shutdown may take after the parent vanished before the JVM is halted. */
  private static final long GRACE_MS = Long.getLong("linkwatch.broker.graceMs", 10_000L);

  private BrokerMain() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: BrokerMain <server.properties> [--cluster-id ID] [--no-watchdog]");
      System.exit(64);
    }
    String props = args[0];
    String clusterId = null;
    boolean watchdog = true;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--cluster-id" -> clusterId = args[++i];
        case "--no-watchdog" -> watchdog = false;
        default -> {
          System.err.println("unknown argument: " + args[i]);
          System.exit(64);
        }
      }
    }
    quietLogging();
    // Watch before formatting: a parent that dies during start must not leave a broker behind either.
    if (watchdog) {
      startParentWatchdog();
    }
    format(props, clusterId != null ? clusterId : Uuid.randomUuid().toString());
    kafka.Kafka.main(new String[] {props});
  }

  /** Formats the log dirs once; {@code --ignore-formatted} makes a restart on a kept data dir a no-op. */
  private static void format(String props, String clusterId) {
    int rc;
    try {
      // execute() (unlike main()) returns instead of calling System.exit, so we can report the cause.
      PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
      rc = StorageTool.execute(
          // "=" form: a cluster id may start with "-" and must not be parsed as an option.
          new String[] {"format", "--cluster-id=" + clusterId, "--config=" + props, "--ignore-formatted"}, out);
    } catch (Throwable e) {
      e.printStackTrace();
      System.err.println("FATAL: formatting the KRaft storage failed: " + e);
      rc = 2;
    }
    if (rc != 0) {
      System.err.println("FATAL: storage format exited with " + rc);
      System.exit(rc);
    }
  }

  /**
   * EOF on stdin means the parent died (its pipe end closed, even on SIGKILL). System.exit runs Kafka's own
   * shutdown hook for a clean stop; the halt covers a shutdown that hangs (e.g. waiting on a dead controller).
   */
  private static void startParentWatchdog() {
    Thread watchdog = new Thread(() -> {
      try {
        InputStream in = System.in;
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
          // the parent never writes; anything it might is ignored
        }
      } catch (IOException ignored) {
        // a broken pipe means the same as EOF
      }
      System.err.println("linkwatch: parent process gone (stdin closed), shutting the broker down");
      Thread halter = new Thread(() -> {
        try {
          Thread.sleep(GRACE_MS);
        } catch (InterruptedException ignored) {
          // halt anyway
        }
        System.err.println("linkwatch: clean shutdown took longer than " + GRACE_MS + " ms, halting");
        Runtime.getRuntime().halt(3);
      }, "linkwatch-halter");
      halter.setDaemon(true);
      halter.start();
      System.exit(0);
    }, "linkwatch-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /**
   * WARN by default keeps the log file short enough that a failed start's cause is in its last lines;
   * anything set with -D on the command line wins.
   */
  private static void quietLogging() {
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    setDefault("org.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer", "info");
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
    setDefault("log4j2.configurationFile", "dev/linkwatch/broker/log4j2.xml");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
