package dev.linkwatch.cli;

import dev.linkwatch.metrics.MetricsEndpoint;
import dev.linkwatch.metrics.MetricsText;
import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.sources.JetstreamBridge;
import dev.linkwatch.sources.KafkaWriter;
import dev.linkwatch.sources.MastodonBridge;
import dev.linkwatch.sources.TokenRejectedException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code linkwatch ingest}: the bridges that carry a live network's stream into Kafka (docs/sources.md). */
@Command(
    name = "ingest",
    description = "Carry a live social stream into Kafka for 'linkwatch run' (see docs/sources.md).",
    mixinStandardHelpOptions = true,
    subcommands = {IngestCommand.Bluesky.class, IngestCommand.Mastodon.class})
final class IngestCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("linkwatch ingest: say bluesky or mastodon (linkwatch ingest --help)");
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

    @Option(names = "--cursor-file", defaultValue = "${env:LINKWATCH_HOME:-.}/.linkwatch/bluesky.cursor.json", description = "Where the cursor is kept (default ${DEFAULT-VALUE}).")
    Path cursorFile;

    @Option(names = "--overlap-seconds", defaultValue = "3", description = "How far before the cursor a resume starts (default ${DEFAULT-VALUE}).")
    int overlapSeconds;

    @Option(names = "--compression", defaultValue = "none", description = "Kafka compression: none, gzip, snappy, lz4 or zstd (default ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--status-seconds", defaultValue = "10", description = "Seconds between status lines; 0: none (default ${DEFAULT-VALUE}).")
    int statusSeconds;

    @Mixin MetricsOptions metrics;

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
      String bootstrap = LocalState.bootstrap(bootstrapServers);
      System.err.println("linkwatch ingest bluesky: writing to " + topic + " at " + bootstrap + ", cursor in " + cursorFile);
      try (KafkaWriter kafka = new KafkaWriter(bootstrap, topic, compression, Map.of())) {
        JetstreamBridge bridge = new JetstreamBridge(settings, kafka, System.err);
        try (MetricsEndpoint endpoint =
            metrics.start("linkwatch ingest bluesky", m -> bridge.metrics(m, System.currentTimeMillis()))) {
          return runUntilStopped(bridge::run, bridge::stop, bridge::stats);
        }
      }
    }
  }

  @Command(
      name = "mastodon",
      description = {
        "One Mastodon server's public or hashtag stream into a Kafka topic: each post's Status JSON, keyed by its uri;",
        "deletes as the streaming frame. Needs a user access token (Mastodon 4.2+) in --token-file.",
        "After a reconnect or restart it backfills the gap from the REST timeline (cursor file: the last Status id).",
        "Ctrl-C stops it cleanly (the cursor is saved). A rejected token stops it with exit code 2."
      },
      mixinStandardHelpOptions = true)
  static final class Mastodon implements Callable<Integer> {
    @Option(names = "--server", required = true, description = "The Mastodon server: a host name (mastodon.social) or an http(s) URL.")
    String server;

    @Option(names = "--token-file", required = true, description = "File holding the user access token (keep it chmod 600; never give the token on the command line).")
    Path tokenFile;

    @Option(names = "--stream", defaultValue = "public", description = "public, public:local, public:remote or hashtag (default ${DEFAULT-VALUE}; --tag alone means hashtag).")
    String stream;

    @Option(names = "--tag", description = "The hashtag to follow, without the # (with --stream=hashtag).")
    String tag;

    @Option(names = "--transport", defaultValue = "websocket", description = "websocket or sse (default ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--streaming-url", description = "The streaming host, e.g. wss://streaming.example.social (default: configuration.urls.streaming of GET /api/v2/instance).")
    URI streamingUrl;

    @Option(names = "--topic", defaultValue = "posts.mastodon", description = "Kafka topic to write (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--bootstrapServers", description = "Kafka to write to (default: the local broker, else 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--cursor-file", defaultValue = "${env:LINKWATCH_HOME:-.}/.linkwatch/mastodon.cursor.json", description = "Where the cursor is kept; one per server and stream (default ${DEFAULT-VALUE}).")
    Path cursorFile;

    @Option(names = "--compression", defaultValue = "none", description = "Kafka compression: none, gzip, snappy, lz4 or zstd (default ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--status-seconds", defaultValue = "10", description = "Seconds between status lines; 0: none (default ${DEFAULT-VALUE}).")
    int statusSeconds;

    @Mixin MetricsOptions metrics;

    @Override
    public Integer call() throws Exception {
      if (statusSeconds < 0) {
        throw new ConfigException("--status-seconds must not be negative");
      }
      if (!List.of("none", "gzip", "snappy", "lz4", "zstd").contains(compression)) {
        throw new ConfigException("--compression must be none, gzip, snappy, lz4 or zstd (was " + compression + ")");
      }
      if (tag != null && stream.equals("public")) {
        stream = "hashtag";
      }
      if (tag != null && tag.startsWith("#")) {
        tag = tag.substring(1);
      }
      if (!Files.isReadable(tokenFile)) {
        throw new ConfigException("--token-file " + tokenFile + " cannot be read");
      }
      MastodonBridge.Settings settings;
      String token;
      try {
        settings =
            MastodonBridge.Settings.defaults(server, cursorFile)
                .withStream(stream, tag)
                .withTransport(transport)
                .withStatusEvery(Duration.ofSeconds(statusSeconds));
        if (streamingUrl != null) {
          if (!List.of("ws", "wss", "http", "https").contains(String.valueOf(streamingUrl.getScheme()))) {
            throw new IllegalArgumentException("--streaming-url must be a ws, wss, http or https URL (was " + streamingUrl + ")");
          }
          settings = settings.withStreamingUrl(streamingUrl);
        }
        token = MastodonBridge.readToken(tokenFile, System.err);
      } catch (IllegalArgumentException | IOException e) {
        throw new ConfigException(e.getMessage());
      }
      String bootstrap = LocalState.bootstrap(bootstrapServers);
      System.err.println("linkwatch ingest mastodon: " + settings.stream() + (tag == null ? "" : " #" + tag) + " of " + settings.server().getHost() + " to " + topic + " at " + bootstrap + ", cursor in " + cursorFile);
      try (KafkaWriter kafka = new KafkaWriter(bootstrap, topic, compression, Map.of())) {
        MastodonBridge bridge = new MastodonBridge(settings, token, kafka, System.err);
        try (MetricsEndpoint endpoint =
            metrics.start("linkwatch ingest mastodon", m -> bridge.metrics(m, System.currentTimeMillis()))) {
          return runUntilStopped(bridge::run, bridge::stop, bridge::stats);
        }
      } catch (TokenRejectedException e) {
        System.err.println("linkwatch ingest mastodon: " + e.getMessage());
        return Main.EXIT_USAGE;
      }
    }
  }

  /** The bridges' /metrics endpoint: off unless a port is given (docs/dashboard.md#the-bridges-metrics). */
  static final class MetricsOptions {
    @Option(names = "--metrics-port", defaultValue = "-1", description = "Serve /metrics (Prometheus text) on this port; 0: any free port (default: off).")
    int port;

    @Option(names = "--metrics-address", defaultValue = "127.0.0.1", description = "Address for /metrics (default ${DEFAULT-VALUE}: this machine only).")
    String address;

    /** Starts the endpoint, or returns null when it is off; a port in use fails at start, naming the option. */
    MetricsEndpoint start(String command, java.util.function.Consumer<MetricsText> fill) {
      if (port < 0) {
        return null;
      }
      if (port > 65_535) {
        throw new ConfigException("--metrics-port must be 0-65535 (was " + port + ")");
      }
      try {
        MetricsEndpoint e = MetricsEndpoint.start(address, port, fill);
        System.err.println(command + ": metrics at " + e.url());
        return e;
      } catch (IOException | RuntimeException e) {
        throw new ConfigException("--metrics-port/--metrics-address: cannot serve on " + address + ":" + port + ": " + e.getMessage());
      }
    }
  }

  /** A bridge's {@code run()}: returns once stopped. */
  interface BridgeLoop {
    void run() throws Exception;
  }

  /** Runs the bridge; Ctrl-C (or a kill) stops it, saving its cursor, before the JVM exits. */
  static int runUntilStopped(BridgeLoop bridge, Runnable stop, Supplier<?> stats) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.run();
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
      try {
        // Ended by itself (a rejected token, a failed write): leave no hook behind, e.g. in tests.
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is what stopped it.
      }
    }
    System.err.println("linkwatch ingest: stopped; " + stats.get());
    return Main.EXIT_OK;
  }
}
