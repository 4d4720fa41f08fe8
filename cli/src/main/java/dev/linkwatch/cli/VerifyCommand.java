package dev.linkwatch.cli;

import dev.linkwatch.pipeline.kafka.DeliveryCheck;

import dev.linkwatch.pipeline.kafka.KafkaClientSettings;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code linkwatch verify}: did every input record come out, and how often? */
@Command(
    name = "verify",
    header = "Check that every input record came out (and, with --exactly-once, once).",
    description = {
      "Reads the input topic and the matched, unmatched and error topics back and counts, per input"
          + " offset, the output records that name it (headers linkwatch.source.*). Exit 0 when none is lost"
          + " (with --exactly-once: and none duplicated), 1 otherwise."
    },
    mixinStandardHelpOptions = true)
final class VerifyCommand implements Callable<Integer> {
  @Option(names = "--bootstrapServers", description = "Kafka to read (default: the local broker, else 127.0.0.1:9092).")
  String bootstrapServers;

  @Option(names = "--inputTopic", defaultValue = "tweets", description = "The pipeline's input topic (default ${DEFAULT-VALUE}).")
  String inputTopic;

  @Option(
      names = "--outputs",
      split = ",",
      description = "Output topics (default: <inputTopic>.matched, .unmatched, .errors).")
  List<String> outputs;

  @Option(names = "--exactly-once", description = "Read committed records only and fail on duplicates too.")
  boolean exactlyOnce;

  @Option(names = "--quiet-seconds", defaultValue = "3", description = "Stop once all offsets came and nothing new arrived for this long (default ${DEFAULT-VALUE}).")
  int quietSeconds;

  @Option(names = "--max-seconds", defaultValue = "120", description = "Give up reading after this long (default ${DEFAULT-VALUE}).")
  int maxSeconds;

  @Option(names = "--kafkaProperties", split = ",", description = "Extra client settings, key=value (as for run).")
  List<String> kafkaProperties;

  @Option(names = "--kafkaPropertiesFile", description = "A Kafka client properties file (as for run).")
  String kafkaPropertiesFile;

  @Override
  public Integer call() {
    Map<String, Object> client = new HashMap<>(KafkaClientSettings.of(kafkaProperties, kafkaPropertiesFile));
    client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalState.bootstrap(bootstrapServers));
    List<String> topics =
        outputs != null && !outputs.isEmpty()
            ? outputs
            : List.of(inputTopic + ".matched", inputTopic + ".unmatched", inputTopic + ".errors");
    DeliveryCheck.Report report =
        DeliveryCheck.of(client, inputTopic, topics)
            .readCommitted(exactlyOnce)
            .waitingAtMost(Duration.ofSeconds(quietSeconds), Duration.ofSeconds(maxSeconds))
            .run();
    System.out.print(report.toText());
    boolean ok = exactlyOnce ? report.exactlyOnce() : report.noneLost();
    System.out.println(ok ? "verdict    ok" : "verdict    FAILED");
    return ok ? Main.EXIT_OK : Main.EXIT_FAILED;
  }
}
