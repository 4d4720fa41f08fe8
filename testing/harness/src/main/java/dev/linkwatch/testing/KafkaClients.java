package dev.linkwatch.testing;

import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** What the integration tests do with Kafka around a pipeline run: produce, run, read back. */
public final class KafkaClients {
  private KafkaClients() {}

  public static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.putAll(extra);
    return new KafkaProducer<>(p);
  }

  public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return producer(bootstrap, Map.of());
  }

  /**
   * Every record on {@code topics}, by topic: read until at least {@code expected} have come and three
   * more polls bring nothing (so duplicates would show), or {@code max} has passed.
   */
  public static Map<String, List<ConsumerRecord<byte[], byte[]>>> readAll(
      String bootstrap, List<String> topics, int expected, Duration max) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Map<String, List<ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
    topics.forEach(t -> out.put(t, new ArrayList<>()));
    int seen = 0;
    long deadline = System.nanoTime() + max.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(topics);
      int quietPolls = 0;
      while (System.nanoTime() < deadline && (seen < expected || quietPolls < 3)) {
        var records = consumer.poll(Duration.ofMillis(500));
        quietPolls = records.isEmpty() ? quietPolls + 1 : 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
          out.get(r.topic()).add(r);
          seen++;
        }
      }
    }
    return out;
  }

  /**
   * Runs the pipeline on the DirectRunner from topic {@code in} to {@code in.matched},
   * {@code in.unmatched}, {@code in.errors} and {@code in.counts}, reading for at most
   * {@code maxReadSeconds}; returns how it ended.
   */
  public static PipelineResult.State runPipeline(
      String bootstrap, String in, int maxReadSeconds, String... extraArgs) {
    List<String> args = new ArrayList<>();
    args.add("--runner=DirectRunner");
    args.addAll(ClusterInput.pipelineArgs(bootstrap, in, maxReadSeconds));
    args.addAll(List.of(extraArgs));
    return LinkwatchPipeline.run(ConfigFile.parse(args.toArray(String[]::new))).waitUntilFinish();
  }
}
