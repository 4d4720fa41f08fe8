package dev.linkwatch.cli;

import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.CatalogEntry;
import dev.linkwatch.core.CatalogException;
import dev.linkwatch.core.CatalogJson;
import dev.linkwatch.core.CatalogTopic;
import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.Settings;
import dev.linkwatch.pipeline.kafka.KafkaClientSettings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `linkwatch catalog`: the catalog topic a running job watches ({@code --catalog=kafka:TOPIC}). */
@Command(
    name = "catalog",
    header = "Manage the catalog topic a running job watches.",
    description = "Manage the catalog topic a running job watches (--catalog=kafka:TOPIC).",
    mixinStandardHelpOptions = true,
    subcommands = {CatalogCommand.Push.class})
public final class CatalogCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("linkwatch catalog: say push FILE (linkwatch catalog push --help)");
    return Main.EXIT_USAGE;
  }

  /** What a push changed in the topic. */
  public record Diff(int added, int removed, int changed, int unchanged) {
    String toText() {
      return "added " + added + ", removed " + removed + ", changed " + changed + ", unchanged "
          + unchanged;
    }
  }

  @Command(
      name = "push",
      header = "Make a catalog topic hold exactly the entries of catalog files.",
      description = {
        "Make a compacted catalog topic hold exactly the entries of CSV/JSON catalog files: writes",
        "new and changed entries and a tombstone for each entry no longer listed, nothing else,",
        "and prints what changed. Creates the topic (compacted) when it is missing. Running jobs",
        "with --catalog=kafka:TOPIC take the new catalog within --catalogRefreshSeconds."
      },
      mixinStandardHelpOptions = true)
  static final class Push implements Callable<Integer> {
    @Parameters(arity = "1..*", description = "Catalog files or directories (.json filters, .csv)")
    List<String> files;

    @Option(names = "--topic", defaultValue = "catalog", description = "The catalog topic (default: catalog).")
    String topic;

    @Option(names = "--bootstrapServers", description = "Kafka (default: the local broker, else 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--kafkaPropertiesFile", description = "Kafka client settings (security), as for run.")
    String kafkaPropertiesFile;

    @Override
    public Integer call() {
      Catalog catalog = Settings.loadCatalog(files);
      Map<String, Object> client =
          new LinkedHashMap<>(KafkaClientSettings.of(null, kafkaPropertiesFile));
      client.put("bootstrap.servers", LocalState.bootstrap(bootstrapServers));
      Diff diff = push(client, topic, catalog);
      System.out.println(
          "catalog " + catalog.version() + " (" + catalog.size() + " entries) pushed to " + topic
              + ": " + diff.toText());
      return Main.EXIT_OK;
    }
  }

  /**
   * Makes {@code topic} hold exactly {@code catalog}: one record per entry keyed by {@link
   * CatalogTopic#keyOf}, written only where the value differs, and a tombstone per key that is no
   * longer in the catalog. Creates the topic compacted with one partition when it is missing.
   */
  public static Diff push(Map<String, Object> client, String topic, Catalog catalog) {
    createCompacted(client, topic);
    Map<String, String> settings = new TreeMap<>();
    client.forEach((k, v) -> settings.put(k, String.valueOf(v)));
    Map<String, byte[]> current;
    try {
      current = new CatalogTopic(topic, settings).contents();
    } catch (CatalogException e) {
      throw new ConfigException("catalog push: " + e.getMessage(), e);
    }
    Map<String, byte[]> wanted = new TreeMap<>();
    for (CatalogEntry e : catalog.entries()) {
      wanted.put(CatalogTopic.keyOf(e), CatalogJson.write(e));
    }
    int added = 0;
    int changed = 0;
    int removed = 0;
    Properties p = new Properties();
    p.putAll(client);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (var e : wanted.entrySet()) {
        byte[] was = current.get(e.getKey());
        if (was == null) {
          added++;
        } else if (!Arrays.equals(was, e.getValue())) {
          changed++;
        } else {
          continue;
        }
        producer.send(new ProducerRecord<>(topic, key(e.getKey()), e.getValue()));
      }
      for (String key : current.keySet()) {
        if (!wanted.containsKey(key)) {
          removed++;
          producer.send(new ProducerRecord<>(topic, key(key), null));
        }
      }
      producer.flush();
    }
    return new Diff(added, removed, changed, wanted.size() - added - changed);
  }

  private static byte[] key(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /** Creates the topic compacted with one partition (one order for all entries) unless it exists. */
  static void createCompacted(Map<String, Object> client, String topic) {
    try (Admin admin = Admin.create(client)) {
      if (admin.listTopics().names().get().contains(topic)) {
        return;
      }
      NewTopic t =
          new NewTopic(topic, Optional.of(1), Optional.empty())
              .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(Set.of(t)).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new ConfigException("catalog push: cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
