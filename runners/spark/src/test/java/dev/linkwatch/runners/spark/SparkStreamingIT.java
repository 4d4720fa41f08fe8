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
import java.util.ArrayList;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * linkwatch on the Spark runner in streaming mode, as {@code ./linkwatch run --runner=spark
 * --streaming=true --checkpointDir=DIR} runs it: its own JVM on {@code runners/spark/target/runtime.classpath},
 * an unbounded KafkaIO read from a real broker while tweets are streamed in, event-time batches that
 * close on the watermark, the three routed topics and the counts topic; then SIGTERM (the JVM must be
 * gone within 30 s), tweets sent while it is down, and a restart from Spark's checkpoint directory that
 * must lose nothing. linkwatch's own defaults are used (no batch interval, read time or checkpoint
 * interval given): they are what is under test.
 *
 * <p>{@code -Dlinkwatch.it.sparkRestartRuns=N} adds a campaign of N restarts, each stopped at a random
 * moment by SIGTERM or SIGKILL and down 0-60 s; it prints one table row per run.
 */
@ExtendWith(SharedKafka.class)
class SparkStreamingIT {
  private static final int PARTITIONS = 2;
  private static final int TWEETS = 600;
  private static final int RATE = 40;
  /** Sent while the job is down, then as many again after it is back. */
  private static final int WHILE_DOWN = 200;
  /** The promise: Ctrl-C or SIGTERM ends the Spark job within this. */
  private static final Duration STOPS_WITHIN = Duration.ofSeconds(30);

  @Test
  void streamsRoutesAndCountsStopsOnSigtermAndRestartsFromItsCheckpointLosingNothing(
      LocalKafka kafka, @TempDir Path dir) throws Exception {
    String in = topics(kafka, "spark-stream");
    List<String> routed = routed(in);
    List<String> args = args(kafka, in, dir.resolve("checkpoint"));
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

      DeliveryCheck.Report account = account(kafka, in, routed, Duration.ofMinutes(2));
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

      // SIGTERM, as Ctrl-C: the JVM must be gone within 30 s (LinkwatchSparkRunner bounds the stop).
      Duration beforeStop = spark.elapsed();
      int exit = spark.stop(STOPS_WITHIN);
      System.out.printf(
          "spark streaming: %d tweets sent by %.0f s; first batch counts at %.0f s, all %d counted at %.0f s;"
              + " SIGTERM: ended, exit %d, after %.1f s%n",
          TWEETS, secs(sent), secs(firstCounts), counted, secs(allCounted), exit,
          secs(spark.elapsed().minus(beforeStop)));
    }

