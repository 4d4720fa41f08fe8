package dev.linkwatch.runners.parity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.pipeline.kafka.KafkaIo;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.testing.BatchCounts;
import dev.linkwatch.testing.KafkaClients;
import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.contract.OutputContract;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One scenario, three runners: the same generated tweets in one Kafka topic, the same catalog and
 * settings, read by linkwatch on the DirectRunner, embedded Flink and Spark {@code local[2]}, each as its
 * own JVM on its runner module's {@code runtime.classpath} (as {@code ./linkwatch run --runner=X}), each
 * with its own consumer group and output topics. All three must route every record exactly once and
 * produce the same matched, unmatched and error records (by source offset) and the same batch counts,
 * and every record on every output topic must keep its channel's contract ({@link OutputContract}).
 */
@ExtendWith(SharedKafka.class)
class ThreeRunnerKafkaParityIT {
  private static final int PARTITIONS = 2;
  private static final int TWEETS = 3000;
  /** A bounded read by time (never by record count, which hangs on uneven partitions). */
  private static final int READ_SECONDS = 20;

  private static final Map<String, List<String>> RUNNERS =
      Map.of(
          "direct", List.of("--runner=DirectRunner"),
          "flink", List.of("--runner=FlinkRunner", "--parallelism=2"),
          "spark", List.of("--runner=LinkwatchSparkRunner", "--sparkMaster=local[2]"));

  @Test
  void directFlinkAndSparkGiveTheSameRecordsAndCounts(LocalKafka kafka, @TempDir Path dir) throws Exception {
    String in = "parity." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(PARTITIONS, in);
    fill(kafka.bootstrapServers(), in);

    // All three at once: the reads are bounded by time, so running side by side saves that time twice.
    Map<String, ChildJvm> runs = new LinkedHashMap<>();
    try {
      for (String runner : List.of("direct", "flink", "spark")) {
        String out = in + "." + runner;
        kafka.createTopics(PARTITIONS, out + ".matched", out + ".unmatched", out + ".errors", out + ".counts");
        List<String> args = new ArrayList<>(RUNNERS.get(runner));
        args.addAll(
            List.of(
                "--bootstrapServers=" + kafka.bootstrapServers(),
                "--inputTopic=" + in,
                "--matchedTopic=" + out + ".matched",
                "--unmatchedTopic=" + out + ".unmatched",
                "--errorsTopic=" + out + ".errors",
                "--countsTopic=" + out + ".counts",
                "--consumerGroup=" + out,
                "--maxReadSeconds=" + READ_SECONDS,
                "--unshorten=false",
                "--printCounts=false",
                // The tweets' own times are from the fill, minutes before a slow runner reads them; a
                // long allowed lateness keeps any of them from being judged too late on one runner only.
                "--allowedLatenessSeconds=3600",
                "--windowSeconds=60",
                "--slideSeconds=30"));
        runs.put(runner, ChildJvm.onRunner(runner).log(dir.resolve(runner + ".log")).args("run").args(args).start());
      }
      for (var run : runs.entrySet()) {
        int exit = run.getValue().waitFor(Duration.ofMinutes(6));
        assertThat(exit).as(run.getKey() + " exit code\n" + run.getValue().tail()).isZero();
        System.out.printf("%s: %d tweets in %.1f s%n", run.getKey(), TWEETS, run.getValue().elapsed().toMillis() / 1e3);
      }
    } finally {
      for (ChildJvm p : runs.values()) {
        p.close();
      }
    }

    Map<String, Outputs> outputs = new LinkedHashMap<>();
    for (String runner : runs.keySet()) {
      String out = in + "." + runner;
      List<String> routed = List.of(out + ".matched", out + ".unmatched", out + ".errors");
      DeliveryCheck.Report account =
          DeliveryCheck.of(Map.of("bootstrap.servers", kafka.bootstrapServers()), in, routed).run();
      assertThat(account.inputRecords()).isEqualTo(TWEETS);
      assertThat(account.exactlyOnce()).as(runner + "\n" + account.toText()).isTrue();
      outputs.put(runner, Outputs.read(kafka.bootstrapServers(), out));
    }

    Outputs direct = outputs.get("direct");
    // The scenario has to exercise every route and count something per artist and domain.
    assertThat(direct.matched()).isNotEmpty();
    assertThat(direct.unmatched()).isNotEmpty();
    assertThat(direct.errors()).isNotEmpty();
    assertThat(BatchCounts.sum(direct.batchCounts(), "inbound")).isEqualTo(TWEETS);
    assertThat(direct.batchCounts().keySet()).anyMatch(k -> k.contains(" artist "));
    System.out.printf(
        "each runner: matched %d, unmatched %d, errors %d, %d batch count totals%n",
        direct.matched().size(), direct.unmatched().size(), direct.errors().size(), direct.batchCounts().size());
    for (String runner : List.of("flink", "spark")) {
      Outputs other = outputs.get(runner);
      assertThat(other.matched()).as(runner + " matched").isEqualTo(direct.matched());
      assertThat(other.unmatched()).as(runner + " unmatched").isEqualTo(direct.unmatched());
      assertThat(other.errors()).as(runner + " errors").isEqualTo(direct.errors());
      assertThat(other.batchCounts()).as(runner + " batch counts").isEqualTo(direct.batchCounts());
    }
  }

