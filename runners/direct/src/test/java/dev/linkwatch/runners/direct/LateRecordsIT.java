package dev.linkwatch.runners.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.SharedKafka;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tweet an hour older than the partition's watermark is too late for its own window: it is still
 * routed, and the counts on the counts topic report it as dropped_late, not lose it.
 */
@ExtendWith(SharedKafka.class)
class LateRecordsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] tweet(long eventMillis, String text) {
    return ("{\"id_str\":\"" + eventMillis + "\",\"text\":\"" + text + "\",\"timestamp_ms\":\"" + eventMillis
            + "\",\"entities\":{\"urls\":[{\"expanded_url\":\"http://mp3.example.net/a\"}]}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aRecordTooLateForItsWindowIsCountedAsDropped(LocalKafka kafka) throws Exception {
    String in = "late." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(1, in, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    long t0 = 1_484_181_390_000L;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(in, 0, null, tweet(t0 + 3_600_000, "Little Mix Touch"))).get();
      producer.send(new ProducerRecord<>(in, 0, null, tweet(t0, "Little Mix Oops"))).get();
    }
    PipelineResult result =
        LinkwatchPipeline.run(
            ConfigFile.parse(
                "--runner=DirectRunner",
                "--bootstrapServers=" + kafka.bootstrapServers(),
                "--inputTopic=" + in,
                "--matchedTopic=" + in + ".matched",
                "--unmatchedTopic=" + in + ".unmatched",
                "--errorsTopic=" + in + ".errors",
                "--countsTopic=" + in + ".counts",
                "--consumerGroup=" + in,
                "--unshorten=false",
                "--printCounts=false",
                "--windowSeconds=30",
                "--maxReadSeconds=8"));
    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);

    List<JsonNode> batch = new ArrayList<>();
    List<String> matched = new ArrayList<>();
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + in);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of(in + ".counts", in + ".matched"));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      int quiet = 0;
      while (System.nanoTime() < deadline && quiet < 4) {
        var records = consumer.poll(Duration.ofMillis(500));
        quiet = records.isEmpty() ? quiet + 1 : 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (r.topic().endsWith(".matched")) {
            matched.add(new String(r.value(), StandardCharsets.UTF_8));
          } else {
            JsonNode n = JSON.readTree(r.value());
            if (n.get("scope").asText().equals("batch")) {
              batch.add(n);
            }
          }
        }
      }
    }
    // Both tweets are routed: being late for the counts changes nothing about detection.
    assertThat(matched).hasSize(2);
    // The late one is counted as dropped_late in the batch holding the watermark (t0 + 1 h - 30 s),
    // next to the on-time one, and its own hour-old window never appears.
    String lateBatchEnd = java.time.Instant.ofEpochMilli((t0 + 3_600_000 - 30_000) / 30_000 * 30_000 + 30_000).toString();
    assertThat(batch)
        .filteredOn(n -> n.get("metric").asText().equals("dropped_late") && n.get("count").asInt() == 1)
        .extracting(n -> n.get("window_end").asText())
        .containsExactly(lateBatchEnd);
    assertThat(batch)
        .filteredOn(n -> n.get("metric").asText().equals("inbound"))
        .extracting(n -> n.get("window_end").asText() + "=" + n.get("count").asInt())
        .doesNotContain(java.time.Instant.ofEpochMilli(t0 / 30_000 * 30_000 + 30_000).toString() + "=1");
  }
}
