package dev.linkwatch.testing;

import dev.linkwatch.local.TweetGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Generated tweets written alike to several topics, record for record into the same partition, so
 * every copy has the same offsets and two runs over two copies can be compared by input coordinates.
 */
public final class ClusterInput {
  private ClusterInput() {}

  /** Writes {@code count} generated tweets (3 % broken) round-robin over {@code partitions} of every topic. */
  public static void produce(String bootstrap, int count, int partitions, long seed, String... topics)
      throws Exception {
    TweetGenerator generator = new TweetGenerator(seed, 0.03, Instant.parse("2017-01-12T00:00:00Z"));
    // Every copy must get the same offsets, so order matters and a retry must not reorder: one request
    // in flight. Not idempotent: after a NOT_LEADER_OR_FOLLOWER on a brand-new topic, Kafka 3.9's
    // idempotent producer kept failing with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout.
    Map<String, Object> ordered =
        Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
            ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, ordered)) {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] value = generator.next().value();
        for (String topic : topics) {
          sent.add(producer.send(new ProducerRecord<>(topic, i % partitions, null, value)));
        }
      }
      for (Future<?> f : sent) {
        f.get();
      }
    }
  }

  /** The pipeline arguments that read {@code in} (bounded, {@code maxReadSeconds}) and write {@code in.*}. */
  public static List<String> pipelineArgs(String bootstrap, String in, int maxReadSeconds) {
    return List.of(
        "--bootstrapServers=" + bootstrap,
        "--inputTopic=" + in,
        "--matchedTopic=" + in + ".matched",
        "--unmatchedTopic=" + in + ".unmatched",
        "--errorsTopic=" + in + ".errors",
        "--countsTopic=" + in + ".counts",
        "--consumerGroup=" + in,
        "--unshorten=false",
        "--printCounts=false",
        "--maxReadSeconds=" + maxReadSeconds);
  }
}
