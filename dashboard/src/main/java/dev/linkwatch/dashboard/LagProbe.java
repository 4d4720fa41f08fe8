package dev.linkwatch.dashboard;

import dev.linkwatch.metrics.MetricsText;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The job's consumer lag: per input partition, the end offset minus the offset the job's consumer
 * group has committed (KafkaIO commits when a checkpoint is finalized). Asked of the broker at each
 * scrape; a probe that fails says so in {@code linkwatch_consumer_lag_up} instead of failing /metrics.
 */
final class LagProbe implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 5;
  private final Properties properties = new Properties();
  private final String group;
  /** Made at the first scrape: a dashboard nobody scrapes holds no admin client. */
  private Admin admin;

  LagProbe(Map<String, Object> kafka, String group) {
    properties.putAll(kafka);
    properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "linkwatch-dashboard-lag");
    this.group = group;
  }

  synchronized void metrics(MetricsText m) {
    if (admin == null) {
      admin = Admin.create(properties);
    }
    m.declare("linkwatch_consumer_lag", "gauge",
        "Input records not yet committed by the job's consumer group, per partition (end offset - committed offset).");
    m.declare("linkwatch_consumer_committed_offset", "gauge", "The job's committed input offset per partition.");
    m.declare("linkwatch_input_end_offset", "gauge", "The input topic's end offset per partition the job has committed on.");
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
      committed.forEach((tp, o) -> {
        if (o != null) {
          ask.put(tp, OffsetSpec.latest());
        }
      });
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          ask.isEmpty() ? Map.of() : admin.listOffsets(ask).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Map<String, TopicPartition> sorted = new TreeMap<>();
      ends.keySet().forEach(tp -> sorted.put(tp.topic() + "\u0000" + String.format("%06d", tp.partition()), tp));
      for (TopicPartition tp : sorted.values()) {
        long end = ends.get(tp).offset();
        long at = committed.get(tp).offset();
        String[] labels = {"group", group, "topic", tp.topic(), "partition", Integer.toString(tp.partition())};
        m.add("linkwatch_consumer_lag", "gauge", "", Math.max(0, end - at), labels);
        m.add("linkwatch_consumer_committed_offset", "gauge", "", at, labels);
        m.add("linkwatch_input_end_offset", "gauge", "", end, labels);
      }
      m.add("linkwatch_consumer_lag_up", "gauge", "1 when the lag could be read from the broker.", 1, "group", group);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      m.add("linkwatch_consumer_lag_up", "gauge", "1 when the lag could be read from the broker.", 0, "group", group);
    }
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close(java.time.Duration.ofSeconds(2));
    }
  }
}
