package dev.linkwatch.runners.direct;

import dev.linkwatch.testing.KafkaClients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tweet an hour older than the partition's watermark is too late for its own window: it is still
 * routed, and the counts on the counts topic report it as dropped_late, not lose it.
 */
@ExtendWith(SharedKafka.class)
class LateRecordsIT {
  private static final ObjectMapper JSON = OutputContract.STRICT;

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
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
      producer.send(new ProducerRecord<>(in, 0, null, tweet(t0 + 3_600_000, "Little Mix Touch"))).get();
      producer.send(new ProducerRecord<>(in, 0, null, tweet(t0, "Little Mix Oops"))).get();
    }
    assertThat(KafkaClients.runPipeline(kafka.bootstrapServers(), in, 8, "--windowSeconds=30"))
        .isEqualTo(PipelineResult.State.DONE);

    List<JsonNode> batch = new ArrayList<>();
    List<String> matched = new ArrayList<>();
    var records =
        KafkaClients.readAll(
            kafka.bootstrapServers(), List.of(in + ".counts", in + ".matched"), 0, Duration.ofSeconds(20));
    for (ConsumerRecord<byte[], byte[]> r : records.get(in + ".matched")) {
      matched.add(new String(r.value(), StandardCharsets.UTF_8));
    }
    for (ConsumerRecord<byte[], byte[]> r : records.get(in + ".counts")) {
      JsonNode n = OutputContract.check(Channel.COUNTS.fileName(), r.value());
      if (n.get("scope").asText().equals("batch")) {
        batch.add(n);
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
