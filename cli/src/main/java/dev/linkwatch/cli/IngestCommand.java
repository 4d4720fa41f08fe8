package dev.linkwatch.cli;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.sources.JetstreamBridge;
import dev.linkwatch.sources.KafkaWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code linkwatch ingest}: the bridges that carry a live network's stream into Kafka (docs/sources.md). */
@Command(
    name = "ingest",
    description = "Carry a live social stream into Kafka for 'linkwatch run' (see docs/sources.md).",
    mixinStandardHelpOptions = true,
    subcommands = {IngestCommand.Bluesky.class})
final class IngestCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("linkwatch ingest: say bluesky (linkwatch ingest --help)");
    return Main.EXIT_USAGE;
  }

  @Command(
      name = "bluesky",
      description = {
        "Bluesky Jetstream (posts and reposts) into a Kafka topic, each event's JSON unchanged, keyed by did.",
        "Resumes from its cursor file after a restart; reconnects with back-off, failing over between endpoints.",
        "Ctrl-C stops it cleanly (the cursor is saved)."
      },
      mixinStandardHelpOptions = true)
  static final class Bluesky implements Callable<Integer> {
    @Option(names = "--topic", defaultValue = "posts.bluesky", description = "Kafka topic to write (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--bootstrapServers", description = "Kafka to write to (default: the local broker, else 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(
        names = "--endpoint",
        split = ",",
        description = "Jetstream endpoints in failover order, e.g. wss://jetstream1.us-east.bsky.network (default: Bluesky's four public instances).")
    List<URI> endpoints;

    @Option(names = "--cursor-file", defaultValue = ".linkwatch/bluesky.cursor.json", description = "Where the cursor is kept (default ${DEFAULT-VALUE}).")
    Path cursorFile;

    @Option(names = "--overlap-seconds", defaultValue = "3", description = "How far before the cursor a resume starts (default ${DEFAULT-VALUE}).")
    int overlapSeconds;

    @Option(names = "--compression", defaultValue = "none", description = "Kafka compression: none, gzip, snappy, lz4 or zstd (default ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--status-seconds", defaultValue = "10", description = "Seconds between status lines; 0: none (default ${DEFAULT-VALUE}).")
    int statusSeconds;

    @Override
    public Integer call() throws Exception {
      if (overlapSeconds < 0 || statusSeconds < 0) {
        throw new ConfigException("--overlap-seconds and --status-seconds must not be negative");
      }
      if (!List.of("none", "gzip", "snappy", "lz4", "zstd").contains(compression)) {
        throw new ConfigException("--compression must be none, gzip, snappy, lz4 or zstd (was " + compression + ")");
      }
      JetstreamBridge.Settings settings =
          JetstreamBridge.Settings.defaults(cursorFile)
              .withOverlap(Duration.ofSeconds(overlapSeconds))
              .withStatusEvery(Duration.ofSeconds(statusSeconds));
      if (endpoints != null && !endpoints.isEmpty()) {
        for (URI e : endpoints) {
          if (!"ws".equals(e.getScheme()) && !"wss".equals(e.getScheme())) {
            throw new ConfigException("--endpoint must be a ws:// or wss:// URI (was " + e + ")");
          }
        }
        settings = settings.withEndpoints(endpoints);
      }
      String bootstrap = ToolCommands.bootstrap(bootstrapServers);
      System.err.println("linkwatch ingest bluesky: writing to " + topic + " at " + bootstrap + ", cursor in " + cursorFile);
      try (KafkaWriter kafka = new KafkaWriter(bootstrap, topic, compression, Map.of())) {
        return runUntilStopped(new JetstreamBridge(settings, kafka, System.err));
      }
    }
  }

  /** Runs the bridge; Ctrl-C (or a kill) stops it, saving its cursor, before the JVM exits. */
  static int runUntilStopped(JetstreamBridge bridge) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              bridge.stop();
              try {
                done.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "ingest-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      bridge.run();
    } finally {
      done.countDown();
    }
    System.err.println("linkwatch ingest: stopped; " + bridge.stats());
    return Main.EXIT_OK;
  }
}
