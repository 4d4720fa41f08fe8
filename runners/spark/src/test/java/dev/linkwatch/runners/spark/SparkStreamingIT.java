package dev.linkwatch.runners.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.testing.BatchCounts;
import dev.linkwatch.testing.KafkaClients;
import dev.linkwatch.testing.KeptLogs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * linkwatch on the Spark runner in streaming mode, as {@code ./linkwatch run --runner=spark
 * --streaming=true} runs it: its own JVM on {@code runners/spark/target/runtime.classpath}, an unbounded
 * KafkaIO read from a real broker while tweets are streamed in, event-time batches that close on the
 * watermark, the three routed topics and the counts topic, then a stop by SIGTERM (reported, not
 * asserted); on request, a restart from Spark's checkpoint directory.
 */
@ExtendWith(SharedKafka.class)
class SparkStreamingIT {
  private static final int PARTITIONS = 2;
  private static final int TWEETS = 600;
  private static final int RATE = 40;
  /** Sent while the job is down, then as many again after it is back. */
  private static final int WHILE_DOWN = 200;

  @Test
  void streamsRoutesAndCountsWhileRunningThenStops(LocalKafka kafka, @TempDir Path dir)
      throws Exception {
    String in = "spark-stream." + UUID.randomUUID().toString().substring(0, 8);
    List<String> routed = List.of(in + ".matched", in + ".unmatched", in + ".errors");
    kafka.createTopics(PARTITIONS, in, routed.get(0), routed.get(1), routed.get(2), in + ".counts");
    List<String> args =
        List.of(
                "--runner=SparkRunner",
                "--streaming=true",
                "--sparkMaster=local[2]",
                // Spark microbatches of 5 s, each reading Kafka for at least 2 s: the default 0.5 s
                // batches and 0.2 s reads spend their time reconnecting and read one record per batch.
                "--batchIntervalMillis=5000",
                "--minReadTimeMillis=2000",
                "--checkpointDir=" + dir.resolve("checkpoint"),
                "--bootstrapServers=" + kafka.bootstrapServers(),
                "--inputTopic=" + in,
                "--matchedTopic=" + routed.get(0),
                "--unmatchedTopic=" + routed.get(1),
                "--errorsTopic=" + routed.get(2),
                "--countsTopic=" + in + ".counts",
                "--consumerGroup=" + in,
                "--unshorten=false",
                "--printCounts=false",
                "--batchSeconds=10",
                "--windowSeconds=20",
                "--slideSeconds=10");
    TweetGenerator generator = new TweetGenerator(7, 0.03, Instant.now());

    try (ChildJvm spark = ChildJvm.onRunner("spark").log(KeptLogs.dir(dir).resolve(in + ".log")).args("run").args(args).start()) {
      send(kafka, in, generator, TWEETS);

      // The job never ends by itself: every record counted means every batch window closed on the
      // watermark while it ran. Panes accumulate, so the largest inbound count per window is its total.
      Duration sent = spark.elapsed();
      Duration firstCounts = null;
      long counted = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
      while (counted < TWEETS && System.nanoTime() < deadline && spark.isAlive()) {
        Thread.sleep(2_000);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> counts =
            KafkaClients.readAll(kafka.bootstrapServers(), List.of(in + ".counts"), 0, Duration.ofSeconds(10));
        counted =
            BatchCounts.sum(
                BatchCounts.totals(counts.get(in + ".counts").stream().map(ConsumerRecord::value).toList()),
                "inbound");
        if (counted > 0 && firstCounts == null) {
          firstCounts = spark.elapsed();
        }
      }
      Duration allCounted = spark.elapsed();
      assertThat(spark.isAlive()).as(spark.tail()).isTrue();
      assertThat(counted).as("inbound records in closed batch windows\n" + spark.tail()).isEqualTo(TWEETS);

      DeliveryCheck.Report account =
          DeliveryCheck.of(Map.of("bootstrap.servers", kafka.bootstrapServers()), in, routed)
              .waitingAtMost(Duration.ofSeconds(3), Duration.ofMinutes(2))
              .run();
      assertThat(account.inputRecords()).isEqualTo(TWEETS);
      assertThat(account.exactlyOnce()).as(account.toText()).isTrue();

      Map<String, Long> totals =
          BatchCounts.totals(
              KafkaClients.readAll(kafka.bootstrapServers(), List.of(in + ".counts"), 0, Duration.ofSeconds(10))
                  .get(in + ".counts").stream().map(ConsumerRecord::value).toList());
      // The counts agree with what was routed: matched = the matched topic, and so on.
      assertThat(BatchCounts.sum(totals, "matched")).isEqualTo(account.outputsPerTopic().get(routed.get(0)));
      assertThat(BatchCounts.sum(totals, "errored")).isEqualTo(account.outputsPerTopic().get(routed.get(2)));
      assertThat(BatchCounts.sum(totals, "unmatched") + BatchCounts.sum(totals, "notices"))
          .isEqualTo(account.outputsPerTopic().get(routed.get(1)));

      // SIGTERM, as Ctrl-C: Spark's shutdown hooks stop the streaming context and the JVM ends. Not
      // asserted: it ended in seconds in most runs, but once it hung after Spark had stopped (see
      // docs/runners.md), so it is reported here and killed if it has not ended within 90 s.
      Duration beforeStop = spark.elapsed();
      java.util.OptionalInt exit = spark.stopOrKill(Duration.ofSeconds(90));
      System.out.printf(
          "spark streaming: %d tweets sent by %.0f s; first batch counts at %.0f s, all %d counted at %.0f s;"
              + " SIGTERM: %s after %.1f s%n",
          TWEETS, secs(sent), secs(firstCounts), counted, secs(allCounted),
          exit.isPresent() ? "ended, exit " + exit.getAsInt() : "still running, killed",
          secs(spark.elapsed().minus(beforeStop)));
    }

    if (Boolean.getBoolean("linkwatch.it.sparkRestart")) {
      restartFromTheCheckpointLosesNothing(kafka, dir, in, routed, args, generator);
    }
  }