    // While the job is down, more tweets arrive, and the consumer group's committed offsets are deleted:
    // a restart that ignored Spark's checkpoint would start again from the earliest offset and write all
    // the first run's records a second time. The same command then resumes from the checkpoint.
    deleteCommittedOffsets(kafka, in);
    send(kafka, in, generator, WHILE_DOWN);
    try (ChildJvm spark = ChildJvm.onRunner("spark").log(KeptLogs.dir(dir).resolve(in + ".restarted.log")).args("run").args(args).start()) {
      send(kafka, in, generator, WHILE_DOWN);
      DeliveryCheck.Report account = account(kafka, in, routed, Duration.ofMinutes(4));
      System.out.printf(
          "spark streaming restart: %.0f s after the restart%n%s", secs(spark.elapsed()), account.toText());
      assertThat(account.inputRecords()).isEqualTo(TWEETS + 2 * WHILE_DOWN);
      assertThat(account.lost()).as(account.toText() + spark.tail()).isZero();
      assertThat(account.unknown()).as(account.toText()).isZero();
      // At least once: the microbatches after the last checkpoint run again, but not the whole stream.
      assertThat(account.duplicatedOffsets()).as(account.toText()).isLessThan(TWEETS);
      spark.stopOrKill(STOPS_WITHIN);
    }
  }

  /**
   * N restarts ({@code -Dlinkwatch.it.sparkRestartRuns=N}), each on fresh topics and a fresh checkpoint:
   * 600 tweets streamed at 40/s, the job stopped at a random moment 0-10 s after its first output by
   * SIGTERM or SIGKILL (at random; a SIGTERM must end it within 30 s), down a random 0-60 s while the
   * rest of the stream and 200 more arrive, restarted, 200 more; then every input record must have come
   * out (duplicates are reported, not failed). All runs run; the assertions come after the table.
   */
  @Test
  @EnabledIfSystemProperty(named = "linkwatch.it.sparkRestartRuns", matches = "[1-9][0-9]*")
  void restartsAtRandomMomentsLoseNothing(LocalKafka kafka, @TempDir Path dir) throws Exception {
    int runs = Integer.getInteger("linkwatch.it.sparkRestartRuns");
    long seed = Long.getLong("linkwatch.it.sparkRestartSeed", System.nanoTime());
    Random random = new Random(seed);
    List<String> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    rows.add("seed " + seed);
    rows.add("| run | stop | stopped after first output | stop took | down | input | lost | duplicated offsets | restart to all out |");
    rows.add("|---|---|---|---|---|---|---|---|---|");
    for (int run = 1; run <= runs; run++) {
      String in = topics(kafka, "spark-restart-" + run);
      List<String> routed = routed(in);
      List<String> args = args(kafka, in, dir.resolve("checkpoint-" + run));
      TweetGenerator generator = new TweetGenerator(run, 0.03, Instant.now());
      boolean sigkill = random.nextBoolean();
      Duration stopAfter = Duration.ofMillis(random.nextInt(10_001));
      Duration down = Duration.ofMillis(random.nextInt(60_001));
      Path logs = KeptLogs.dir(dir);
      Thread sender = new Thread(() -> sendQuietly(kafka, in, generator, TWEETS), "sender-" + run);
      double stopTook;
      try (ChildJvm spark = ChildJvm.onRunner("spark").log(logs.resolve(in + ".log")).args("run").args(args).start()) {
        sender.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (outputs(kafka, routed) == 0 && System.nanoTime() < deadline && spark.isAlive()) {
          Thread.sleep(1_000);
        }
        Thread.sleep(stopAfter.toMillis());
        long before = System.nanoTime();
        if (sigkill) {
          spark.kill();
        } else {
          java.util.OptionalInt exit = spark.stopOrKill(STOPS_WITHIN);
          if (exit.isEmpty()) {
            failures.add("run " + run + ": still alive " + STOPS_WITHIN.toSeconds() + " s after SIGTERM");
          }
        }
        stopTook = (System.nanoTime() - before) / 1e9;
      }
      long downStart = System.nanoTime();
      sender.join();
      send(kafka, in, generator, WHILE_DOWN);
      long left = down.toNanos() - (System.nanoTime() - downStart);
      if (left > 0) {
        Thread.sleep(left / 1_000_000);
      }
      double downSecs = (System.nanoTime() - downStart) / 1e9;
      try (ChildJvm spark = ChildJvm.onRunner("spark").log(logs.resolve(in + ".restarted.log")).args("run").args(args).start()) {
        send(kafka, in, generator, WHILE_DOWN);
        DeliveryCheck.Report account = account(kafka, in, routed, Duration.ofMinutes(5));
        rows.add(
            String.format(
                "| %d | %s | %.1f s | %.1f s | %.0f s | %d | %d | %d | %.0f s |",
                run, sigkill ? "SIGKILL" : "SIGTERM", secs(stopAfter), stopTook, downSecs, account.inputRecords(),
                account.lost(), account.duplicatedOffsets(), secs(spark.elapsed())));
        System.out.println(rows.get(rows.size() - 1));
        if (!account.noneLost() || account.inputRecords() != TWEETS + 2 * WHILE_DOWN) {
          failures.add("run " + run + ":\n" + account.toText());
        }
        spark.stopOrKill(STOPS_WITHIN);
      }
    }
    System.out.println(String.join(System.lineSeparator(), rows));
    assertThat(failures).as(String.join(System.lineSeparator(), rows)).isEmpty();
  }

  private static String topics(LocalKafka kafka, String prefix) {
    String in = prefix + "." + UUID.randomUUID().toString().substring(0, 8);
    List<String> routed = routed(in);
    kafka.createTopics(PARTITIONS, in, routed.get(0), routed.get(1), routed.get(2), in + ".counts");
    return in;
  }

  private static List<String> routed(String in) {
    return List.of(in + ".matched", in + ".unmatched", in + ".errors");
  }

  /** The command line: linkwatch's Spark defaults (batch interval, read time, checkpoint interval) apply. */
  private static List<String> args(LocalKafka kafka, String in, Path checkpoint) {
    List<String> routed = routed(in);
    return List.of(
        "--runner=LinkwatchSparkRunner",
        "--streaming=true",
        "--sparkMaster=local[2]",
        "--checkpointDir=" + checkpoint,
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
  }

  private static DeliveryCheck.Report account(LocalKafka kafka, String in, List<String> routed, Duration max) {
    return DeliveryCheck.of(Map.of("bootstrap.servers", kafka.bootstrapServers()), in, routed)
        .waitingAtMost(Duration.ofSeconds(5), max)
        .run();
  }

  private static long outputs(LocalKafka kafka, List<String> routed) {
    return KafkaClients.readAll(kafka.bootstrapServers(), routed, 0, Duration.ofSeconds(2)).values().stream()
        .mapToLong(List::size)
        .sum();
  }

  private static void deleteCommittedOffsets(LocalKafka kafka, String group) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().keySet();
      if (!committed.isEmpty()) {
        admin.deleteConsumerGroupOffsets(group, committed).all().get();
      }
    }
  }

  private static void sendQuietly(LocalKafka kafka, String topic, TweetGenerator generator, int n) {
    try {
      send(kafka, topic, generator, n);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
