package dev.linkwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `linkwatch topics`: reading topics without Kafka's console tools. */
@Command(
    name = "topics",
    header = "Read topics without Kafka's console tools.",
    description = "Read topics without Kafka's console tools.",
    mixinStandardHelpOptions = true,
    subcommands = {TopicsCommand.Tail.class})
final class TopicsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("linkwatch topics: say tail NAME (linkwatch topics tail --help)");
    return Main.EXIT_USAGE;
  }

  @Command(
      name = "tail",
      header = "Print a topic's records, one JSON value per line.",
      description = {
        "Print a topic's records, one JSON value per line (non-JSON values as text).",
        "--fields picks fields by path, like jq: --fields=text,enriched.media_details.artist"
      },
      mixinStandardHelpOptions = true)
  static final class Tail implements Callable<Integer> {
    @Parameters(index = "0", description = "The topic, e.g. tweets.matched")
    String topic;

    @Option(names = "--bootstrapServers", description = "Kafka to read (default: the local broker, else 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--fields", split = ",", description = "Dotted paths to print, tab-separated.")
    List<String> fields;

    @Option(names = "--max", defaultValue = "0", description = "Stop after this many records (0: no limit).")
    long max;

    @Option(names = "--idle-seconds", defaultValue = "0", description = "Stop after this many seconds without a record (0: never).")
    int idleSeconds;

    @Option(names = "--from-beginning", defaultValue = "true", negatable = true, description = "Start at the oldest record (default) or only new ones.")
    boolean fromBeginning;

    @Override
    public Integer call() {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalState.bootstrap(bootstrapServers));
      p.put(ConsumerConfig.GROUP_ID_CONFIG, "linkwatch-tail-" + System.nanoTime());
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      ObjectMapper json = new ObjectMapper();
      long seen = 0;
      long lastRecord = System.nanoTime();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
        consumer.subscribe(List.of(topic));
        while (max == 0 || seen < max) {
          var records = consumer.poll(Duration.ofMillis(500));
          if (records.isEmpty()) {
            if (idleSeconds > 0 && System.nanoTime() - lastRecord > idleSeconds * 1_000_000_000L) {
              break;
            }
            continue;
          }
          lastRecord = System.nanoTime();
          for (ConsumerRecord<byte[], byte[]> r : records) {
            System.out.println(render(json, r.value()));
            if (max > 0 && ++seen >= max) {
              break;
            }
          }
        }
      }
      return Main.EXIT_OK;
    }

    String render(ObjectMapper json, byte[] value) {
      if (value == null) {
        return "null";
      }
      JsonNode node;
      try {
        node = json.readTree(value);
      } catch (IOException e) {
        return new String(value, StandardCharsets.UTF_8);
      }
      if (fields == null || fields.isEmpty()) {
        return node.toString();
      }
      StringBuilder sb = new StringBuilder();
      for (String f : fields) {
        if (sb.length() > 0) {
          sb.append('\t');
        }
        JsonNode v = node.at("/" + f.trim().replace('.', '/'));
        sb.append(v.isMissingNode() ? "null" : v.isValueNode() ? v.asText() : v.toString());
      }
      return sb.toString();
    }
  }
}
