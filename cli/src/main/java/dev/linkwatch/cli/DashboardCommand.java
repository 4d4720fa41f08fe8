package dev.linkwatch.cli;

import dev.linkwatch.dashboard.Dashboard;
import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.kafka.KafkaClientSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code linkwatch dashboard}: the live page and /metrics over a job's output topics, until Ctrl-C. */
@Command(
    name = "dashboard",
    header = "Serve a live page and /metrics over the output topics (any runner).",
    description = {
      "Reads the matched, unmatched, errors and counts topics (the last --history records of each"
          + " partition, then everything new) and serves, on loopback by default: charts of the batch"
          + " counts, the top domains and artists, the latest matches with their matched words"
          + " highlighted, a view and CSV export of each domain's evidence, and /metrics in Prometheus"
          + " text format (with the lag of the job's --consumerGroup). Runs until Ctrl-C."
    },
    mixinStandardHelpOptions = true)
final class DashboardCommand implements Callable<Integer> {
  @Option(names = "--bootstrapServers", description = "Kafka to read (default: the local broker, else 127.0.0.1:9092).")
  String bootstrapServers;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to serve on (default ${DEFAULT-VALUE}); anything else shows the posts to the network.")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Port to serve on, 0 for any free one (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--inputTopic", defaultValue = "tweets", description = "The job's input topic; output topics default to <inputTopic>.matched, .unmatched, .errors, .counts (default ${DEFAULT-VALUE}).")
  String inputTopic;

  @Option(names = "--matchedTopic", description = "The job's matched topic.")
  String matchedTopic;

  @Option(names = "--unmatchedTopic", description = "The job's unmatched topic.")
  String unmatchedTopic;

  @Option(names = "--errorsTopic", description = "The job's errors topic.")
  String errorsTopic;

  @Option(names = "--countsTopic", description = "The job's counts topic.")
  String countsTopic;

  @Option(names = "--consumerGroup", defaultValue = "linkwatch", description = "The job's consumer group, for the lag in /metrics (default ${DEFAULT-VALUE}).")
  String consumerGroup;

  @Option(names = "--history", defaultValue = "10000", description = "Records to read back from each partition's end at start (default ${DEFAULT-VALUE}).")
  long history;

  @Option(names = "--staleSeconds", defaultValue = "60", description = "Say the data is stale after this long without a record (default ${DEFAULT-VALUE}).")
  int staleSeconds;

  @Option(names = "--kafkaProperties", split = ",", description = "Extra client settings, key=value (as for run).")
  List<String> kafkaProperties;

  @Option(names = "--kafkaPropertiesFile", description = "A Kafka client properties file (as for run).")
  String kafkaPropertiesFile;

  @Override
  public Integer call() throws Exception {
    Dashboard.Config config = config();
    if (!isLoopback(config.host())) {
      System.err.println(
          "linkwatch dashboard: warning: serving on " + config.host() + ", not loopback: anyone who can reach it"
              + " sees the posts and the evidence (there is no login)");
    }
    CountDownLatch stop = new CountDownLatch(1);
    Dashboard started;
    try {
      started = Dashboard.start(config);
    } catch (java.net.BindException e) {
      throw new ConfigException("--port " + config.port() + " on " + config.host() + " cannot be used (" + e.getMessage() + "); try --port=0");
    }
    try (Dashboard dashboard = started) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      System.out.println("linkwatch dashboard at " + dashboard.url() + " (metrics: " + dashboard.url() + "metrics); Ctrl-C stops it");
      stop.await();
    }
    return Main.EXIT_OK;
  }

  Dashboard.Config config() {
    Map<String, Object> client = new HashMap<>(KafkaClientSettings.of(kafkaProperties, kafkaPropertiesFile));
    client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalState.bootstrap(bootstrapServers));
    if (staleSeconds < 1) {
      throw new ConfigException("--staleSeconds must be at least 1, was " + staleSeconds);
    }
    if (history < 0) {
      throw new ConfigException("--history must be 0 or more, was " + history);
    }
    if (port < 0 || port > 65_535) {
      throw new ConfigException("--port must be 0 to 65535, was " + port);
    }
    try {
      return new Dashboard.Config(
          client,
          matchedTopic != null ? matchedTopic : inputTopic + ".matched",
          unmatchedTopic != null ? unmatchedTopic : inputTopic + ".unmatched",
          errorsTopic != null ? errorsTopic : inputTopic + ".errors",
          countsTopic != null ? countsTopic : inputTopic + ".counts",
          consumerGroup,
          host,
          port,
          history,
          Duration.ofSeconds(staleSeconds));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  static boolean isLoopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      throw new ConfigException("--host " + host + " is not an address of this machine");
    }
  }
}