  /** The same tweets every run (seed 42), spread evenly over the partitions, stamped from now on. */
  private static void fill(String bootstrap, String topic) throws Exception {
    // Event times start at the fill so the watermark of a caught-up partition (now minus one batch)
    // never makes them late; a whole second keeps the batch boundaries the same within a run.
    TweetGenerator generator = new TweetGenerator(42, 0.03, Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
      for (int i = 0; i < TWEETS; i++) {
        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, generator.next().value()));
      }
      producer.flush();
    }
  }

  /**
   * One runner's outputs: per routed topic, source coordinates → record value; and its batch counts.
   * Every record read is checked against its channel's contract first.
   */
  record Outputs(
      Map<String, String> matched,
      Map<String, String> unmatched,
      Map<String, String> errors,
      Map<String, Long> batchCounts) {

    static Outputs read(String bootstrap, String prefix) {
      List<String> topics =
          List.of(prefix + ".matched", prefix + ".unmatched", prefix + ".errors", prefix + ".counts");
      Map<String, List<ConsumerRecord<byte[], byte[]>>> all =
          KafkaClients.readAll(bootstrap, topics, TWEETS, Duration.ofMinutes(1));
      List<Channel> channels = List.of(Channel.MATCHED, Channel.UNMATCHED, Channel.ERRORS, Channel.COUNTS);
      for (int i = 0; i < channels.size(); i++) {
        for (ConsumerRecord<byte[], byte[]> r : all.get(topics.get(i))) {
          OutputContract.check(channels.get(i).fileName(), r.value(), r.topic() + "@" + r.partition() + ":" + r.offset());
        }
      }
      return new Outputs(
          bySource(all.get(topics.get(0))),
          bySource(all.get(topics.get(1))),
          bySource(all.get(topics.get(2))),
          BatchCounts.totals(all.get(topics.get(3)).stream().map(ConsumerRecord::value).toList()));
    }

    private static Map<String, String> bySource(List<ConsumerRecord<byte[], byte[]>> records) {
      Map<String, String> out = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        String source =
            new String(r.headers().lastHeader(KafkaIo.HEADER_TOPIC).value(), StandardCharsets.UTF_8)
                + "@" + ByteBuffer.wrap(r.headers().lastHeader(KafkaIo.HEADER_PARTITION).value()).getInt()
                + ":" + ByteBuffer.wrap(r.headers().lastHeader(KafkaIo.HEADER_OFFSET).value()).getLong();
        out.put(source, new String(r.value(), StandardCharsets.UTF_8));
      }
      return out;
    }
  }
}
