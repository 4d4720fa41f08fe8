package dev.linkwatch.runners.direct;

import dev.linkwatch.testing.KafkaClients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.pipeline.kafka.KafkaIo;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tweets through a real Kafka broker: produced to an input topic, routed by the pipeline on the
 * DirectRunner with KafkaIO, and read back from the three output topics, every record checked.
 */
@ExtendWith(SharedKafka.class)
class KafkaRoutingIT {
  private static final ObjectMapper JSON = OutputContract.STRICT;

  /** One produced record and where it landed in the input topic. */
  record Sent(int partition, long offset, byte[] value) {}

  @Test
  void routesEveryRecordToItsTopicWithCoordinates(LocalKafka kafka) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String in = "it.tweets." + suffix;
    String matched = in + ".matched";
    String unmatched = in + ".unmatched";
    String errors = in + ".errors";
    kafka.createTopics(2, in, matched, unmatched, errors);

    List<byte[]> values = new ArrayList<>();
    try (InputStream s = getClass().getResourceAsStream("/detection.jsonl")) {
      new String(s.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .forEach(l -> values.add(l.getBytes(StandardCharsets.UTF_8)));
    }
    values.add("{\"delete\":{\"status\":{\"id\":1,\"id_str\":\"1\"}}}".getBytes(StandardCharsets.UTF_8));
    values.add("{\"text\":\"truncated".getBytes(StandardCharsets.UTF_8));
    values.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
    Map<String, Sent> sent = produce(kafka.bootstrapServers(), in, values);

    assertThat(KafkaClients.runPipeline(kafka.bootstrapServers(), in, 10))
        .isEqualTo(PipelineResult.State.DONE);

    Map<String, List<ConsumerRecord<byte[], byte[]>>> out =
        KafkaClients.readAll(
            kafka.bootstrapServers(), List.of(matched, unmatched, errors), values.size(), Duration.ofSeconds(30));

    // Each input record appears exactly once across the three topics, and its headers say where from.
    Map<String, String> topicOf = new HashMap<>();
    out.forEach(
        (topic, records) ->
            records.forEach(
                r -> {
                  String coordinates =
                      new String(r.headers().lastHeader(KafkaIo.HEADER_TOPIC).value(), StandardCharsets.UTF_8)
                          + "/" + ByteBuffer.wrap(r.headers().lastHeader(KafkaIo.HEADER_PARTITION).value()).getInt()
                          + "/" + ByteBuffer.wrap(r.headers().lastHeader(KafkaIo.HEADER_OFFSET).value()).getLong();
                  assertThat(topicOf.put(coordinates, topic)).as("duplicate " + coordinates).isNull();
                }));
    assertThat(topicOf.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
    DeliveryCheck.Report account =
        DeliveryCheck.of(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), in, List.of(matched, unmatched, errors))
            .run();
    assertThat(account.exactlyOnce()).as(account.toText()).isTrue();
    assertThat(account.inputRecords()).isEqualTo(values.size());

    Map<String, String> expectedTopic = new HashMap<>();
    sent.forEach(
        (coordinates, s) -> {
          String text = new String(s.value(), StandardCharsets.UTF_8);
          String where;
          if (text.contains("Shout Out To My Ex") || text.contains("#GloryDays") || text.contains("RT @someone")) {
            where = matched;
          } else if (text.startsWith("{\"created_at\"") || text.startsWith("{\"delete\"")) {
            where = unmatched;
          } else {
            where = errors;
          }
          expectedTopic.put(coordinates, where);
        });
    assertThat(topicOf).isEqualTo(expectedTopic);

    for (ConsumerRecord<byte[], byte[]> r : out.get(matched)) {
      JsonNode t = OutputContract.check(Channel.MATCHED.fileName(), r.value());
      assertThat(t.at("/enriched/match_count").asInt()).isEqualTo(2);
      assertThat(t.at("/enriched/media_details/artist").asText()).isEqualTo("Little Mix");
      String coordinates = t.at("/enriched/source/topic").asText() + "/" + t.at("/enriched/source/partition").asInt() + "/" + t.at("/enriched/source/offset").asLong();
      // the original fields are untouched
      JsonNode original = JSON.readTree(sent.get(coordinates).value());
      original.fieldNames().forEachRemaining(f -> assertThat(t.get(f)).isEqualTo(original.get(f)));
    }
    for (ConsumerRecord<byte[], byte[]> r : out.get(errors)) {
      JsonNode e = OutputContract.check(Channel.ERRORS.fileName(), r.value());
      String coordinates = e.get("topic").asText() + "/" + e.get("partition").asInt() + "/" + e.get("offset").asLong();
      assertThat(java.util.Base64.getDecoder().decode(e.get("value_base64").asText()))
          .isEqualTo(sent.get(coordinates).value());
      assertThat(e.get("step").asText()).isEqualTo("ParseTweet");
      assertThat(e.get("reason").asText()).isNotBlank();
    }
    assertThat(out.get(unmatched))
        .extracting(r -> OutputContract.check(Channel.UNMATCHED.fileName(), r.value()).get("code").asInt())
        .containsExactlyInAnyOrder(-1, -3, -8, 1, 1, -2);
  }

  private static Map<String, Sent> produce(String bootstrap, String topic, List<byte[]> values)
      throws Exception {
    Map<String, Sent> sent = new HashMap<>();
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
      for (int i = 0; i < values.size(); i++) {
        var md = producer.send(new ProducerRecord<>(topic, i % 2, null, values.get(i))).get();
        sent.put(topic + "/" + md.partition() + "/" + md.offset(), new Sent(md.partition(), md.offset(), values.get(i)));
      }
    }
    return sent;
  }
}
