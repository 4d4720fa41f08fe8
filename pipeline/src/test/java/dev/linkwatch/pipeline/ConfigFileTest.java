package dev.linkwatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
  @TempDir Path dir;

  private Path yaml(String text) throws Exception {
    Path f = dir.resolve("linkwatch.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void fileValuesApplyAndFlagsWin() throws Exception {
    Path f = yaml("minMatches: 3\nwhitelist: [spotify.com, deezer.com]\nmatchedTopic: hits\n");
    LinkwatchOptions o = ConfigFile.parse("--config=" + f, "--minMatches=1");
    assertThat(o.getMinMatches()).isEqualTo(1);
    assertThat(o.getWhitelist()).containsExactly("spotify.com", "deezer.com");
    assertThat(o.getMatchedTopic()).isEqualTo("hits");
  }

  @Test
  void unknownKeyFailsNamingItAndTheClosestKnownKey() throws Exception {
    Path f = yaml("minMatchs: 3\n");
    assertThatThrownBy(() -> ConfigFile.parse("--config=" + f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'minMatchs'")
        .hasMessageContaining("did you mean 'minMatches'");
  }

  @Test
  void badValuesFailAtStartNamingTheKey() throws Exception {
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--minMatches=0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("minMatches");
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--startOffset=middle")))
        .hasMessageStartingWith("startOffset");
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--catalog=/no/such/file.csv")))
        .hasMessageStartingWith("catalog")
        .hasMessageContaining("/no/such/file.csv");
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--matchedTopic=bad topic!")))
        .hasMessageStartingWith("matchedTopic");
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--whitelist=spotify.com,http://x/")))
        .hasMessageStartingWith("whitelist");
    assertThatThrownBy(() -> ConfigFile.parse("--minMatches=two"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("minMatches");
  }

  @Test
  void aRepeatedSingleValueFailsNamingItButListsAccumulate() {
    assertThatThrownBy(() -> ConfigFile.parse("--batchSeconds=30", "--minMatches=2", "--batchSeconds=10"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("option --batchSeconds is given more than once (30, then 10): give it once");
    assertThatThrownBy(() -> ConfigFile.parse("--min-matches=2", "--minMatches=3"))
        .hasMessageStartingWith("option --minMatches is given more than once (2, then 3)");
    LinkwatchOptions o = ConfigFile.parse("--whitelist=spotify.com", "--whitelist=deezer.com");
    assertThat(o.getWhitelist()).containsExactly("spotify.com", "deezer.com");
  }

  @Test
  void aCallersDefaultsGiveWayToFlagsInEitherSpellingAndToTheConfigFile() throws Exception {
    java.util.List<String> defaults = java.util.List.of("--batchSeconds=10", "--minMatches=2", "--whitelist=spotify.com");
    Path f = yaml("minMatches: 3\n");
    LinkwatchOptions o =
        ConfigFile.parse(defaults, java.util.List.of("--batch-seconds", "30", "--config=" + f, "--whitelist=deezer.com"));
    assertThat(o.getBatchSeconds()).isEqualTo(30);
    assertThat(o.getMinMatches()).isEqualTo(3);
    assertThat(o.getWhitelist()).containsExactly("deezer.com");
    assertThat(ConfigFile.parse(defaults, java.util.List.of()).getBatchSeconds()).isEqualTo(10);
  }

  @Test
  void inputFormatAndSeveralInputTopics() throws Exception {
    Settings s = Settings.from(ConfigFile.parse("--inputFormat=Bluesky", "--inputTopic=jetstream,tweets"));
    assertThat(s.inputFormat()).isEqualTo(dev.linkwatch.core.RecordFormat.BLUESKY);
    assertThat(Settings.from(ConfigFile.parse()).inputFormat())
        .isEqualTo(dev.linkwatch.core.RecordFormat.AUTO);
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--inputFormat=threads")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("inputFormat");
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--inputTopic=a,,b")))
        .hasMessageStartingWith("inputTopic");
  }

  @Test
  void aYamlMappingValueIsRefused() throws Exception {
    Path f = yaml("whitelist:\n  a: b\n");
    assertThatThrownBy(() -> ConfigFile.parse("--config=" + f))
        .hasMessageContaining("key 'whitelist' must be a value or a list");
  }

  @Test
  void inlineSecretsAreRefusedButProviderReferencesPass() {
    assertThatThrownBy(
            () ->
                Settings.from(
                    ConfigFile.parse(
                        "--kafkaProperties=sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"sentinel-pw\";")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sasl.jaas.config' holds a secret")
        .hasMessageNotContaining("sentinel-pw");
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--kafkaProperties=ssl.truststore.password=sentinel-pw")))
        .hasMessageNotContaining("sentinel-pw");
    Settings ok =
        Settings.from(
            ConfigFile.parse(
                "--kafkaProperties=config.providers=file,ssl.truststore.password=${file:/etc/lw.properties:pw},security.protocol=SSL"));
    assertThat(ok.kafkaProperties())
        .containsEntry("ssl.truststore.password", "${file:/etc/lw.properties:pw}")
        .containsEntry("security.protocol", "SSL");
  }

  @Test
  void kafkaPropertiesNeverEchoTheirValues() {
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--kafkaProperties=sasl.password-s3cret")))
        .hasMessageStartingWith("kafkaProperties")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void catalogSourcesAreCheckedAtStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--catalog=kafka:labels,builtin:original")))
        .hasMessage("catalog: kafka:labels must be the only catalog named");
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--catalog=kafka:bad/topic")))
        .hasMessage("catalog: 'bad/topic' is not a valid Kafka topic name");
    assertThatThrownBy(() -> Settings.from(ConfigFile.parse("--catalogRefreshSeconds=-1")))
        .hasMessageStartingWith("catalogRefreshSeconds must be 0 (never) or more");
    // a directory: its .json and .csv files, watched
    java.nio.file.Files.writeString(dir.resolve("a.csv"), "artist\nQueen\n");
    java.nio.file.Files.writeString(dir.resolve("b.json"), "[{\"tag\":\"track\",\"value\":\"Touch\"}]");
    java.nio.file.Files.writeString(dir.resolve("notes.txt"), "not a catalog");
    Settings s = Settings.from(ConfigFile.parse("--catalog=" + dir, "--catalogRefreshSeconds=5"));
    assertThat(s.catalog().size()).isEqualTo(2);
    assertThat(s.catalogFeed()).isInstanceOf(dev.linkwatch.core.CatalogFiles.class);
    assertThat(s.catalogRefresh()).isEqualTo(java.time.Duration.ofSeconds(5));
    // built-ins alone never change: a fixed feed
    assertThat(Settings.from(ConfigFile.parse("--catalog=builtin:original")).catalogFeed())
        .isInstanceOf(dev.linkwatch.core.CatalogFeed.Fixed.class);
  }
}