  /**
   * Runs only with {@code -Dlinkwatch.it.sparkRestart=true}: on Beam 2.70's Spark runner the restarted
   * job ran microbatches but read nothing (docs/runners.md, Spark in streaming mode), so it would fail every run.
   *
   * <p>While the job is down, more tweets arrive, and the consumer group's committed offsets are deleted:
   * a restart that ignored Spark's checkpoint would start again from the earliest offset and write all
   * the first run's records a second time. The same command then resumes from the checkpoint.
   */
  private void restartFromTheCheckpointLosesNothing(
      LocalKafka kafka, Path dir, String in, List<String> routed, List<String> args, TweetGenerator generator)
      throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      var committed = admin.listConsumerGroupOffsets(in).partitionsToOffsetAndMetadata().get().keySet();
      if (!committed.isEmpty()) {
        admin.deleteConsumerGroupOffsets(in, committed).all().get();
      }
    }
    send(kafka, in, generator, WHILE_DOWN);
    try (ChildJvm spark = ChildJvm.onRunner("spark").log(KeptLogs.dir(dir).resolve(in + ".restarted.log")).args("run").args(args).start()) {
      send(kafka, in, generator, WHILE_DOWN);
      DeliveryCheck.Report account =
          DeliveryCheck.of(Map.of("bootstrap.servers", kafka.bootstrapServers()), in, routed)
              .waitingAtMost(Duration.ofSeconds(5), Duration.ofMinutes(4))
              .run();
      System.out.printf(
          "spark streaming restart: %.0f s after the restart%n%s", secs(spark.elapsed()), account.toText());
      assertThat(account.inputRecords()).isEqualTo(TWEETS + 2 * WHILE_DOWN);
      assertThat(account.lost()).as(account.toText() + spark.tail()).isZero();
      assertThat(account.unknown()).as(account.toText()).isZero();
      // At least once: the microbatches after the last checkpoint run again, but not the whole stream.
      assertThat(account.duplicatedOffsets()).as(account.toText()).isLessThan(TWEETS);
      spark.stopOrKill(Duration.ofSeconds(30));
    }
  }

  /** {@code n} tweets at about {@code RATE} a second, stamped as they are sent, both partitions alike. */
  private static void send(LocalKafka kafka, String topic, TweetGenerator generator, int n)
      throws InterruptedException {
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long wait = start + i * 1_000_000_000L / RATE - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000);
        }
        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, generator.next().value()));
      }
    }
  }

  private static double secs(Duration d) {
    return d.toMillis() / 1e3;
  }
}
