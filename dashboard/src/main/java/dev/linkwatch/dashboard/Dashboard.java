package dev.linkwatch.dashboard;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live dashboard: reads linkwatch's output topics and serves a page, its live updates and
 * {@code /metrics} over HTTP. It works with any runner because it only reads what the job wrote.
 *
 * <p>{@link #start} returns once the port is bound; {@link #close} stops the server and the reader.
 */
public final class Dashboard implements AutoCloseable {
  /**
   * What to read and where to serve.
   *
   * @param kafka the Kafka client properties (at least {@code bootstrap.servers})
   * @param matchedTopic the job's {@code --matchedTopic} (likewise the other topics)
   * @param consumerGroup the job's {@code --consumerGroup}, whose committed offsets give the lag
   * @param host the address to bind (loopback unless widened on purpose)
   * @param port the port; 0 picks a free one
   * @param history how many records back from each partition's end to read at start
   * @param stale after how long without a record the page says the data is stale
   */
  public record Config(
      Map<String, Object> kafka,
      String matchedTopic,
      String unmatchedTopic,
      String errorsTopic,
      String countsTopic,
      String consumerGroup,
      String host,
      int port,
      long history,
      Duration stale) {
    public Config {
      kafka = Map.copyOf(kafka);
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("--port must be 0..65535, was " + port);
      }
      if (history < 0) {
        throw new IllegalArgumentException("--history must be 0 or more, was " + history);
      }
      if (stale.isNegative() || stale.isZero()) {
        throw new IllegalArgumentException("--staleSeconds must be positive, was " + stale.toSeconds());
      }
    }

    /** The job's default topic and group names, on loopback port 8080. */
    public static Config defaults(String bootstrapServers) {
      return new Config(
          Map.of("bootstrap.servers", bootstrapServers),
          "tweets.matched", "tweets.unmatched", "tweets.errors", "tweets.counts", "linkwatch",
          "127.0.0.1", 8080, 10_000, Duration.ofSeconds(60));
    }

    public Config withTopics(String matched, String unmatched, String errors, String counts) {
      return new Config(kafka, matched, unmatched, errors, counts, consumerGroup, host, port, history, stale);
    }

    public Config withConsumerGroup(String group) {
      return new Config(kafka, matchedTopic, unmatchedTopic, errorsTopic, countsTopic, group, host, port, history, stale);
    }

    public Config withAddress(String newHost, int newPort) {
      return new Config(kafka, matchedTopic, unmatchedTopic, errorsTopic, countsTopic, consumerGroup, newHost, newPort, history, stale);
    }

    public Config withHistory(long records, Duration staleAfter) {
      return new Config(kafka, matchedTopic, unmatchedTopic, errorsTopic, countsTopic, consumerGroup, host, port, records, staleAfter);
    }
  }

  private final DashboardState state;
  private final TopicReader reader;
  private final LagProbe lag;
  private final DashboardServer server;

  private Dashboard(Config config) throws IOException {
    state = new DashboardState(DashboardState.Limits.defaults());
    Map<String, DashboardState.Channel> topics = new LinkedHashMap<>();
    topics.put(config.matchedTopic(), DashboardState.Channel.MATCHED);
    topics.put(config.unmatchedTopic(), DashboardState.Channel.UNMATCHED);
    topics.put(config.errorsTopic(), DashboardState.Channel.ERRORS);
    topics.put(config.countsTopic(), DashboardState.Channel.COUNTS);
    if (topics.size() != 4) {
      throw new IllegalArgumentException("the matched, unmatched, errors and counts topics must differ: " + topics.keySet());
    }
    Map<String, Object> kafka = new HashMap<>(config.kafka());
    reader = new TopicReader(kafka, topics, state, config.history());
    lag = new LagProbe(kafka, config.consumerGroup());
    try {
      server = new DashboardServer(config.host(), config.port(), state, lag, config.stale().toMillis());
    } catch (IOException | RuntimeException e) {
      lag.close(); // the port is taken: nothing else was started
      throw e;
    }
  }

  /** Binds the port, starts reading and serving. */
  public static Dashboard start(Config config) throws IOException {
    Dashboard d = new Dashboard(config);
    d.reader.start();
    d.server.start();
    return d;
  }

  /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
  public URI url() {
    return server.url();
  }

  @Override
  public void close() throws InterruptedException {
    server.close();
    reader.close();
    lag.close();
  }
}
