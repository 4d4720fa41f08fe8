package dev.linkwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkwatch.cli.CatalogCommand;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.CatalogEntry;
import dev.linkwatch.core.CatalogTopic;
import dev.linkwatch.core.Tag;
import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Issue 19's runner check, shared by the DirectRunner, Flink and Spark ITs: a job reads a catalog
 * topic; while it runs, an entry is added and one removed ({@link CatalogCommand#push}), then a
 * malformed entry is written. Three batches of posts, each produced once the previous change had
 * {@link #BOUND} to take effect, must be judged by the catalog of their phase: the added name
 * matches from batch 2 on, the removed one no longer does, the malformed update is refused and
 * batch 3 is still judged by the second version. Every input record is accounted for exactly once
 * ({@link DeliveryCheck}) and every record is read through {@link OutputContract}.
 */
public final class CatalogUpdateScenario {
  /** The refresh the job is given, short so the test is. */
  public static final int REFRESH_SECONDS = 2;
  /** Time allowed from a change to its effect: a refresh period, the read and build, and slack. */
  public static final Duration BOUND = Duration.ofSeconds(REFRESH_SECONDS * 2L + 3);

  /** Posts the scenario sends in all: a job given {@code --maxReadRecords} of it ends by itself. */
  public static final int POSTS = 9;

  private static final CatalogEntry MIX = new CatalogEntry(Tag.ARTIST, "Little Mix");
  private static final CatalogEntry GLORY = new CatalogEntry(Tag.ALBUM, "Glory Days");
  private static final CatalogEntry REMOVED = new CatalogEntry(Tag.TRACK, "Shout Out To My Ex");
  private static final CatalogEntry ADDED = new CatalogEntry(Tag.TRACK, "Power Ballad Deluxe");

  private final String bootstrap;
  private final String in;
  private final String catalogTopic;

  public CatalogUpdateScenario(String bootstrap, String in) {
    this.bootstrap = bootstrap;
    this.in = in;
    this.catalogTopic = in + ".catalog";
  }

  /** The job's arguments beside {@link ClusterInput#pipelineArgs}. */
  public List<String> catalogArgs() {
    return List.of("--catalog=" + CatalogTopic.PREFIX + catalogTopic,
        "--catalogRefreshSeconds=" + REFRESH_SECONDS);
  }

  public String catalogTopic() {
    return catalogTopic;
  }

  /** The catalog as a topic reader builds it: entries in key order. */
  public static Catalog asTopicHoldsIt(List<CatalogEntry> entries) {
    return Catalog.of(entries.stream().sorted(Comparator.comparing(CatalogTopic::keyOf)).toList());
  }

  public static Catalog first() {
    return asTopicHoldsIt(List.of(MIX, GLORY, REMOVED));
  }

  public static Catalog second() {
    return asTopicHoldsIt(List.of(MIX, GLORY, ADDED));
  }

  /** Pushes the first catalog; call before the job starts. */
  public void prepare() {
    CatalogCommand.push(Map.of("bootstrap.servers", bootstrap), catalogTopic, first());
  }

  /**
   * Runs the three phases against a job already started (reading {@code in} for long enough) and
   * checks every output; {@code refusal} says how the job reported the refused update (null when it
   * did not), asked after batch 3 was judged.
   */
  public void runAndCheck(Supplier<String> refusal) throws Exception {
    Map<String, Expect> expected = new HashMap<>();
    int total = 0;
    // batch 1: the first catalog
    total += produce(1, first().version(), false, expected);
    awaitOutputs(total, Duration.ofSeconds(120)); // the first also waits for the job to start
    // an entry added, one removed
    var diff = CatalogCommand.push(Map.of("bootstrap.servers", bootstrap), catalogTopic, second());
    check(diff.added() == 1 && diff.removed() == 1 && diff.changed() == 0, "push diff " + diff);
    Thread.sleep(BOUND.toMillis());
    total += produce(2, second().version(), true, expected);
    awaitOutputs(total, Duration.ofSeconds(30));
    // a malformed entry: refused, the second catalog stays
    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap)) {
      p.send(new ProducerRecord<>(catalogTopic, "track:broken".getBytes(StandardCharsets.UTF_8),
          "{\"tag\":\"track\",\"value\":".getBytes(StandardCharsets.UTF_8))).get();
    }
    Thread.sleep(BOUND.toMillis());
    total += produce(3, second().version(), true, expected);
    Map<String, List<ConsumerRecord<byte[], byte[]>>> out = awaitOutputs(total, Duration.ofSeconds(30));

    check(total == POSTS, "sent " + total);
    String reported = refusal.get();
    check(reported != null && reported.contains("track:broken"),
        "the refused update is reported naming its key, got: " + reported);

    Map<String, String> seen = new HashMap<>();
    for (var r : out.get(in + ".matched")) {
      JsonNode t = OutputContract.check(Channel.MATCHED.fileName(), r.value());
      String id = t.get("id_str").asText();
      Expect e = expected.get(id);
      check(e != null && e.matched, "post " + id + " matched, expected " + e);
      check(t.at("/enriched/catalog_version").asText().equals(e.version),
          "post " + id + " judged by " + t.at("/enriched/catalog_version").asText() + ", expected " + e.version);
      check(seen.put(id, "matched") == null, "post " + id + " twice");
    }
    for (var r : out.get(in + ".unmatched")) {
      JsonNode t = OutputContract.check(Channel.UNMATCHED.fileName(), r.value());
      String id = t.at("/tweet/id_str").asText();
      Expect e = expected.get(id);
      check(e != null && !e.matched, "post " + id + " unmatched (" + t.get("reason").asText() + "), expected " + e);
      check(t.get("code").asInt() == 1, "post " + id + " named one entry, code " + t.get("code"));
      check(seen.put(id, "unmatched") == null, "post " + id + " twice");
    }
    check(out.get(in + ".errors").isEmpty(), "no errors, got " + out.get(in + ".errors").size());
    check(seen.keySet().equals(expected.keySet()), "every post once: " + seen.keySet() + " vs " + expected.keySet());
    DeliveryCheck.Report account =
        DeliveryCheck.of(Map.of("bootstrap.servers", bootstrap), in,
                List.of(in + ".matched", in + ".unmatched", in + ".errors"))
            .run();
    check(account.exactlyOnce() && account.inputRecords() == total, account.toText());
  }

  private record Expect(boolean matched, String version) {}

  /** Three posts: one naming two old entries, one naming the added, one the removed. */
  private int produce(int batch, String version, boolean updated, Map<String, Expect> expected)
      throws Exception {
    String now = ZonedDateTime.now().format(
        DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ROOT));
    String[][] posts = {
      {"1", "Little Mix Glory Days free zip", "true"},
      {"2", "Little Mix new single Power Ballad Deluxe download", String.valueOf(updated)},
      {"3", "Little Mix Shout Out To My Ex mp3", String.valueOf(!updated)},
    };
    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap)) {
      for (String[] post : posts) {
        String id = batch + "00" + post[0];
        String json = "{\"created_at\":\"" + now + "\",\"id_str\":\"" + id + "\",\"text\":\""
            + post[1] + " http://mp3.example/" + id + "\",\"entities\":{\"urls\":[{\"expanded_url\":"
            + "\"http://mp3.example/" + id + "\"}]}}";
        p.send(new ProducerRecord<>(in, json.getBytes(StandardCharsets.UTF_8))).get();
        boolean matched = Boolean.parseBoolean(post[2]);
        expected.put(id, new Expect(matched, matched ? version : null));
      }
    }
    return posts.length;
  }

  private Map<String, List<ConsumerRecord<byte[], byte[]>>> awaitOutputs(int total, Duration max) {
    var out = KafkaClients.readAll(
        bootstrap, List.of(in + ".matched", in + ".unmatched", in + ".errors"), total, max);
    int n = out.values().stream().mapToInt(List::size).sum();
    check(n >= total, "outputs for " + total + " inputs within " + max + ", got " + n);
    return out;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  /** Lines of a log that report a refused catalog update. */
  public static List<String> refusals(String log) {
    List<String> out = new ArrayList<>();
    log.lines().filter(l -> l.contains("catalog update refused")).forEach(out::add);
    return out;
  }
}
