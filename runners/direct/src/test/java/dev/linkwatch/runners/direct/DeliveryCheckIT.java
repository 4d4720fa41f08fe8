package dev.linkwatch.runners.direct;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.pipeline.kafka.KafkaIo;
import dev.linkwatch.testing.KafkaClients;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The verifier itself, on hand-made outputs through a real broker: lost, duplicated, unknown. */
@ExtendWith(SharedKafka.class)
class DeliveryCheckIT {

  @Test
  void countsLostDuplicatedAndUnknownOffsets(LocalKafka kafka) throws Exception {
    String in = "it.verify." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(1, in, in + ".a", in + ".b");
    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(kafka.bootstrapServers())) {
      for (int i = 0; i < 10; i++) {
        p.send(new ProducerRecord<>(in, 0, null, ("in" + i).getBytes(StandardCharsets.UTF_8))).get();
      }
      // offsets 0..8 come out once, 3 twice (across two topics), 9 never, and one names offset 99
      for (int i = 0; i < 9; i++) {
        p.send(output(in + (i % 2 == 0 ? ".a" : ".b"), in, 0, i)).get();
      }
      p.send(output(in + ".a", in, 0, 3)).get();
      p.send(output(in + ".b", in, 0, 99)).get();
      // records without coordinates (e.g. counts) and from other topics are no input's outputs
      p.send(new ProducerRecord<>(in + ".a", new byte[] {1})).get();
    }
    // offset 9 never comes, so the check reads until its limit
    DeliveryCheck.Report report = check(kafka, in, Duration.ofSeconds(6));
    assertThat(report.inputRecords()).isEqualTo(10);
    assertThat(report.outputsPerTopic()).isEqualTo(Map.of(in + ".a", 7L, in + ".b", 5L));
    assertThat(report.lost()).isEqualTo(1);
    assertThat(report.duplicatedOffsets()).isEqualTo(1);
    assertThat(report.extraRecords()).isEqualTo(1);
    assertThat(report.unknown()).isEqualTo(2);
    assertThat(report.noneLost()).isFalse();
    assertThat(report.examples()).contains("lost " + in + "@0:9", "duplicated " + in + "@0:3 x2");
    assertThat(report.toText()).contains("lost       1");
  }

  @Test
  void allOnceIsExactlyOnce(LocalKafka kafka) throws Exception {
    String in = "it.verify." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(2, in, in + ".a", in + ".b");
    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(kafka.bootstrapServers())) {
      for (int part = 0; part < 2; part++) {
        for (int i = 0; i < 5; i++) {
          p.send(new ProducerRecord<>(in, part, null, new byte[] {(byte) i})).get();
          p.send(output(in + ".b", in, part, i)).get();
        }
      }
    }
    DeliveryCheck.Report report = check(kafka, in, Duration.ofSeconds(30));
    assertThat(report.inputRecords()).isEqualTo(10);
    assertThat(report.exactlyOnce()).isTrue();

    try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(kafka.bootstrapServers())) {
      p.send(output(in + ".a", in, 1, 4)).get();
    }
    DeliveryCheck.Report again = check(kafka, in, Duration.ofSeconds(30));
    assertThat(again.noneLost()).isTrue();
    assertThat(again.exactlyOnce()).isFalse();
  }

  private static DeliveryCheck.Report check(LocalKafka kafka, String in, Duration max) {
    return DeliveryCheck.of(
            Map.of("bootstrap.servers", kafka.bootstrapServers()), in, List.of(in + ".a", in + ".b"))
        .waitingAtMost(Duration.ofSeconds(1), max)
        .run();
  }

  private static ProducerRecord<byte[], byte[]> output(String topic, String source, int partition, long offset) {
    RecordHeaders h = new RecordHeaders();
    h.add(KafkaIo.HEADER_TOPIC, source.getBytes(StandardCharsets.UTF_8));
    h.add(KafkaIo.HEADER_PARTITION, ByteBuffer.allocate(4).putInt(partition).array());
    h.add(KafkaIo.HEADER_OFFSET, ByteBuffer.allocate(8).putLong(offset).array());
    return new ProducerRecord<>(topic, null, null, null, "out".getBytes(StandardCharsets.UTF_8), h);
  }
}
