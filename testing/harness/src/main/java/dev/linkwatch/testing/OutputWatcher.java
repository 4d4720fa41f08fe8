package dev.linkwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.pipeline.kafka.KafkaIo;
import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.contract.OutputContract;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the pipeline's outputs while a scenario runs, to time recovery: how many distinct input
 * records have come out so far, and (for the counts topic) when each batch report first appeared.
 * {@link dev.linkwatch.pipeline.kafka.DeliveryCheck} gives the verdict afterwards; this only tells when.
 */
final class OutputWatcher implements AutoCloseable {
  private static final ObjectMapper JSON = OutputContract.STRICT;

  private final String inputTopic;
  private final String countsTopic;
  private final Thread thread;
  private final Set<Long> seen = new HashSet<>();
  /** Batch window end (epoch ms) to the wall time (epoch ms) its first report record arrived here. */
  private final Map<Long, Long> batchFirstReport = new TreeMap<>();
  private volatile boolean running = true;
  private volatile Throwable failure;

  OutputWatcher(String bootstrap, String inputTopic, List<String> recordTopics, String countsTopic) {
    this.inputTopic = inputTopic;
    this.countsTopic = countsTopic;
    List<String> topics = new ArrayList<>(recordTopics);
    if (countsTopic != null) {
      topics.add(countsTopic);
    }
    this.thread = new Thread(() -> run(bootstrap, topics), "output-watcher-" + inputTopic);
    thread.setDaemon(true);
    thread.start();
  }

  private void run(String bootstrap, List<String> topics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "fault-watcher-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : topics) {
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
          parts.add(new TopicPartition(topic, info.partition()));
        }
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.topic().equals(countsTopic)) {
            batchReport(r);
          } else {
            sourceOffset(r);
          }
        }
      }
    } catch (Throwable e) {
      failure = e;
    }
  }

  private void sourceOffset(ConsumerRecord<byte[], byte[]> r) {
    Header topic = r.headers().lastHeader(KafkaIo.HEADER_TOPIC);
    Header partition = r.headers().lastHeader(KafkaIo.HEADER_PARTITION);
    Header offset = r.headers().lastHeader(KafkaIo.HEADER_OFFSET);
    if (topic == null || partition == null || offset == null
        || !inputTopic.equals(new String(topic.value(), java.nio.charset.StandardCharsets.UTF_8))) {
      return;
    }
    long key = ((long) ByteBuffer.wrap(partition.value()).getInt() << 48) | ByteBuffer.wrap(offset.value()).getLong();
    synchronized (this) {
      seen.add(key);
    }
  }

  private void batchReport(ConsumerRecord<byte[], byte[]> r) throws IOException {
    JsonNode n = OutputContract.check(Channel.COUNTS.fileName(), r.value());
    if (!"batch".equals(n.path("scope").asText())) {
      return;
    }
    long end = Instant.parse(n.path("window_end").asText()).toEpochMilli();
    // When it arrived here, not its Kafka timestamp: KafkaIO stamps what it writes with the element's
    // event time (a window's end), which says nothing about when the window closed.
    long now = System.currentTimeMillis();
    synchronized (this) {
      batchFirstReport.merge(end, now, Math::min);
    }
  }

  /** Distinct input records seen on the record topics so far. */
  synchronized long distinct() {
    return seen.size();
  }

  /** Batch window end to the wall time its first report arrived (both epoch ms). */
  synchronized Map<Long, Long> batchReports() {
    return new TreeMap<>(batchFirstReport);
  }

  /**
   * Waits until at least {@code n} distinct input records have come out; returns the
   * {@link System#nanoTime()} at which that was seen, or -1 if {@code max} passed first.
   */
  long awaitDistinct(long n, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (failure != null) {
        throw new IllegalStateException("the output watcher failed", failure);
      }
      if (distinct() >= n) {
        return System.nanoTime();
      }
      Thread.sleep(50);
    }
    return -1;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
