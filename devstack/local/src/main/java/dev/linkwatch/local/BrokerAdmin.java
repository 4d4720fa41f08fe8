package dev.linkwatch.local;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The admin work on a local broker: an {@link Admin} with short timeouts for loopback, and creating
 * topics that are ready to take writes when it returns.
 */
final class BrokerAdmin {
  private BrokerAdmin() {}

  static Admin admin(String bootstrap, int timeoutMs) {
    Properties p = new Properties();
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
    p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(Math.max(timeoutMs, 5_000)));
    p.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
    p.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    p.setProperty(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "linkwatch-local-kafka");
    return Admin.create(p);
  }

  static void createTopics(String bootstrap, int partitions, String... names) {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : names) {
      topics.add(new NewTopic(name, partitions, (short) 1));
    }
    create(bootstrap, topics);
  }

  static void createTopic(String bootstrap, String name, int partitions, Map<String, String> configs) {
    create(bootstrap, List.of(new NewTopic(name, partitions, (short) 1).configs(configs)));
  }

  private static void create(String bootstrap, List<NewTopic> topics) {
    if (topics.isEmpty()) {
      return;
    }
    List<String> names = topics.stream().map(NewTopic::name).toList();
    try (Admin admin = admin(bootstrap, 10_000)) {
      CreateTopicsResult result = admin.createTopics(topics);
      for (Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
        try {
          e.getValue().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause(), ex);
          }
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          Map<String, TopicDescription> described =
              admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
          boolean ready = described.values().stream()
              .flatMap(d -> d.partitions().stream())
              .map(TopicPartitionInfo::leader)
              .allMatch(l -> l != null && !l.isEmpty());
          if (ready && described.keySet().containsAll(names) && leadersServe(admin, described)) {
            return;
          }
        } catch (ExecutionException ex) {
          // metadata not propagated yet (UnknownTopicOrPartition): retry
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topics " + names + " have no leaders after 30 s");
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while creating topics " + names, ex);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics " + names, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out creating topics " + names, e);
    }
  }

  /**
   * Whether every partition's leader already serves it. The controller names a leader before the
   * broker has taken the partition over; a first write in that gap gets NOT_LEADER_OR_FOLLOWER, after
   * which Kafka 3.9's idempotent producer retried with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery
   * timeout (seen in SparkClusterIT and FlinkClusterIT). A ListOffsets request is answered by the
   * leader's replica manager, so it succeeds only once the partition can take writes.
   */
  private static boolean leadersServe(Admin admin, Map<String, TopicDescription> described)
      throws InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    described.forEach(
        (name, d) ->
            d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    try {
      admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      return false;
    }
  }
}
