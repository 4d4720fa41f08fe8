package dev.linkwatch.runners.spark;

import static dev.linkwatch.runners.spark.BoundedStop.HALTING;
import static dev.linkwatch.runners.spark.SparkStreamingJob.STOPS_WITHIN;
import static dev.linkwatch.runners.spark.SparkStreamingJob.secs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.testing.BatchCounts;
import dev.linkwatch.testing.KafkaClients;
import dev.linkwatch.testing.KeptLogs;
import dev.linkwatch.testing.SharedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * <p>{@code -Dlinkwatch.it.sparkRestartRuns=N} adds a campaign of N restarts ({@link
 * #restartsAtRandomMomentsLoseNothing}).
 */
@ExtendWith(SharedKafka.class)
class SparkStreamingIT {
  private static final int TWEETS = 600;
  /** Sent while the job is down, then as many again after it is back. */
  private static final int WHILE_DOWN = 200;

  @Test
  void streamsRoutesAndCountsStopsOnSigtermAndRestartsFromItsCheckpointLosingNothing(
      LocalKafka kafka, @TempDir Path dir) throws Exception {
    SparkStreamingJob job = SparkStreamingJob.onNewTopics(kafka, "spark-stream");
    String in = job.in;
    List<String> routed = job.routed;
    List<String> args = job.args(dir.resolve("checkpoint"));
    TweetGenerator generator = new TweetGenerator(7, 0.03, Instant.now());

    try (ChildJvm spark = ChildJvm.onRunner("spark").log(KeptLogs.dir(dir).resolve(in + ".log")).args("run").args(args).start()) {
      job.send(generator, TWEETS);

      // The job never ends by itself: every record counted means every batch window closed on the
      // watermark while it ran. Panes accumulate, so the largest inbound count per window is its total.
      Duration sent = spark.elapsed();
      Duration firstCounts = null;
      long counted = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
      while (counted < TWEETS && System.nanoTime() < deadline && spark.isAlive()) {
        Thread.sleep(2_000);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> counts =
            KafkaClients.readAll(kafka.bootstrapServers(), List.of(job.countsTopic()), 0, Duration.ofSeconds(10));
        counted =
            BatchCounts.sum(
                BatchCounts.totals(counts.get(job.countsTopic()).stream().map(ConsumerRecord::value).toList()),
                "inbound");
        if (counted > 0 && firstCounts == null) {
          firstCounts = spark.elapsed();
        }
      }
      Duration allCounted = spark.elapsed();
      assertThat(spark.isAlive()).as(spark.tail()).isTrue();
      assertThat(counted).as("inbound records in closed batch windows\n" + spark.tail()).isEqualTo(TWEETS);

      DeliveryCheck.Report account = job.account(Duration.ofMinutes(2), false);
      assertThat(account.inputRecords()).isEqualTo(TWEETS);
      assertThat(account.exactlyOnce()).as(account.toText()).isTrue();

      Map<String, Long> totals =
          BatchCounts.totals(
              KafkaClients.readAll(kafka.bootstrapServers(), List.of(job.countsTopic()), 0, Duration.ofSeconds(10))
                  .get(job.countsTopic()).stream().map(ConsumerRecord::value).toList());
      // The counts agree with what was routed: matched = the matched topic, and so on.
      assertThat(BatchCounts.sum(totals, "matched")).isEqualTo(account.outputsPerTopic().get(routed.get(0)));
      assertThat(BatchCounts.sum(totals, "errored")).isEqualTo(account.outputsPerTopic().get(routed.get(2)));
      assertThat(BatchCounts.sum(totals, "unmatched") + BatchCounts.sum(totals, "notices"))
          .isEqualTo(account.outputsPerTopic().get(routed.get(1)));

      // SIGTERM, as Ctrl-C: the JVM must be gone within 30 s (LinkwatchSparkRunner bounds the stop).
      Duration beforeStop = spark.elapsed();
      int exit = spark.stop(STOPS_WITHIN);
      // Ended by Spark's own stop, not by the halt that backs it up (the executor used to stop first and
      // leave the stream graph locked: halted at 20 s in most SIGTERMs).
      assertThat(spark.log()).as(spark.tail()).doesNotContain(HALTING);
      System.out.printf(
          "spark streaming: %d tweets sent by %.0f s; first batch counts at %.0f s, all %d counted at %.0f s;"
              + " SIGTERM: ended, exit %d, after %.1f s%n",
          TWEETS, secs(sent), secs(firstCounts), counted, secs(allCounted), exit,
          secs(spark.elapsed().minus(beforeStop)));
    }

    // While the job is down, more tweets arrive, and the consumer group's committed offsets are deleted:
    // a restart that ignored Spark's checkpoint would start again from the earliest offset and write all
    // the first run's records a second time. The same command then resumes from the checkpoint.
    job.deleteCommittedOffsets();
    job.send(generator, WHILE_DOWN);
    try (ChildJvm spark = ChildJvm.onRunner("spark").log(KeptLogs.dir(dir).resolve(in + ".restarted.log")).args("run").args(args).start()) {
      job.send(generator, WHILE_DOWN);
      DeliveryCheck.Report account = job.account(Duration.ofMinutes(4), false);
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
   * 600 tweets streamed at 40/s, the job stopped 0-10 s after its first output (random), down a random
   * 0-60 s while the rest of the stream and 200 more arrive, restarted, 200 more; then every input record
   * must have come out (duplicates are reported, not failed). The stop is SIGTERM or SIGKILL at random,
   * or always one of them with {@code -Dlinkwatch.it.sparkRestartStop=term|kill}; a SIGTERM must end the
   * JVM within 30 s. With {@code -Dlinkwatch.it.sparkExactlyOnce=true} the job runs {@code
   * --exactlyOnce=true} and read_committed outputs must hold each input record exactly once. Every run
   * runs; the assertions come after the table. {@code -Dlinkwatch.it.sparkRestartSeed} repeats a campaign.
   */
  @Test
  @EnabledIfSystemProperty(named = "linkwatch.it.sparkRestartRuns", matches = "[1-9][0-9]*")
  void restartsAtRandomMomentsLoseNothing(LocalKafka kafka, @TempDir Path dir) throws Exception {
    int runs = Integer.getInteger("linkwatch.it.sparkRestartRuns");
    long seed = Long.getLong("linkwatch.it.sparkRestartSeed", System.nanoTime());
    String stop = System.getProperty("linkwatch.it.sparkRestartStop", "random");
    boolean exactlyOnce = Boolean.getBoolean("linkwatch.it.sparkExactlyOnce");
    Random random = new Random(seed);
    List<String> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    rows.add("seed " + seed + (exactlyOnce ? ", --exactlyOnce=true, read_committed" : ", at-least-once"));
    rows.add("| run | stop | stopped after first output | stop took | down | input | lost | duplicated offsets | restart to all out |");
    rows.add("|---|---|---|---|---|---|---|---|---|");
    for (int run = 1; run <= runs; run++) {
      SparkStreamingJob job = SparkStreamingJob.onNewTopics(kafka, "spark-restart-" + run);
      List<String> args =
          job.args(dir.resolve("checkpoint-" + run), "--exactlyOnce=" + exactlyOnce);
      TweetGenerator generator = new TweetGenerator(run, 0.03, Instant.now());
      boolean sigkill = stop.equals("kill") || (stop.equals("random") && random.nextBoolean());
      Duration stopAfter = Duration.ofMillis(random.nextInt(10_001));
      Duration down = Duration.ofMillis(random.nextInt(60_001));
      Path logs = KeptLogs.dir(dir);
      Thread sender;
      double stopTook;
      try (ChildJvm spark = ChildJvm.onRunner("spark").log(logs.resolve(job.in + ".log")).args("run").args(args).start()) {
        sender = job.sendInBackground(generator, TWEETS);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (job.outputs() == 0 && System.nanoTime() < deadline && spark.isAlive()) {
          Thread.sleep(1_000);
        }
        Thread.sleep(stopAfter.toMillis());
        long before = System.nanoTime();
        if (sigkill) {
          spark.kill();
        } else if (spark.stopOrKill(STOPS_WITHIN).isEmpty()) {
          failures.add("run " + run + ": still alive " + STOPS_WITHIN.toSeconds() + " s after SIGTERM");
        } else if (spark.log().contains(HALTING)) {
          failures.add("run " + run + ": SIGTERM ended by the halt, not by Spark's stop");
        }
        stopTook = (System.nanoTime() - before) / 1e9;
      }
      long downStart = System.nanoTime();
      sender.join();
      job.send(generator, WHILE_DOWN);
      long left = down.toNanos() - (System.nanoTime() - downStart);
      if (left > 0) {
        Thread.sleep(left / 1_000_000);
      }
      double downSecs = (System.nanoTime() - downStart) / 1e9;
      try (ChildJvm spark = ChildJvm.onRunner("spark").log(logs.resolve(job.in + ".restarted.log")).args("run").args(args).start()) {
        job.send(generator, WHILE_DOWN);
        DeliveryCheck.Report account = job.account(Duration.ofMinutes(5), exactlyOnce);
        rows.add(
            String.format(
                "| %d | %s | %.1f s | %.1f s | %.0f s | %d | %d | %d | %.0f s |",
                run, sigkill ? "SIGKILL" : "SIGTERM", secs(stopAfter), stopTook, downSecs, account.inputRecords(),
                account.lost(), account.duplicatedOffsets(), secs(spark.elapsed())));
        System.out.println(rows.get(rows.size() - 1));
        boolean ok = exactlyOnce ? account.exactlyOnce() : account.noneLost();
        if (!ok || account.inputRecords() != TWEETS + 2 * WHILE_DOWN) {
          failures.add("run " + run + ":\n" + account.toText());
        }
        spark.stopOrKill(STOPS_WITHIN);
      }
    }
    System.out.println(String.join(System.lineSeparator(), rows));
    assertThat(failures).as(String.join(System.lineSeparator(), rows)).isEmpty();
  }
}
