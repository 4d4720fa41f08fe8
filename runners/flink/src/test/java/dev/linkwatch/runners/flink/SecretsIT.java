package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.pipeline.kafka.KafkaIo;
import dev.linkwatch.pipeline.LinkwatchOptions;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import dev.linkwatch.cli.Main;
import dev.linkwatch.pipeline.Settings;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.testing.KafkaClients;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SASL/PLAIN password given the documented way (a client properties file passed with
 * --kafkaPropertiesFile) never shows: not in any log line of a verbosely logging linkwatch JVM that
 * reads and writes through the SASL listener on embedded Flink, not in the printed options or the
 * pipeline's display data, and not in any output record; while every record still comes out.
 */
class SecretsIT {
  private static final String USER = "linkwatch";
  private static final String SENTINEL = "S3ntinel-" + UUID.randomUUID().toString().replace("-", "");
  /** A non-secret value from the same file: it must show in the logs, or the log search proves nothing. */
  private static final String CANARY = "canary-" + UUID.randomUUID().toString().substring(0, 8);
  private static final int TWEETS = 60;

  @TempDir Path dir;

  /** Every place the password leaked is reported, not only the first. */
  private final SoftAssertions leaks = new SoftAssertions();

  @Test
  void thePasswordAppearsNowhereAndRecordsFlow() throws Exception {
    try (LocalKafka kafka = LocalKafka.builder().saslPlainUser(USER, SENTINEL).start()) {
      String in = "secrets." + UUID.randomUUID().toString().substring(0, 8);
      List<String> outputs = List.of(in + ".matched", in + ".unmatched", in + ".errors");
      kafka.createTopics(2, in, outputs.get(0), outputs.get(1), outputs.get(2), in + ".counts");
      produce(kafka.bootstrapServers(), in);

      Path client = dir.resolve("client.properties");
      Files.writeString(
          client,
          "security.protocol=SASL_PLAINTEXT\n"
              + "client.rack=" + CANARY + "\n"
              + "sasl.mechanism=PLAIN\n"
              + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
              + " username=\"" + USER + "\" password=\"" + SENTINEL + "\";\n");
      List<String> args =
          List.of(
              "--runner=FlinkRunner",
              "--parallelism=1",
              "--bootstrapServers=" + kafka.saslBootstrapServers(),
              "--kafkaPropertiesFile=" + client,
              "--inputTopic=" + in,
              "--matchedTopic=" + outputs.get(0),
              "--unmatchedTopic=" + outputs.get(1),
              "--errorsTopic=" + outputs.get(2),
              "--countsTopic=" + in + ".counts",
              "--consumerGroup=" + in,
              "--unshorten=false",
              "--maxReadSeconds=10");

      // 1. The options and the pipeline's display data (what runners log and show) hold only a reference.
      LinkwatchOptions options = ConfigFile.parse(args.toArray(String[]::new));
      assertNoSecret("options toString", options.toString());
      assertNoSecret("options display data", DisplayData.from(options).toString());
      Settings settings = Settings.from(options);
      assertNoSecret("settings", settings.kafkaProperties().toString());
      Pipeline pipeline = Pipeline.create(options);
      LinkwatchPipeline.buildPipeline(
          pipeline, settings, KafkaIo.readTweets(options, settings), KafkaIo.sinks(options, settings));
      String displayData = allDisplayData(pipeline);
      leaks.assertThat(displayData)
          .as("KafkaIO copies client settings into display data, here only the reference")
          .contains("sasl.jaas.config")
          .contains("${file:" + client.toAbsolutePath() + ":sasl.jaas.config}");
      assertNoSecret("pipeline display data", displayData);
      assertNoSecret("linkwatch run --help-options", captureStdout("run", "--help-options"));

      // 2. The job as users run it, in its own JVM, with kafka/beam/flink logging at DEBUG (SASL at TRACE).
      Path log = dir.resolve("linkwatch.log");
      long t0 = System.nanoTime();
      int exit = runChild(args, log);
      System.err.printf("SecretsIT: linkwatch run took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(exit).as(tail(output)).isZero();
      // The logs are real and verbose, and they show the client did authenticate over SASL.
      assertThat(output.lines().count()).as("log lines").isGreaterThan(1_000);
      assertThat(output).contains(" DEBUG org.apache.kafka").contains(" DEBUG org.apache.flink")
          .contains("security.protocol = SASL_PLAINTEXT").contains("sasl.jaas.config = [hidden]")
          .contains("client.rack = " + CANARY);
      assertNoSecret("linkwatch JVM stdout+stderr", output);
      // The broker holds the password in its own JAAS (server.properties): its log is reported, not judged.
      String brokerLog = Files.readString(kafka.logFile(), StandardCharsets.UTF_8);
      System.err.printf("SecretsIT: %d log lines searched; the broker's own log (%d lines) holds the sentinel %d times%n",
          output.lines().count(), brokerLog.lines().count(), brokerLog.split(SENTINEL, -1).length - 1);

      // 3. Every record came out, read back around the pipeline on the broker's plain listener.
      DeliveryCheck.Report account =
          DeliveryCheck.of(Map.of("bootstrap.servers", kafka.bootstrapServers()), in, outputs).run();
      assertThat(account.noneLost()).as(account.toText()).isTrue();
      assertThat(account.inputRecords()).isEqualTo(TWEETS);
      Map<String, List<ConsumerRecord<byte[], byte[]>>> records =
          KafkaClients.readAll(kafka.bootstrapServers(), outputs, TWEETS, Duration.ofSeconds(30));
      int seen = 0;
      for (List<ConsumerRecord<byte[], byte[]>> topic : records.values()) {
        for (ConsumerRecord<byte[], byte[]> r : topic) {
          seen++;
          assertNoSecret("record " + r.topic() + "@" + r.offset(), new String(r.value(), StandardCharsets.UTF_8));
          r.headers().forEach(h -> assertNoSecret("header " + h.key(), new String(h.value(), StandardCharsets.ISO_8859_1)));
        }
      }
      assertThat(seen).isGreaterThanOrEqualTo(TWEETS);
    }
    leaks.assertAll();
  }

  @Test
  void anInlinePasswordIsRefusedNamingTheKeyNotTheValue() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.execute(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "run",
            "--runner=FlinkRunner",
            "--kafkaProperties=sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required username=\"" + USER + "\" password=\"" + SENTINEL + "\";");
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(message).isEqualTo(Main.EXIT_USAGE);
    assertThat(message).contains("'sasl.jaas.config' holds a secret");
    assertNoSecret("the refusal", message);
    leaks.assertAll();
  }

