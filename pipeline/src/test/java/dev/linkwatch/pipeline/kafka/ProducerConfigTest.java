package dev.linkwatch.pipeline.kafka;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchOptions;
import dev.linkwatch.pipeline.Settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The writers' client settings that let them wait out a broker fault (see the fault ITs). */
class ProducerConfigTest {

  @Test
  void writersRetryUntilTheTimeBoundInsteadOfThreeTimes() {
    var config = KafkaIo.producerConfig(Settings.from(ConfigFile.parse()));
    // KafkaIO's own default is retries=3, spent in milliseconds while a thawed broker re-elects leaders.
    assertThat(config)
        .containsEntry(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE)
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000)
        .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);
    // the time bound must outlast one attempt, or the producer refuses the configuration
    assertThat((int) config.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
        .isGreaterThan(30_000 + (int) config.get(ProducerConfig.LINGER_MS_CONFIG));
  }

  @Test
  void theUsersSettingsWin() {
    var config =
        KafkaIo.producerConfig(
            Settings.from(ConfigFile.parse("--kafkaProperties=retries=5,delivery.timeout.ms=60000")));
    assertThat(config)
        .containsEntry(ProducerConfig.RETRIES_CONFIG, "5")
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000")
        .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);
  }

  @Test
  void aTransactionOutlastsTheDeliveryItWaitsFor() {
    var config = KafkaIo.transactional(KafkaIo.producerConfig(Settings.from(ConfigFile.parse())));
    // Else the broker aborts a transaction whose records are still being retried through an outage.
    assertThat((int) config.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG))
        .isGreaterThan((int) config.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
  }

  @Test
  void exactlyOnceRefusesARunnerThatDoesNotKeepPartitionOrder() {
    LinkwatchOptions options = ConfigFile.parse("--runner=DirectRunner", "--exactlyOnce=true");
    assertThatThrownBy(() -> KafkaIo.sinks(options, Settings.from(options)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("exactlyOnce: needs the Flink runner");
  }
}
