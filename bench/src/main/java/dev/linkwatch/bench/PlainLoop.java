package dev.linkwatch.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The skeleton the baselines share: one thread, a plain consumer over every partition of the input
 * topic (or one slot's share of them) from the beginning, one function per record, a plain producer, until the end offsets seen at
 * start are reached (or {@code maxRecords}). No Beam anywhere.
 */
abstract class PlainLoop {
  /** The topics a run reads and writes. */
  record Topics(String input, String matched, String unmatched, String errors) {}

  private final String bootstrap;
  final Topics topics;

  PlainLoop(String bootstrap, Topics topics) {
    this.bootstrap = bootstrap;
    this.topics = topics;
  }

  /** Turns one input record into the output records it makes (normally exactly one). */
  abstract void process(ConsumerRecord<byte[], byte[]> record, List<ProducerRecord<byte[], byte[]>> out)
      throws Exception;

  /** Runs to the end of the topic; returns how many input records were processed. */
  long run(long maxRecords) throws Exception {
    return run(maxRecords, 0, 1, false);
  }

  /** Reads every partition until the JVM is stopped, as a job does (the latency bench). */
  long follow() throws Exception {
    return run(Long.MAX_VALUE, 0, 1, true);
  }

  /**
   * Runs over this slot's share of the input partitions (partition {@code p} when {@code p % slots ==
   * slot}) to their end; {@code limit-all} runs one loop per slot, each on its own thread.
   */
  long run(long maxRecords, int slot, int slots, boolean follow) throws Exception {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    // The same producer settings as linkwatch's Kafka writer, so both pay the same for output.
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000_000 + 65_536);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    long done = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topics.input())) {
        if (info.partition() % slots == slot) {
          partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
      List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(4);
      while (!end.isEmpty() && done < maxRecords) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          out.clear();
          process(r, out);
          for (ProducerRecord<byte[], byte[]> o : out) {
            producer.send(o);
          }
          if (++done >= maxRecords) {
            break;
          }
        }
        if (follow) {
          // As the pipeline flushes once per bundle: what a poll returned is written before the next
          // poll, so no output waits out the producer's linger when the input is quiet.
          producer.flush();
        } else {
          end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        }
      }
      producer.flush();
    }
    return done;
  }
}
