package dev.linkwatch.runners.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.contract.OutputContract;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.pipeline.kafka.KafkaIo;
import dev.linkwatch.pipeline.LinkwatchOptions;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import dev.linkwatch.pipeline.Settings;
import dev.linkwatch.testing.KafkaClients;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SSRF through the whole pipeline on a real broker: tweets whose links go through a hostile local
 * "shortener" that redirects to internal targets, a loop and a slow drip. The shortener's origin is
 * the only one trusted (UnshortenSettings.trustedOrigins); loopback stays refused, so the internal
 * server on another loopback port must see no request, every record must say why its link was not
 * followed, and every record must come out.
 */
@ExtendWith(SharedKafka.class)
class UnshortenSsrfIT {
  private static final ObjectMapper JSON = OutputContract.STRICT;

  private HttpServer internal;
  private final AtomicInteger internalRequests = new AtomicInteger();
  private HttpServer shortener;
  private final Map<String, AtomicInteger> shortenerHits = new ConcurrentHashMap<>();
  private ServerSocket dripper;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "ssrf-it-http");
    t.setDaemon(true);
    return t;
  });

  @BeforeEach
  void startServers() throws IOException {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    internal = HttpServer.create(new InetSocketAddress(lo, 0), 50);
    internal.createContext("/", ex -> {
      internalRequests.incrementAndGet();
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    internal.setExecutor(threads);
    internal.start();
    int in = internal.getAddress().getPort();

    Map<String, String> redirects = new LinkedHashMap<>();
    redirects.put("/loopback", "http://127.0.0.1:" + in + "/secret");
    redirects.put("/ipv6-loopback", "http://[::1]:" + in + "/secret");
    redirects.put("/metadata", "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
    redirects.put("/decimal", "http://2130706433:" + in + "/");
    redirects.put("/mapped", "http://[::ffff:127.0.0.1]:" + in + "/");
    redirects.put("/userinfo", "http://user@127.0.0.1:" + in + "/");
    redirects.put("/loop-a", "/loop-b");
    redirects.put("/loop-b", "/loop-a");
    redirects.put("/pirates", "http://www.mp3-leaks.co.uk/glory-days.zip");
    shortener = HttpServer.create(new InetSocketAddress(lo, 0), 50);
    shortener.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      shortenerHits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      try {
        if (redirects.containsKey(path)) {
          ex.getResponseHeaders().add("Location", redirects.get(path));
          ex.sendResponseHeaders(302, -1);
        } else if (path.equals("/drip-body")) {
          dripBody(ex);
        } else {
          ex.sendResponseHeaders(404, -1);
        }
      } finally {
        ex.close();
      }
    });
    shortener.setExecutor(threads);
    shortener.start();

    // HttpServer cannot send half a header, so the header drip is a raw socket: a byte every 100 ms.
    dripper = new ServerSocket(0, 50, lo);
    threads.execute(() -> {
      while (!dripper.isClosed()) {
        try {
          Socket s = dripper.accept();
          threads.execute(() -> dripHeaders(s));
        } catch (IOException e) {
          return; // closed
        }
      }
    });
  }

  private static void dripBody(HttpExchange ex) throws IOException {
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.sendResponseHeaders(405, -1); // so the unshortener asks again with GET and gets a body
      return;
    }
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody()) {
      for (int i = 0; i < 600; i++) {
        out.write('x');
        out.flush();
        Thread.sleep(100);
      }
    } catch (InterruptedException | IOException e) {
      // the client hung up, as it should
    }
  }

  private static void dripHeaders(Socket s) {
    try (s) {
      byte[] msg = ("HTTP/1.1 301 Moved Permanently\r\nLocation: /next\r\nX-Pad: " + "a".repeat(600))
          .getBytes(StandardCharsets.US_ASCII);
      OutputStream out = s.getOutputStream();
      for (byte b : msg) {
        out.write(b);
        out.flush();
        Thread.sleep(100);
      }
    } catch (IOException | InterruptedException e) {
      // the client hung up, as it should
    }
  }

  @AfterEach
  void stopServers() throws IOException {
    internal.stop(0);
    shortener.stop(0);
    dripper.close();
    threads.shutdownNow();
  }

  @Test
  void hostileRedirectsAreRefusedAndEveryRecordComesOut(LocalKafka kafka) throws Exception {
    String in = "ssrf." + UUID.randomUUID().toString().substring(0, 8);
    List<String> outputs = List.of(in + ".matched", in + ".unmatched", in + ".errors");
    kafka.createTopics(2, in, outputs.get(0), outputs.get(1), outputs.get(2), in + ".counts");
    String short_ = "http://127.0.0.1:" + shortener.getAddress().getPort();
    String drip = "http://127.0.0.1:" + dripper.getLocalPort();

    // Tweet id -> its link, and what its resolution must say.
    Map<String, String[]> cases = new TreeMap<>();
    cases.put("1", new String[] {short_ + "/loopback", "blocked: redirect to 127.0.0.1 refused: loopback address"});
    cases.put("2", new String[] {short_ + "/ipv6-loopback", "blocked: redirect to ::1 refused: loopback address"});
    cases.put("3", new String[] {short_ + "/metadata", "blocked: redirect to 169.254.169.254 refused: link-local address"});
    cases.put("4", new String[] {short_ + "/decimal", "blocked: redirect to 2130706433 refused: non-canonical numeric host, loopback address"});
    cases.put("5", new String[] {short_ + "/mapped", "blocked: redirect to ::ffff:127.0.0.1 refused: loopback address"});
    cases.put("6", new String[] {short_ + "/userinfo", "blocked: redirect to 127.0.0.1 refused: loopback address"});
    cases.put("7", new String[] {short_ + "/loop-a", "loop: redirect loop at hop 2"});
    cases.put("8", new String[] {drip + "/slow-headers", "timeout: timed out after 8000 ms"});
    cases.put("9", new String[] {short_ + "/drip-body", "resolved"});
    cases.put("10", new String[] {short_ + "/pirates", "resolved"});
    // A link straight at the internal server (127.0.0.1 is a shortener host here, so it is tried).
    cases.put("11", new String[] {"http://127.0.0.1:" + internal.getAddress().getPort() + "/direct",
        "blocked: request to 127.0.0.1 refused: loopback address"});
    // (8 s: a generous budget on a loaded machine; the header drip would take 60 s.)
    int plain = 5; // tweets without links, around the hostile ones: the pipeline keeps flowing
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
      int i = 0;
      for (Map.Entry<String, String[]> c : cases.entrySet()) {
        producer.send(new ProducerRecord<>(in, i++ % 2, null, tweet(c.getKey(), c.getValue()[0]))).get();
      }
      for (int j = 0; j < plain; j++) {
        String text = "{\"id_str\":\"p" + j + "\",\"text\":\"no links here\",\"entities\":{\"urls\":[]}}";
        producer.send(new ProducerRecord<>(in, j % 2, null, text.getBytes(StandardCharsets.UTF_8))).get();
      }
    }

    LinkwatchOptions options =
        ConfigFile.parse(
            "--runner=DirectRunner",
            "--bootstrapServers=" + kafka.bootstrapServers(),
            "--inputTopic=" + in,
            "--matchedTopic=" + outputs.get(0),
            "--unmatchedTopic=" + outputs.get(1),
            "--errorsTopic=" + outputs.get(2),
            "--countsTopic=" + in + ".counts",
            "--consumerGroup=" + in,
            "--printCounts=false",
            "--maxReadSeconds=12",
            "--unshorten=true",
            "--shorteners=127.0.0.1",
            "--unshortenTimeoutMillis=8000");
    Settings defaults = Settings.from(options);
    assertThat(defaults.unshorten().allowLoopback()).isFalse();
    // The narrowest exemption: exactly the two test shorteners' origins, nothing else on loopback.
    Settings settings =
        new Settings(
            defaults.catalog(),
            defaults.whitelist(),
            defaults.blacklist(),
            defaults.minMatches(),
            defaults.fuzzy(),
            defaults.unshorten().withTrustedOrigins(Set.of(short_, drip)),
            defaults.kafkaProperties(),
            defaults.maxRecordBytes(),
            defaults.windowing());
    Pipeline pipeline = Pipeline.create(options);
    LinkwatchPipeline.buildPipeline(
        pipeline, settings, KafkaIo.readTweets(options, settings), KafkaIo.sinks(options, settings));
    assertThat(pipeline.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);

    assertThat(internalRequests.get()).as("requests that reached the internal server").isZero();

    DeliveryCheck.Report account =
        DeliveryCheck.of(Map.of("bootstrap.servers", kafka.bootstrapServers()), in, outputs).run();
    assertThat(account.exactlyOnce()).as(account.toText()).isTrue();
    assertThat(account.inputRecords()).isEqualTo(cases.size() + plain);

    Map<String, List<ConsumerRecord<byte[], byte[]>>> out =
        KafkaClients.readAll(kafka.bootstrapServers(), outputs, cases.size() + plain, Duration.ofSeconds(30));
    Map<String, String> resolutions = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : out.get(outputs.get(0))) {
      JsonNode t = OutputContract.check(Channel.MATCHED.fileName(), r.value());
      resolutions.put(t.path("id_str").asText(), t.at("/enriched/url_details/links/0/resolution").asText());
    }
    Map<String, String> expected = new TreeMap<>();
    cases.forEach((id, c) -> expected.put(id, c[1]));
    // "resolved" cases may carry a note (e.g. none); compare the status word for those.
    resolutions.replaceAll((id, r) -> expected.get(id) != null && expected.get(id).equals("resolved")
        ? r.replaceAll(":.*", "") : r);
    assertThat(resolutions).isEqualTo(expected);
    assertThat(out.get(outputs.get(1))).hasSize(plain);
    assertThat(out.get(outputs.get(2))).isEmpty();
    // The test shortener itself was asked, so the refusals above are the guard's, not a dead server's.
    assertThat(shortenerHits.get("/loopback").get()).isEqualTo(1);
    assertThat(shortenerHits.get("/loop-a").get()).isEqualTo(1);
  }

  private static byte[] tweet(String id, String url) {
    String json =
        "{\"id_str\":\"" + id + "\",\"text\":\"Little Mix Touch https://t.co/x" + id + "\","
            + "\"entities\":{\"urls\":[{\"url\":\"https://t.co/x" + id + "\",\"expanded_url\":\"" + url + "\"}]}}";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
