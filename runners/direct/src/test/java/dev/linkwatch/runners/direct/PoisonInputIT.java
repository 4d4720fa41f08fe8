package dev.linkwatch.runners.direct;

import dev.linkwatch.testing.KafkaClients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Hostile records mixed into good ones, through a real broker: the pipeline finishes, every bad
 * record is on the error topic once with a reason and its original bytes (or, when too large to carry,
 * their length and SHA-256), and the good records come out exactly as they do without the poison.
 */
@ExtendWith(SharedKafka.class)
@Isolated("a 5 MB text and 10 000-deep nesting must meet the test JVM's heap alone to prove no OutOfMemoryError")
class PoisonInputIT {
  private static final ObjectMapper JSON = OutputContract.STRICT;

  static Map<String, byte[]> poison() {
    Map<String, byte[]> p = new LinkedHashMap<>();
    p.put("truncated JSON", "{\"text\":\"Little Mix Touch\",\"entities\":{\"urls\":[".getBytes(StandardCharsets.UTF_8));
    p.put("not JSON", "Little Mix Touch http://x".getBytes(StandardCharsets.UTF_8));
    p.put("a JSON array", "[{\"text\":\"x\"}]".getBytes(StandardCharsets.UTF_8));
    p.put("a JSON string", "\"text\"".getBytes(StandardCharsets.UTF_8));
    p.put("JSON null", "null".getBytes(StandardCharsets.UTF_8));
    p.put("empty value", new byte[0]);
    p.put("text is a number", "{\"id_str\":\"1\",\"text\":42,\"entities\":{\"urls\":[]}}".getBytes(StandardCharsets.UTF_8));
    p.put("urls is an object", "{\"id_str\":\"1\",\"text\":\"x\",\"entities\":{\"urls\":{}}}".getBytes(StandardCharsets.UTF_8));
    p.put("invalid UTF-8", new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
    p.put("overlong UTF-8 NUL", new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'});
    p.put("10 000-deep nesting", ("{\"text\":\"x\",\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}").getBytes(StandardCharsets.UTF_8));
    p.put("5 MB text", ("{\"text\":\"" + "a".repeat(5 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8));
    StringBuilder urls = new StringBuilder("{\"id_str\":\"2\",\"text\":\"many\",\"entities\":{\"urls\":[");
    for (int i = 0; i < 10_000; i++) {
      urls.append(i == 0 ? "" : ",").append("{\"expanded_url\":\"http://x").append(i).append(".example\"}");
    }
    p.put("10 000 URLs", urls.append("]}}").toString().getBytes(StandardCharsets.UTF_8));
    p.put("unknown notice", "{\"shutdown_notice\":{\"when\":\"now\"}}".getBytes(StandardCharsets.UTF_8));
    p.put("trailing garbage", "{\"text\":\"x\"}{\"text\":\"y\"}".getBytes(StandardCharsets.UTF_8));
    return p;
  }

  @Test
  void poisonGoesToErrorsOnceAndGoodRecordsAreUnchanged(LocalKafka kafka) throws Exception {
    List<byte[]> good = new ArrayList<>();
    try (InputStream s = getClass().getResourceAsStream("/detection.jsonl")) {
      new String(s.readAllBytes(), StandardCharsets.UTF_8).lines().forEach(l -> good.add(l.getBytes(StandardCharsets.UTF_8)));
    }
    Map<String, byte[]> poison = poison();

    Map<String, List<String>> clean = runWith(kafka, good);
    List<byte[]> mixed = new ArrayList<>();
    List<byte[]> hostile = new ArrayList<>(poison.values());
    for (int i = 0; i < Math.max(hostile.size(), good.size()); i++) {
      if (i < hostile.size()) {
        mixed.add(hostile.get(i));
      }
      if (i < good.size()) {
        mixed.add(good.get(i));
      }
    }
    Map<String, List<String>> dirty = runWith(kafka, mixed);

    // Good records come out the same (compared without their coordinates, which differ by design).
    assertThat(withoutSource(dirty.get("matched"))).isEqualTo(withoutSource(clean.get("matched")));
    assertThat(withoutSource(dirty.get("unmatched"))).isEqualTo(withoutSource(clean.get("unmatched")));

    // Every poison record once among the errors, with a reason and its bytes (or their digest).
    List<JsonNode> errors = new ArrayList<>();
    for (String e : dirty.get("errors")) {
      errors.add(OutputContract.check(Channel.ERRORS.fileName(), e.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    assertThat(errors).hasSize(poison.size());
    Map<String, Integer> seen = new HashMap<>();
    for (Map.Entry<String, byte[]> bad : poison.entrySet()) {
      byte[] bytes = bad.getValue();
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      for (JsonNode e : errors) {
        boolean same =
            e.path("value_truncated").asBoolean(false)
                ? e.get("value_sha256").asText().equals(sha) && e.get("value_length").asInt() == bytes.length
                : e.has("value_base64") ? java.util.Arrays.equals(Base64.getDecoder().decode(e.get("value_base64").asText()), bytes)
                : bytes.length == 0;
        if (same) {
          seen.merge(bad.getKey(), 1, Integer::sum);
          assertThat(e.get("reason").asText()).as(bad.getKey()).isNotBlank();
          assertThat(e.get("topic").asText()).startsWith("poison.");
        }
      }
    }
    // "empty value" matches every envelope without a value: check the others exactly.
    poison.keySet().stream()
        .filter(k -> !k.equals("empty value"))
        .forEach(k -> assertThat(seen.get(k)).as(k).isEqualTo(1));
  }

  private static List<String> withoutSource(List<String> records) {
    List<String> out = new ArrayList<>();
    for (String r : records) {
      try {
        JsonNode n = JSON.readTree(r);
        if (n.has("enriched")) {
          ((com.fasterxml.jackson.databind.node.ObjectNode) n.get("enriched")).remove("source");
        } else {
          ((com.fasterxml.jackson.databind.node.ObjectNode) n).remove("source");
        }
        out.add(n.toString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    out.sort(null);
    return out;
  }

  private static Map<String, List<String>> runWith(LocalKafka kafka, List<byte[]> values) throws Exception {
    String in = "poison." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopic(in, 2, Map.of("max.message.bytes", "8388608"));
    kafka.createTopics(2, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    try (KafkaProducer<byte[], byte[]> producer =
        KafkaClients.producer(
            kafka.bootstrapServers(), Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024))) {
      for (int i = 0; i < values.size(); i++) {
        producer.send(new ProducerRecord<>(in, i % 2, null, values.get(i))).get();
      }
    }
    assertThat(
            KafkaClients.runPipeline(
                kafka.bootstrapServers(), in, 15, "--kafkaProperties=max.partition.fetch.bytes=16777216"))
        .isEqualTo(PipelineResult.State.DONE);

    Map<String, List<String>> out = new HashMap<>();
    int total = 0;
    var records =
        KafkaClients.readAll(
            kafka.bootstrapServers(),
            List.of(in + ".matched", in + ".unmatched", in + ".errors"),
            values.size(),
            Duration.ofSeconds(30));
    for (var e : records.entrySet()) {
      List<String> topicValues = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : e.getValue()) {
        topicValues.add(new String(r.value(), StandardCharsets.UTF_8));
        total++;
      }
      out.put(e.getKey().substring(e.getKey().lastIndexOf('.') + 1), topicValues);
    }
    assertThat(total).as("every input record comes out once").isEqualTo(values.size());
    return out;
  }
}
