package dev.linkwatch.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the output topics into a {@link DashboardState} on a thread of its own. It assigns partitions
 * itself (no consumer group, nothing committed, so it never takes records from anyone and a reload of
 * the dashboard shows history): each partition starts {@code history} records before its end. Topics
 * that do not exist yet (the job has not written) are looked for again every few seconds, as are new
 * partitions. Only committed records are read (the job may write with transactions).
 */
final class TopicReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);
  private static final long REDISCOVER_MILLIS = 3_000;

  private final Properties properties;
  /** Made on the reader's thread, so a dashboard that never started holds no client. */
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, DashboardState.Channel> topics;
  private final DashboardState state;
  private final long history;
  private final Thread thread;
  private volatile boolean running = true;

  TopicReader(Map<String, Object> kafka, Map<String, DashboardState.Channel> topics, DashboardState state, long history) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Looking for a topic must not create it (with the broker's defaults) before the job does.
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "linkwatch-dashboard");
    this.properties = p;
    this.topics = Map.copyOf(topics);
    this.state = state;
    this.history = history;
    this.thread = new Thread(this::run, "dashboard-reader");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    consumer = new KafkaConsumer<>(properties);
    if (!running) {
      consumer.close(Duration.ZERO);
      return;
    }
    Set<TopicPartition> assigned = new HashSet<>();
    long nextLook = 0;
    try {
      while (running) {
        if (System.currentTimeMillis() >= nextLook) {
          nextLook = System.currentTimeMillis() + REDISCOVER_MILLIS;
          assign(assigned);
        }
        if (assigned.isEmpty()) {
          Thread.sleep(200);
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
          state.accept(topics.get(r.topic()), r.value(), r.timestamp(), System.currentTimeMillis());
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (RuntimeException e) {
      if (running) {
        LOG.error("the dashboard stopped reading the output topics", e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void assign(Set<TopicPartition> assigned) {
    List<TopicPartition> found = new ArrayList<>();
    for (String topic : topics.keySet()) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        continue; // broker away or topic missing: look again later
      }
      if (infos != null) {
        infos.forEach(i -> found.add(new TopicPartition(i.topic(), i.partition())));
      }
    }
    List<TopicPartition> fresh = found.stream().filter(tp -> !assigned.contains(tp)).toList();
    if (fresh.isEmpty()) {
      return;
    }
    assigned.addAll(fresh);
    consumer.assign(assigned);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(fresh);
    Map<TopicPartition, Long> end = consumer.endOffsets(fresh);
    for (TopicPartition tp : fresh) {
      consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - history));
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    thread.join(5_000);
  }
}
