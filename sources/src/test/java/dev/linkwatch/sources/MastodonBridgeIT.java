package dev.linkwatch.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.linkwatch.core.Parsed;
import dev.linkwatch.core.RecordFormat;
import dev.linkwatch.core.RecordParser;
import dev.linkwatch.core.StreamNotice;
import dev.linkwatch.core.Tweet;
import dev.linkwatch.core.TweetParser;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.replay.MastodonReplayServer;
import dev.linkwatch.local.replay.MastodonReplayServer.Faults;
import dev.linkwatch.local.replay.MastodonReplayServer.Stream;
import dev.linkwatch.metrics.MetricsEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Mastodon bridge against a real broker and a Mastodon replay server on loopback serving recorded
 * real Statuses, over WebSocket and SSE: a connection cut mid-stream with Statuses posted while away
 * (only the timeline backfill finds them), refused connections, slow frames, a restart from the cursor
 * file and a wrong token. Each time every Status the stream and timeline carry reaches Kafka once,
 * bytes as recorded, keyed by its uri, and every record reads as the pipeline's parser reads it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MastodonBridgeIT {
  private static final String TOKEN = "replay-token-" + UUID.randomUUID();
  private static final List<byte[]> STATUSES = MastodonReplayServer.bundledStatuses();
  private static final Stream PUBLIC = new Stream("public", null);
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private static LocalKafka kafka;

  @TempDir Path tmp;

  @BeforeAll
  static void broker() throws Exception {
    kafka = LocalKafka.builder().partitions(2).start();
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sse"})
  void aConnectionCutMidStreamIsBackfilledFromTheTimelineAndNoStatusIsLost(String transport) throws Exception {
    String topic = topic();
    try (MastodonReplayServer server =
        MastodonReplayServer.start(STATUSES, TOKEN, Faults.none().withDropAfter(6, 4).withFrameDelay(Duration.ofMillis(20)))) {
      List<byte[]> expected = server.select(PUBLIC);
      assertThat(expected).as("the public stream's Statuses").hasSize(19);
      // A short idle timeout too: should the cut not reach a busy client, the quiet connection still ends.
      Run run = Run.start(settings(server, transport).withIdleTimeout(Duration.ofSeconds(5)), topic);
      run.awaitWritten(expected.size() + 1); // every Status and the second connection's delete
      awaitQuiet(run, Duration.ofSeconds(2));
      run.stop();

      assertThat(server.served()).as("one cut, one reconnect").isEqualTo(2);
      // The second connection starts 4 Statuses after the first one's last: only the backfill has them.
      assertThat(run.bridge.stats().backfilled()).isGreaterThanOrEqualTo(4);
      assertThat(server.requests()).as("a backfill after the last Status written before the cut")
          .anyMatch(r -> isBackfillAfterOneOfTheFirstSix(r, expected));
      List<byte[]> want = new ArrayList<>(expected);
      want.add(server.deleteFrame(PUBLIC));
      assertWrittenOnce(readAll(topic), want, transport);
      assertThat(run.out.toString()).contains("reconnecting in").contains("backfilled");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sse"})
  void refusedConnectionsAreRetriedWithBackoffUntilOneServes(String transport) throws Exception {
    String topic = topic();
    try (MastodonReplayServer server = MastodonReplayServer.start(STATUSES, TOKEN, Faults.none().withRefuseFirst(2))) {
      List<byte[]> expected = new ArrayList<>(server.select(PUBLIC));
      expected.add(server.deleteFrame(PUBLIC));
      Run run = Run.start(settings(server, transport), topic);
      run.awaitWritten(expected.size());
      run.stop();
      assertThat(server.streamRequests()).isEqualTo(3);
      assertThat(server.served()).isEqualTo(1);
      assertThat(run.out.toString()).contains("HTTP 503").contains("reconnecting in");
      assertWrittenOnce(readAll(topic), expected, transport);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sse"})
  void slowFramesAreWaitedForOnOneConnection(String transport) throws Exception {
    String topic = topic();
    try (MastodonReplayServer server =
        MastodonReplayServer.start(STATUSES, TOKEN, Faults.none().withFrameDelay(Duration.ofMillis(250)))) {
      List<byte[]> expected = new ArrayList<>(server.select(PUBLIC));
      expected.add(server.deleteFrame(PUBLIC));
      Run run = Run.start(settings(server, transport).withIdleTimeout(Duration.ofSeconds(2)), topic);
      run.awaitWritten(expected.size());
      run.stop();
      assertThat(server.served()).as("no reconnect while frames come slowly").isEqualTo(1);
      assertWrittenOnce(readAll(topic), expected, transport);
    }
  }

  @Test
  void aRestartBackfillsFromTheCursorFileWritingOnlyWhatIsNew() throws Exception {
    String topic = topic();
    List<byte[]> firstTen;
    MastodonBridge.Settings settings;
    try (MastodonReplayServer all = MastodonReplayServer.start(STATUSES, TOKEN, Faults.none())) {
      firstTen = all.select(PUBLIC).subList(0, 10);
    }
    try (MastodonReplayServer first = MastodonReplayServer.start(firstTen, TOKEN, Faults.none())) {
      settings = settings(first, "websocket");
      Run run = Run.start(settings, topic);
      run.awaitWritten(11);
      run.stop();
    }
    JsonNode cursor = STRICT.readTree(settings.cursorFile().toFile());
    assertThat(cursor.get("last_id").asText()).isEqualTo(id(firstTen.get(9)));

    // Back later: four Statuses were posted while the bridge was down; the stream has the rest.
    try (MastodonReplayServer again = MastodonReplayServer.start(STATUSES, TOKEN, Faults.none().withLiveFrom(14))) {
      List<byte[]> all = again.select(PUBLIC);
      Run run = Run.start(settings(again, "websocket", settings.cursorFile()), topic);
      run.awaitWritten(all.size() - 10 + 1);
      awaitQuiet(run, Duration.ofSeconds(2));
      // An operator's scrape: the counts, and the cursor as a label with the time its id carries.
      try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, m -> run.bridge.metrics(m, System.currentTimeMillis()))) {
        List<String> lines = JetstreamBridgeIT.scrape(endpoint.url());
        String newest = all.stream().map(MastodonBridgeIT::id).max(java.util.Comparator.comparing(java.math.BigInteger::new)).orElseThrow();
        assertThat(lines).contains(
            "linkwatch_bridge_records_written_total{bridge=\"mastodon\"} " + run.bridge.stats().written(),
            "linkwatch_bridge_backfilled_total{bridge=\"mastodon\"} " + run.bridge.stats().backfilled(),
            "linkwatch_bridge_duplicates_skipped_total{bridge=\"mastodon\"} 5",
            "linkwatch_bridge_cursor_info{bridge=\"mastodon\",status_id=\"" + newest + "\"} 1");
        String age = lines.stream().filter(l -> l.startsWith("linkwatch_bridge_cursor_age_seconds{bridge=\"mastodon\"} ")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(age.substring(age.lastIndexOf(' ') + 1)))
            .isCloseTo((System.currentTimeMillis() - (Long.parseLong(newest) >>> 16)) / 1000.0, org.assertj.core.data.Offset.offset(5.0));
      }
      run.stop();
      assertThat(again.requests()).contains("/api/v1/timelines/public?min_id=" + id(firstTen.get(9)) + "&limit=40");
      // The four posted while it was down come only from the backfill; the five the new stream also
      // brings are written by whichever comes first and skipped the second time.
      assertThat(run.bridge.stats().backfilled()).isBetween(4L, 9L);
      assertThat(run.bridge.stats().skipped()).isEqualTo(5);
      List<byte[]> want = new ArrayList<>(all);
      want.add(again.deleteFrame(PUBLIC));
      want.add(again.deleteFrame(PUBLIC)); // one per run: two frames, both written
      assertWrittenOnce(readAll(topic), want, "websocket");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sse"})
  void aWrongTokenStopsTheBridgeWithOneLineAndNoRetry(String transport) throws Exception {
    String topic = topic();
    try (MastodonReplayServer server = MastodonReplayServer.start(STATUSES, TOKEN, Faults.none())) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (KafkaWriter writer = new KafkaWriter(kafka.bootstrapServers(), topic, "none", Map.of())) {
        MastodonBridge bridge =
            new MastodonBridge(settings(server, transport), "not-" + TOKEN, writer, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThatThrownBy(bridge::run)
            .isInstanceOf(TokenRejectedException.class)
            .hasMessage("the server 127.0.0.1 rejected the access token (HTTP 401); check --token-file")
            .hasMessageNotContaining(TOKEN);
      }
      assertThat(server.unauthorized()).as("no retry with a rejected token").isEqualTo(1);
      assertThat(server.served()).isZero();
      assertThat(out.toString()).doesNotContain(TOKEN);
    }
  }

  @Test
  void theTokenFileIsReadTrimmedAndAGroupReadableOneIsWarnedAbout() throws Exception {
    Path file = tmp.resolve("token");
    java.nio.file.Files.writeString(file, TOKEN + "\n");
    java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(MastodonBridge.readToken(file, new PrintStream(out, true, StandardCharsets.UTF_8))).isEqualTo(TOKEN);
    assertThat(out.toString()).isEmpty();
    java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    MastodonBridge.readToken(file, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString()).contains("readable by others").doesNotContain(TOKEN);
  }

  // ---------------------------------------------------------------------------------------------

  /** WebSocket: the streaming host comes from the instance document. SSE: given, as the API host serves it. */
  private MastodonBridge.Settings settings(MastodonReplayServer server, String transport) {
    return settings(server, transport, tmp.resolve("cursor-" + UUID.randomUUID() + ".json"));
  }

  private static MastodonBridge.Settings settings(MastodonReplayServer server, String transport, Path cursorFile) {
    MastodonBridge.Settings s =
        MastodonBridge.Settings.defaults(server.apiBase().toString(), cursorFile)
            .withTransport(transport)
            .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
            .withStatusEvery(Duration.ofSeconds(1));
    return transport.equals("sse") ? s.withStreamingUrl(server.apiBase()) : s;
  }

  private static boolean isBackfillAfterOneOfTheFirstSix(String request, List<byte[]> expected) {
    // The cut may lose frames in flight: the backfill then starts after an earlier Status.
    for (int i = 0; i < 6; i++) {
      if (request.equals("/api/v1/timelines/public?min_id=" + id(expected.get(i)) + "&limit=40")) {
        return true;
      }
    }
    return false;
  }

  private static String id(byte[] status) {
    try {
      return STRICT.readTree(status).get("id").asText();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Every expected record exactly once, bytes unchanged; a Status keyed by its uri, a frame without a
   * key; each one strict JSON and read by the pipeline's parser as a Mastodon post or a delete notice.
   */
  private static void assertWrittenOnce(List<ConsumerRecord<byte[], byte[]>> records, List<byte[]> expected, String transport)
      throws Exception {
    // As the pipeline reads them: --inputFormat=auto (each record's shape detected) and =mastodon.
    RecordParser auto = RecordParser.create(TweetParser.ParseLimits.defaults(), RecordFormat.AUTO);
    RecordParser forced = RecordParser.create(TweetParser.ParseLimits.defaults(), RecordFormat.MASTODON);
    Map<String, Integer> seen = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String value = new String(r.value(), StandardCharsets.UTF_8);
      seen.merge(value, 1, Integer::sum);
      JsonNode tree = STRICT.readTree(r.value());
      Parsed parsed = auto.parse(r.value());
      assertThat(forced.parse(r.value())).isEqualTo(parsed);
      if (tree.has("event")) {
        assertThat(parsed).as(transport + " " + value).isEqualTo(new StreamNotice("delete", "mastodon"));
        assertThat(r.key()).as("a delete of a Status this bridge did not write has no key").isNull();
      } else {
        assertThat(parsed).isInstanceOf(Tweet.class);
        Tweet t = (Tweet) parsed;
        assertThat(t.platform()).isEqualTo(Tweet.MASTODON);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(tree.get("uri").asText());
      }
    }
    Map<String, Integer> want = new HashMap<>();
    expected.forEach(e -> want.merge(new String(e, StandardCharsets.UTF_8), 1, Integer::sum));
    assertThat(seen).as("records in Kafka, by value, with their number of copies").isEqualTo(want);
  }

  private static void awaitQuiet(Run run, Duration quiet) throws InterruptedException {
    long last = run.bridge.stats().received();
    while (true) {
      Thread.sleep(quiet.toMillis());
      long now = run.bridge.stats().received();
      if (now == last) {
        return;
      }
      last = now;
    }
  }

  private static String topic() {
    String t = "it.mastodon." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(2, t);
    return t;
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      int quiet = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (quiet < 4 && System.nanoTime() < deadline) {
        var records = consumer.poll(Duration.ofMillis(500));
        quiet = records.isEmpty() && !out.isEmpty() ? quiet + 1 : 0;
        records.forEach(out::add);
      }
    }
    return out;
  }

  /** A bridge running on its own thread, its status lines captured. */
  private record Run(MastodonBridge bridge, KafkaWriter writer, Thread thread, ByteArrayOutputStream out, Throwable[] failure) {
    static Run start(MastodonBridge.Settings settings, String topic) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      KafkaWriter writer = new KafkaWriter(kafka.bootstrapServers(), topic, "zstd", Map.of());
      MastodonBridge bridge = new MastodonBridge(settings, TOKEN, writer, new PrintStream(out, true, StandardCharsets.UTF_8));
      Throwable[] failure = new Throwable[1];
      Thread t =
          new Thread(
              () -> {
                try {
                  bridge.run();
                } catch (Throwable e) {
                  failure[0] = e;
                }
              },
              "bridge");
      t.start();
      return new Run(bridge, writer, t, out, failure);
    }

    void awaitWritten(long n) throws InterruptedException {
      await(() -> bridge.stats().written() >= n || failure[0] != null, Duration.ofSeconds(60), "written " + n);
    }

    void stop() throws InterruptedException {
      bridge.stop();
      thread.join(30_000);
      writer.close();
      assertThat(thread.isAlive()).isFalse();
      assertThat(failure[0]).as(out.toString()).isNull();
    }

    private void await(BooleanSupplier condition, Duration max, String what) throws InterruptedException {
      long end = System.nanoTime() + max.toNanos();
      while (!condition.getAsBoolean()) {
        assertThat(System.nanoTime()).as("waiting for " + what + "; status:\n" + out).isLessThan(end);
        Thread.sleep(50);
      }
      assertThat(failure[0]).as(out.toString()).isNull();
    }
  }
}
