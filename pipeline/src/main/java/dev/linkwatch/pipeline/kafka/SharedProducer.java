package dev.linkwatch.pipeline.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * One Kafka producer per thread and client configuration, handed to every KafkaIO writer that thread
 * sets up.
 *
 * <p>KafkaIO opens a producer per writer instance: with five writers in each of two parallel chains,
 * ten producers, each with its own network thread, buffer and half-full batches, on a machine whose
 * cores the pipeline threads need. Kafka's producer is thread-safe and meant to be shared; records to
 * many topics travel in one request. On Flink a chain's writers are set up and run in its task
 * thread, so they share one producer. Why not one for the whole JVM: the producer appends (and
 * compresses) under a lock per output partition, and the two chains waited for each other there (a
 * wall-clock profile of {@code bench e2e}, see docs/benchmarks.md); a chain's flush also waited for
 * the other chain's records. Each handle's {@code close()} gives its share back, and the last one
 * closes the producer. Not for transactions (the exactly-once writer makes its own producers).
 *
 * <p>{@code flush()} returns at once when every record sent through this handle is already
 * acknowledged, and otherwise flushes the producer (which waits for all records, other writers' too).
 * Why: KafkaIO's writers flush at the end of every bundle, and on Flink the five writers of one
 * chain end their bundles one after the other. Kafka's flush waits for whatever was appended
 * meanwhile, so five flushes in a row cost up to five broker round trips per bundle; the first one
 * already covered the records of all five.
 */
final class SharedProducer implements Producer<byte[], byte[]> {
  private static final Map<Key, Entry> OPEN = new HashMap<>();

  /** A configuration and the thread that set up its writers. */
  private record Key(Map<String, Object> config, Thread thread) {}

  /** Above this many, acknowledged sends are dropped from {@link #unflushed} before adding more. */
  private static final int PRUNE_AT = 4096;

  private final Entry entry;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ArrayDeque<Future<RecordMetadata>> unflushed = new ArrayDeque<>();

  private SharedProducer(Entry entry) {
    this.entry = entry;
  }

  /** KafkaIO's {@code withProducerFactoryFn}: a handle on the shared producer for this configuration. */
  static SerializableFunction<Map<String, Object>, Producer<byte[], byte[]>> factory() {
    return SharedProducer::acquire;
  }

  static SharedProducer acquire(Map<String, Object> config) {
    Key key = new Key(Map.copyOf(config), Thread.currentThread());
    synchronized (OPEN) {
      Entry e = OPEN.computeIfAbsent(key, k -> new Entry(k, new KafkaProducer<>(new HashMap<>(k.config()))));
      e.handles++;
      return new SharedProducer(e);
    }
  }

  /** Producers open in this JVM (for tests). */
  static int openProducers() {
    synchronized (OPEN) {
      return OPEN.size();
    }
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
    return remember(entry.producer.send(record));
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
    return remember(entry.producer.send(record, callback));
  }

  private synchronized Future<RecordMetadata> remember(Future<RecordMetadata> sent) {
    if (unflushed.size() >= PRUNE_AT) {
      unflushed.removeIf(Future::isDone);
    }
    unflushed.add(sent);
    return sent;
  }

  @Override
  public void flush() {
    synchronized (this) {
      unflushed.removeIf(Future::isDone);
      if (unflushed.isEmpty()) {
        return;
      }
    }
    entry.producer.flush();
    synchronized (this) {
      // Everything sent before the producer's flush began is now done; sends made during it may not
      // be, and stay for the next flush.
      unflushed.removeIf(Future::isDone);
    }
  }

  /** Sends through this handle not yet known to be acknowledged (for tests). */
  synchronized int unflushedCount() {
    unflushed.removeIf(Future::isDone);
    return unflushed.size();
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic) {
    return entry.producer.partitionsFor(topic);
  }

  @Override
  public Map<MetricName, ? extends Metric> metrics() {
    return entry.producer.metrics();
  }

  @Override
  public Uuid clientInstanceId(Duration timeout) {
    return entry.producer.clientInstanceId(timeout);
  }

  @Override
  public void close() {
    release(null);
  }

  @Override
  public void close(Duration timeout) {
    release(timeout);
  }

  private void release(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    KafkaProducer<byte[], byte[]> last = null;
    synchronized (OPEN) {
      if (--entry.handles == 0) {
        OPEN.remove(entry.key);
        last = entry.producer;
      }
    }
    if (last != null) {
      if (timeout == null) {
        last.close();
      } else {
        last.close(timeout);
      }
    }
  }

  @Override
  public void initTransactions() {
    throw noTransactions();
  }

  @Override
  public void beginTransaction() {
    throw noTransactions();
  }

  @Override
  @SuppressWarnings("deprecation")
  public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, String groupId) {
    throw noTransactions();
  }

  @Override
  public void sendOffsetsToTransaction(
      Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
    throw noTransactions();
  }

  @Override
  public void commitTransaction() {
    throw noTransactions();
  }

  @Override
  public void abortTransaction() {
    throw noTransactions();
  }

  private static UnsupportedOperationException noTransactions() {
    return new UnsupportedOperationException("a shared producer carries no transactions");
  }

  private static final class Entry {
    final Key key;
    final KafkaProducer<byte[], byte[]> producer;
    int handles;

    Entry(Key key, KafkaProducer<byte[], byte[]> producer) {
      this.key = key;
      this.producer = producer;
    }
  }
}
