package dev.linkwatch.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedProducer#flush()} against a real broker that is frozen (SIGSTOP) mid-test: a handle
 * whose own sends are all acknowledged must not wait for another handle's record, and the other
 * handle's flush must still wait for its record. In this module (not the pipeline's) because it
 * needs a broker of its own; in SharedProducer's package because the class is package-private.
 */
class SharedProducerFlushIT {
  private static final String TOPIC = "shared.flush";

  @Test
  void aHandleFlushesOnlyWhatItSentAndTheOtherStillWaitsForItsRecord() throws Exception {
    ExecutorService flusher = Executors.newSingleThreadExecutor();
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(1, TOPIC);
      Map<String, Object> config =
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
              ProducerConfig.CLIENT_ID_CONFIG, "shared-flush-it",
              ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
              ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      try (SharedProducer a = SharedProducer.acquire(config);
          SharedProducer b = SharedProducer.acquire(config)) {
        a.send(record("a0")).get(60, TimeUnit.SECONDS); // metadata known: later sends do not block
        b.send(record("b0")).get(60, TimeUnit.SECONDS);
        a.send(record("a1"));
        a.flush();
        assertThat(a.unflushedCount()).isZero();

        Future<RecordMetadata> held;
        kafka.faults().pause();
        try {
          held = b.send(record("b1")); // cannot be acknowledged while the broker is frozen
          // Kafka's own flush would wait here for b1 until the broker came back.
          flusher.submit(a::flush).get(60, TimeUnit.SECONDS);
          assertThat(held).isNotDone();
          assertThat(b.unflushedCount()).isEqualTo(1);
        } finally {
          kafka.faults().resume();
        }
        b.flush();
        assertThat(held).isDone();
        assertThat(held.get().offset()).isEqualTo(3);
        assertThat(b.unflushedCount()).isZero();
      }
      assertThat(endOffset(kafka.bootstrapServers())).isEqualTo(4);
    } finally {
      flusher.shutdownNow();
    }
  }

  private static ProducerRecord<byte[], byte[]> record(String value) {
    return new ProducerRecord<>(TOPIC, 0, null, value.getBytes(StandardCharsets.UTF_8));
  }

  private static long endOffset(String bootstrap) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config)) {
      TopicPartition p = new TopicPartition(TOPIC, 0);
      return c.endOffsets(java.util.List.of(p)).get(p);
    }
  }
}
