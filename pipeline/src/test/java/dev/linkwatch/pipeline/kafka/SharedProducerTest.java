package dev.linkwatch.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class SharedProducerTest {
  private static Map<String, Object> config(String clientId) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
        ProducerConfig.CLIENT_ID_CONFIG, clientId,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
  }

  @Test
  void writersWithTheSameSettingsShareOneProducerThatTheLastCloseCloses() {
    int before = SharedProducer.openProducers();
    SharedProducer a = SharedProducer.acquire(config("shared-test"));
    SharedProducer b = SharedProducer.acquire(config("shared-test"));
    SharedProducer other = SharedProducer.acquire(config("shared-test-other"));
    assertThat(SharedProducer.openProducers()).isEqualTo(before + 2);

    a.close();
    a.close(); // a second close of the same handle gives nothing back twice
    assertThat(SharedProducer.openProducers()).isEqualTo(before + 2);
    assertThat(b.metrics()).isNotEmpty(); // still open for b

    b.close();
    assertThat(SharedProducer.openProducers()).isEqualTo(before + 1);
    other.close();
    assertThat(SharedProducer.openProducers()).isEqualTo(before);
  }

  /** Two Flink chains (task threads) must not contend for one producer's partition locks. */
  @Test
  void writersSetUpInAnotherThreadGetAProducerOfTheirOwn() throws Exception {
    int before = SharedProducer.openProducers();
    SharedProducer here = SharedProducer.acquire(config("shared-test-threads"));
    SharedProducer[] there = new SharedProducer[1];
    Thread other = new Thread(() -> there[0] = SharedProducer.acquire(config("shared-test-threads")));
    other.start();
    other.join();
    assertThat(SharedProducer.openProducers()).isEqualTo(before + 2);
    assertThat(there[0].metrics()).isNotSameAs(here.metrics());
    there[0].close();
    here.close();
    assertThat(SharedProducer.openProducers()).isEqualTo(before);
  }

  @Test
  void aSharedProducerRefusesTransactions() {
    try (SharedProducer p = SharedProducer.acquire(config("shared-test-tx"))) {
      assertThatThrownBy(p::initTransactions).isInstanceOf(UnsupportedOperationException.class);
    }
  }
}