  private static void produce(String bootstrap, String topic) throws Exception {
    TweetGenerator generator = new TweetGenerator(7, 0.05, Instant.now());
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
      for (int i = 0; i < TWEETS; i++) {
        producer.send(new ProducerRecord<>(topic, i % 2, null, generator.next().value())).get();
      }
    }
  }

  private static int runChild(List<String> args, Path log) throws Exception {
    // Every logger as talkative as it gets (later flags win over the launcher's quiet defaults): a
    // secret that reaches any log line must show up here.
    ChildJvm child =
        ChildJvm.linkwatch("secrets-run")
            .log(log)
            .jvmArgs(
                List.of(
                    "-Xmx1g",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                    "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=debug",
                    "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common.security=trace",
                    "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common.network=trace",
                    "-Dorg.slf4j.simpleLogger.log.org.apache.beam=debug",
                    "-Dorg.slf4j.simpleLogger.log.org.apache.flink=debug",
                    "-Dorg.slf4j.simpleLogger.log.dev.linkwatch=debug"))
            .args("run")
            .args(args)
            .start();
    return child.waitFor(Duration.ofMinutes(4));
  }

  /** The sentinel in plain, in hex, and as the base64 of the SASL/PLAIN token that carries it. */
  private void assertNoSecret(String where, String text) {
    byte[] token = ("\0" + USER + "\0" + SENTINEL).getBytes(StandardCharsets.UTF_8);
    for (String form :
        List.of(
            SENTINEL,
            HexFormat.of().formatHex(SENTINEL.getBytes(StandardCharsets.UTF_8)),
            Base64.getEncoder().encodeToString(token),
            Base64.getEncoder().encodeToString(SENTINEL.getBytes(StandardCharsets.UTF_8)))) {
      int at = text.indexOf(form);
      leaks.assertThat(at)
          .as("%s holds the password (%s) near: %s", where, form.equals(SENTINEL) ? "plain" : "encoded",
              at < 0 ? "" : text.substring(Math.max(0, at - 200), at).replace(SENTINEL, "<SENTINEL>"))
          .isNegative();
    }
  }

  private static String allDisplayData(Pipeline pipeline) {
    StringBuilder all = new StringBuilder();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            if (node.getTransform() != null) {
              all.append(DisplayData.from(node.getTransform())).append('\n');
            }
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            all.append(DisplayData.from(node.getTransform())).append('\n');
          }
        });
    return all.toString();
  }

  /**
   * Swaps System.out while the command prints. Not isolated from the class running beside it: what
   * that class prints in the meantime lands here too, which the checks (the option is listed, no
   * secret anywhere) tolerate.
   */
  private String captureStdout(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      Main.execute(capture, capture, args);
    } finally {
      System.setOut(old);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("--kafkaPropertiesFile");
    return text;
  }

  private static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()))
        .replace(SENTINEL, "<SENTINEL>");
  }
}
