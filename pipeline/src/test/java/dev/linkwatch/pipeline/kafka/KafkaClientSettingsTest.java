package dev.linkwatch.pipeline.kafka;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientSettingsTest {
  private static final String SENTINEL = "S3ntinel-unit-4711";
  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"lw\" password=\""
          + SENTINEL + "\";";

  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("client.properties");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void secretsFromTheFileBecomeProviderReferencesAndKafkaResolvesThem() throws Exception {
    Path f =
        file(
            "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=" + JAAS.replace("\"", "\\\"") + "\n"
                + "ssl.truststore.password=" + SENTINEL + "\n");
    Map<String, Object> props = KafkaClientSettings.of(null, f.toString());
    String abs = f.toAbsolutePath().normalize().toString();
    assertThat(props)
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("sasl.jaas.config", "${file:" + abs + ":sasl.jaas.config}")
        .containsEntry("ssl.truststore.password", "${file:" + abs + ":ssl.truststore.password}")
        .containsEntry("config.providers", "file")
        .containsEntry(
            "config.providers.file.class",
            "org.apache.kafka.common.config.provider.FileConfigProvider");
    assertThat(props.toString()).doesNotContain(SENTINEL);

    // What the Kafka client does with them: the provider reads the real value from the file.
    Map<String, Object> client = new HashMap<>(props);
    client.put("bootstrap.servers", "127.0.0.1:1");
    client.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    client.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    AbstractConfig resolved = new AbstractConfig(ConsumerConfig.configDef(), client, false) {};
    assertThat(resolved.getPassword("sasl.jaas.config").value()).isEqualTo(JAAS);
    assertThat(((Password) resolved.values().get("ssl.truststore.password")).value())
        .isEqualTo(SENTINEL);
  }

  @Test
  void inlineSettingsWinOverTheFile() throws Exception {
    Path f = file("client.id=from-file\nrequest.timeout.ms=1000\n");
    Map<String, Object> props = KafkaClientSettings.of(List.of("client.id=inline"), f.toString());
    assertThat(props).containsEntry("client.id", "inline").containsEntry("request.timeout.ms", "1000");
    assertThat(props).doesNotContainKey("config.providers");
  }

  @Test
  void providersTheUserDeclaresAreKept() throws Exception {
    Path f = file("config.providers=env\nconfig.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider\nssl.key.password=" + SENTINEL + "\n");
    Map<String, Object> props = KafkaClientSettings.of(null, f.toString());
    assertThat(props).containsEntry("config.providers", "env,file");
    Path clash = file("config.providers=file\nconfig.providers.file.class=com.example.Vault\nssl.key.password=" + SENTINEL + "\n");
    assertThatThrownBy(() -> KafkaClientSettings.of(null, clash.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config.providers.file.class")
        .hasMessageNotContaining(SENTINEL);
  }

  @Test
  void badFilesAndKeysFailNamingTheKeyNeverTheSecret() throws Exception {
    assertThatThrownBy(() -> KafkaClientSettings.of(null, dir.resolve("missing.properties").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("kafkaPropertiesFile ")
        .hasMessageContaining("missing.properties")
        .hasMessageContaining("does not exist");
    Path typo = file("security.protocl=SASL_SSL\nsasl.jaas.config=" + SENTINEL + "\n");
    assertThatThrownBy(() -> KafkaClientSettings.of(null, typo.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'security.protocl' is not a Kafka consumer or producer setting")
        .hasMessageNotContaining(SENTINEL);
    Path badValue = file("security.protocol=SASL_PLAINTEX\nsasl.jaas.config=" + SENTINEL + "\n");
    assertThatThrownBy(() -> KafkaClientSettings.of(null, badValue.toString()))
        .hasMessageContaining("'security.protocol'")
        .hasMessageNotContaining(SENTINEL);
    Path badNumber = file("request.timeout.ms=soon\n");
    assertThatThrownBy(() -> KafkaClientSettings.of(null, badNumber.toString()))
        .hasMessageContaining("'request.timeout.ms'");
    Path managed = file("bootstrap.servers=10.0.0.1:9092\n");
    assertThatThrownBy(() -> KafkaClientSettings.of(null, managed.toString()))
        .hasMessageContaining("'bootstrap.servers' is set by linkwatch; use --bootstrapServers");
    Path escape = file("sasl.jaas.config=\\u12G4" + SENTINEL + "\n");
    assertThatThrownBy(() -> KafkaClientSettings.of(null, escape.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("kafkaPropertiesFile ")
        .hasMessageNotContaining(SENTINEL);
  }

  @Test
  void inlineSecretsAreRefusedNamingTheKey() {
    for (String key : List.of("sasl.jaas.config", "ssl.keystore.password", "ssl.key.password",
        "ssl.truststore.certificates", "ssl.keystore.key")) {
      assertThatThrownBy(() -> KafkaClientSettings.of(List.of(key + "=" + SENTINEL), null))
          .as(key)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("'" + key + "' holds a secret")
          .hasMessageNotContaining(SENTINEL);
    }
  }

  @Test
  void everyPasswordTypedKafkaSettingCountsAsSecret() {
    for (ConfigDef def : List.of(ConsumerConfig.configDef(),
        org.apache.kafka.clients.producer.ProducerConfig.configDef())) {
      def.configKeys().values().stream()
          .filter(k -> k.type == ConfigDef.Type.PASSWORD)
          .forEach(k -> assertThat(KafkaClientSettings.isSecret(k.name)).as(k.name).isTrue());
    }
    assertThat(KafkaClientSettings.isSecret("security.protocol")).isFalse();
    assertThat(KafkaClientSettings.isSecret("sasl.mechanism")).isFalse();
  }

  @Test
  void theShortAliasKafkaIsKafkaProperties() {
    LinkwatchOptions o = ConfigFile.parse("--kafka=client.id=a", "--kafka=linger.ms=5");
    assertThat(o.getKafkaProperties()).containsExactly("client.id=a", "linger.ms=5");
  }
}
