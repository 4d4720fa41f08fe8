package dev.linkwatch.sources;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The bridges' Kafka side: an idempotent producer with {@code acks=all}, so an acknowledged record is
 * on every in-sync replica once, and the first failed send remembered, because a bridge that went on
 * after a lost record would save a cursor past it. {@link #flush()} returns once everything sent before
 * it is acknowledged, and throws if anything failed.
 */
public final class KafkaWriter implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  /**
   * @param compression the producer's {@code compression.type}: none, gzip, snappy, lz4 or zstd
   * @param extra further producer settings (security, timeouts); they win over the defaults here
   */
  public KafkaWriter(String bootstrapServers, String topic, String compression, Map<String, Object> extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    p.putAll(extra);
    this.producer = new KafkaProducer<>(p);
    this.topic = topic;
  }

  public String topic() {
    return topic;
  }

  /** Sends one record (key may be null); a failure surfaces at the next {@link #flush()} or {@link #check()}. */
  public void send(byte[] key, byte[] value) {
    check();
    producer.send(
        new ProducerRecord<>(topic, key, value),
        (metadata, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
  }

  /** Waits until every record sent so far is acknowledged; throws when any send failed. */
  public void flush() {
    producer.flush();
    check();
  }

  /** Throws when a send has failed. */
  public void check() {
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("a write to Kafka topic " + topic + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
