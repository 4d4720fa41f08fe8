package dev.linkwatch.pipeline.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The outputs of one input partition for one writer, written through Kafka transactions. Each
 * transaction also commits, under the writer's own consumer group, the input offset below which
 * everything is written (Kafka's consume-transform-produce pattern), so the output and the progress
 * marker become visible together or not at all.
 *
 * <p>After a restart the job reads the partition again from its last checkpoint, which is never
 * past the marker (the writer commits its open bundle as part of every checkpoint); the records below the
 * marker are then recognised by their offset and dropped. That holds because the records of one
 * input partition reach the writer in offset order (see {@link WriteExactlyOnce}).
 *
 * <p>The transactional id is stable (group and partition), so opening it again aborts whatever a
 * killed predecessor left open and fences a predecessor still alive. Not thread-safe: one bundle
 * at a time.
 */
final class PartitionTransactions implements AutoCloseable {
  private final TopicPartition source;
  private final ConsumerGroupMetadata group;
  private final Producer<byte[], byte[]> producer;
  /** Input offsets below this are in a committed transaction. */
  private long committedUpTo;
  /** The same for the open transaction, once it commits. */
  private long pendingUpTo;
  private Object openFor;

  private PartitionTransactions(
      TopicPartition source, String group, Producer<byte[], byte[]> producer, long committedUpTo) {
    this.source = source;
    this.group = new ConsumerGroupMetadata(group);
    this.producer = producer;
    this.committedUpTo = committedUpTo;
    this.pendingUpTo = committedUpTo;
  }

  /** The transactional id: one per group and input partition, the same in every run of the job. */
  static String transactionalId(String group, TopicPartition source) {
    return group + "." + source.topic() + "-" + source.partition();
  }

  /**
   * Opens the producer (aborting a predecessor's open transaction), then reads how far the group's
   * committed marker is. The order matters: only once nothing of the predecessor is pending does
   * the stable offset read tell the whole story.
   */
  static PartitionTransactions open(
      TopicPartition source,
      String group,
      Map<String, Object> producerConfig,
      Map<String, Object> adminConfig,
      Duration timeout) {
    Map<String, Object> config = new HashMap<>(producerConfig);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(group, source));
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config);
    try {
      producer.initTransactions();
      return new PartitionTransactions(source, group, producer, committed(adminConfig, group, source, timeout));
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
  }

  /** The group's committed offset for {@code source}, waiting out pending transactional commits. */
  static long committed(
      Map<String, Object> adminConfig, String group, TopicPartition source, Duration timeout) {
    try (Admin admin = Admin.create(adminConfig)) {
      OffsetAndMetadata committed =
          admin
              .listConsumerGroupOffsets(
                  Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(java.util.List.of(source))),
                  new ListConsumerGroupOffsetsOptions().requireStable(true))
              .partitionsToOffsetAndMetadata(group)
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(source);
      return committed == null ? 0 : committed.offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted reading the committed offset of " + group, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("cannot read the committed offset of group " + group + " for " + source, e);
    }
  }

  TopicPartition source() {
    return source;
  }

  long committedUpTo() {
    return committedUpTo;
  }

  /**
   * Sends {@code record}, the output of input offset {@code offset}, in the transaction of
   * {@code bundle}; false (and nothing sent) if that offset is already committed. A transaction
   * still open for another bundle belonged to one that failed, and is aborted first.
   */
  boolean send(long offset, ProducerRecord<byte[], byte[]> record, Object bundle) {
    if (offset < committedUpTo) {
      return false;
    }
    if (openFor != null && openFor != bundle) {
      abort();
    }
    if (openFor == null) {
      producer.beginTransaction();
      openFor = bundle;
      pendingUpTo = committedUpTo;
    }
    // A failed send surfaces in commitTransaction, which then throws.
    producer.send(record);
    pendingUpTo = Math.max(pendingUpTo, offset + 1);
    return true;
  }

  /** Commits the open transaction with its marker; nothing to do if none is open. */
  void commit() {
    if (openFor == null) {
      return;
    }
    producer.sendOffsetsToTransaction(Map.of(source, new OffsetAndMetadata(pendingUpTo)), group);
    producer.commitTransaction();
    committedUpTo = pendingUpTo;
    openFor = null;
  }

  private void abort() {
    producer.abortTransaction();
    openFor = null;
    pendingUpTo = committedUpTo;
  }

  /** Closes the producer; an open transaction is left to the next opener (who aborts it) or its timeout. */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
