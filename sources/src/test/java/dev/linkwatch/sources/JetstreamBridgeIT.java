package dev.linkwatch.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.metrics.MetricsEndpoint;
import dev.linkwatch.metrics.MetricsText;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.replay.JetstreamReplayServer;
import dev.linkwatch.local.replay.JetstreamReplayServer.Faults;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
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

/**
 * The Jetstream bridge against a real broker and a real WebSocket server on loopback replaying the
 * recorded production window: a connection cut mid-stream, refused handshakes, slow frames and a
 * restart from the cursor file. Each time every event the server selects reaches Kafka, bytes
 * unchanged and keyed by did, and no event is written twice.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JetstreamBridgeIT {
  private static final String POSTS_AND_REPOSTS =
      "/subscribe?wantedCollections=app.bsky.feed.post&wantedCollections=app.bsky.feed.repost";
  private static final List<byte[]> WINDOW = JetstreamReplayServer.bundled("bluesky_jetstream_v1_window152.jsonl");

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

  @Test
  void aConnectionCutMidStreamResumesFromTheCursorAndWritesEveryEventOnce() throws Exception {
    String topic = topic();
    try (JetstreamReplayServer server =
        JetstreamReplayServer.start(WINDOW, Faults.none().withDropAfter(12).withFrameDelay(Duration.ofMillis(10)))) {
      List<byte[]> expected = selected(server);
      // A short idle timeout too: should the cut not reach a busy client, the quiet connection still ends.
      Run run = Run.start(settings(List.of(server.endpoint())).withIdleTimeout(Duration.ofSeconds(5)), topic);
      run.awaitWritten(expected.size());
      awaitQuiet(run, Duration.ofSeconds(2));
      run.stop();

      assertThat(server.served()).as("one cut, one resume").isEqualTo(2);
      long cursor = Long.parseLong(server.requests().get(1).replaceAll(".*cursor=", ""));
      // The cut may lose frames still in flight: the bridge wrote the first k of the 12, and the
      // resume brought those k again (all skipped) and the rest (written).
      int k = (int) run.bridge.stats().skipped();
      assertThat(k).as("replayed events skipped").isBetween(1, 12);
      assertThat(cursor).as("resumed from the highest time written before the cut, minus the overlap")
          .isEqualTo(maxTime(expected.subList(0, k)) - 3_000_000);
      assertExactlyOnce(readAll(topic), expected);
    }
  }

  @Test
  void refusedHandshakesAndADeadEndpointFailOverToOneThatServes() throws Exception {
    String topic = topic();
    try (JetstreamReplayServer refusing = JetstreamReplayServer.start(WINDOW, Faults.none().withRefuseFirst(1000));
        JetstreamReplayServer good = JetstreamReplayServer.start(WINDOW, Faults.none().withRefuseFirst(1))) {
      URI dead = URI.create("ws://127.0.0.1:" + freePort());
      Run run = Run.start(settings(List.of(dead, refusing.endpoint(), good.endpoint())), topic);
      List<byte[]> expected = selected(good);
      run.awaitWritten(expected.size());
      run.stop();
      assertThat(refusing.handshakes()).isPositive();
      assertThat(refusing.served()).isZero();
      assertThat(good.served()).isEqualTo(1);
      assertThat(run.out.toString()).contains("cannot connect to " + dead).contains("reconnecting in");
      assertExactlyOnce(readAll(topic), expected);
    }
  }

  @Test
  void slowFramesAreWaitedForOnOneConnection() throws Exception {
    String topic = topic();
    List<byte[]> some = WINDOW.subList(0, 30);
    try (JetstreamReplayServer server =
        JetstreamReplayServer.start(some, Faults.none().withFrameDelay(Duration.ofMillis(400)))) {
      List<byte[]> expected = selected(server);
      Run run = Run.start(settings(List.of(server.endpoint())).withIdleTimeout(Duration.ofSeconds(3)), topic);
      run.awaitWritten(expected.size());
      run.stop();
      assertThat(server.served()).as("no reconnect while frames come slowly").isEqualTo(1);
      assertExactlyOnce(readAll(topic), expected);
    }
  }

  @Test
  void aRestartResumesFromTheCursorFileWritingOnlyWhatIsNew() throws Exception {
    String topic = topic();
    List<byte[]> firstHalf = WINDOW.subList(0, 76);
    JetstreamBridge.Settings settings;
    List<byte[]> expectedFirst;
    try (JetstreamReplayServer first = JetstreamReplayServer.start(firstHalf, Faults.none())) {
      expectedFirst = selected(first);
      settings = settings(List.of(first.endpoint()));
      Run run = Run.start(settings, topic);
      run.awaitWritten(expectedFirst.size());
      run.stop();
    }
    assertThat(new CursorStore(settings.cursorFile()).load()).get()
        .extracting(CursorStore.Cursor::timeUs).isEqualTo(maxTime(expectedFirst));

    try (JetstreamReplayServer again = JetstreamReplayServer.start(WINDOW, Faults.none())) {
      List<byte[]> all = selected(again);
      Run run = Run.start(settings.withEndpoints(List.of(again.endpoint())), topic);
      run.awaitWritten(all.size() - expectedFirst.size());
      awaitQuiet(run, Duration.ofSeconds(2));
      // What an operator's scrape says now: the counts, and the cursor a restart would resume after.
      try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, m -> run.bridge.metrics(m, System.currentTimeMillis()))) {
        List<String> lines = scrape(endpoint.url());
        long cursor = maxTime(all);
        assertThat(lines).contains(
            "linkwatch_bridge_records_written_total{bridge=\"bluesky\"} " + (all.size() - expectedFirst.size()),
            "linkwatch_bridge_duplicates_skipped_total{bridge=\"bluesky\"} " + expectedFirst.size(),
            "linkwatch_bridge_connections_total{bridge=\"bluesky\"} 1",
            "linkwatch_bridge_cursor_time_us{bridge=\"bluesky\"} " + cursor);
        String age = lines.stream().filter(l -> l.startsWith("linkwatch_bridge_cursor_age_seconds{bridge=\"bluesky\"} ")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(age.substring(age.lastIndexOf(' ') + 1)))
            .isCloseTo((System.currentTimeMillis() - cursor / 1000) / 1000.0, org.assertj.core.data.Offset.offset(5.0));
      }
      run.stop();
      assertThat(new CursorStore(settings.cursorFile()).load()).get()
          .extracting(CursorStore.Cursor::timeUs).isEqualTo(maxTime(all));
      assertThat(again.requests().get(0)).contains("cursor=" + (maxTime(expectedFirst) - 3_000_000));
      assertThat(run.bridge.stats().skipped()).isEqualTo(expectedFirst.size());
      assertExactlyOnce(readAll(topic), all);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private JetstreamBridge.Settings settings(List<URI> endpoints) {
    return JetstreamBridge.Settings.defaults(tmp.resolve("cursor-" + UUID.randomUUID() + ".json"))
        .withEndpoints(endpoints)
        .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
        .withStatusEvery(Duration.ofSeconds(1));
  }

  /** What the server sends a fresh subscription to posts and reposts. */
  private static List<byte[]> selected(JetstreamReplayServer server) {
    return server.select(POSTS_AND_REPOSTS);
  }

  private static long maxTime(List<byte[]> events) {
    long max = -1;
    for (byte[] e : events) {
      max = Math.max(max, JetstreamEvent.read(e).timeUs());
    }
    return max;
  }

  /** Every expected event exactly once, bytes unchanged, keyed by its did; nothing else. */
  private static void assertExactlyOnce(List<ConsumerRecord<byte[], byte[]>> records, List<byte[]> expected) {
    Map<String, Integer> seen = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String value = new String(r.value(), StandardCharsets.UTF_8);
      seen.merge(value, 1, Integer::sum);
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(JetstreamEvent.read(r.value()).did());
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
    String t = "it.bridge." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(2, t);
    return t;
  }

  /** GET /metrics as a scraper does: status 200, the exposition format's content type, its lines. */
  static List<String> scrape(URI url) throws Exception {
    var response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsText.CONTENT_TYPE);
    return response.body().lines().toList();
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
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
  private record Run(JetstreamBridge bridge, KafkaWriter writer, Thread thread, ByteArrayOutputStream out, Throwable[] failure) {
    static Run start(JetstreamBridge.Settings settings, String topic) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      KafkaWriter writer = new KafkaWriter(kafka.bootstrapServers(), topic, "zstd", Map.of());
      JetstreamBridge bridge = new JetstreamBridge(settings, writer, new PrintStream(out, true, StandardCharsets.UTF_8));
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
