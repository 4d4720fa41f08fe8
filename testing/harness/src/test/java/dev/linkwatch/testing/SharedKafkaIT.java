package dev.linkwatch.testing;

import dev.linkwatch.local.LocalKafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class SharedKafkaIT {

  @Test
  void producesAndConsumesThroughATwoPartitionTopic(LocalKafka kafka) {
    String topic = "tweets-roundtrip";
    kafka.createTopics(2, topic);
    kafka.createTopics(2, topic); // idempotent

    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 100; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "tweet " + i));
      }
      producer.flush();
    }

    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, "roundtrip");
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, String>> got = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (got.size() < 100 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(got::add);
      }
    }

    assertThat(got).hasSize(100);
    assertThat(got).allSatisfy(r -> assertThat(r.value()).isEqualTo("tweet " + r.key().substring(1)));
    assertThat(got.stream().map(ConsumerRecord::value).collect(Collectors.toSet()))
        .hasSize(100).contains("tweet 0", "tweet 99");
    assertThat(got.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
        .isEqualTo(Set.of(0, 1));
  }

  @Test
  void createsTopicsWithConfigs(LocalKafka kafka) throws Exception {
    kafka.createTopic("tweets-append-time", 1, Map.of("message.timestamp.type", "LogAppendTime"));
    try (var admin = org.apache.kafka.clients.admin.Admin.create(
        Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      var resource = new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "tweets-append-time");
      var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
    }
  }
}
