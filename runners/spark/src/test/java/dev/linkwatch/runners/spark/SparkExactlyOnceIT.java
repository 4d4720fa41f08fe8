package dev.linkwatch.runners.spark;

import static dev.linkwatch.runners.spark.SparkStreamingJob.secs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.testing.KeptLogs;
import dev.linkwatch.testing.SharedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --exactlyOnce=true} on Spark streaming across a kill -9: the job is SIGKILLed while tweets
 * stream in and its microbatches are being written, more arrive while it is down, and the same command
 * restarts it from its checkpoint directory. A read_committed consumer must then see every input record
 * exactly once on the routed topics. The restart re-reads what the killed run had read since its last
 * saved read state; the writer's per-partition markers drop what was already committed.
 */
@ExtendWith(SharedKafka.class)
class SparkExactlyOnceIT {
  private static final int FIRST = 20;
  private static final int TWEETS = 400;
  private static final int WHILE_DOWN = 100;

  @Test
  void aSigkilledJobRestartedFromItsCheckpointWritesEveryRecordOnce(LocalKafka kafka, @TempDir Path dir)
      throws Exception {
    SparkStreamingJob job = SparkStreamingJob.onNewTopics(kafka, "spark-eos");
    List<String> args = job.args(dir.resolve("checkpoint"), "--exactlyOnce=true");
    TweetGenerator generator = new TweetGenerator(11, 0.03, Instant.now());
    Path logs = KeptLogs.dir(dir);
    Thread sender;
    long beforeKill;
    try (ChildJvm spark = ChildJvm.onRunner("spark").log(logs.resolve(job.in + ".log")).args("run").args(args).start()) {
      // A few first, so the stream proper starts once the job is reading (Spark starts slowly).
      job.send(generator, FIRST);
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (job.outputs() == 0 && System.nanoTime() < deadline && spark.isAlive()) {
        Thread.sleep(500);
      }
      assertThat(job.outputs()).as(spark.tail()).isPositive();
      sender = job.sendInBackground(generator, TWEETS);
      // Mid-stream, several microbatches in: the ones in flight are abandoned, some transactions open,
      // and the restart reads again what was read after the last saved read state.
      Thread.sleep(6_000);
      beforeKill = job.outputs();
      spark.kill();
    }
    sender.join();
    job.send(generator, WHILE_DOWN);
    try (ChildJvm spark = ChildJvm.onRunner("spark").log(logs.resolve(job.in + ".restarted.log")).args("run").args(args).start()) {
      job.send(generator, WHILE_DOWN);
      DeliveryCheck.Report account = job.account(Duration.ofMinutes(4), true);
      System.out.printf(
          "spark exactly-once: %d outputs before the SIGKILL; %.0f s after the restart (read_committed)%n%s",
          beforeKill, secs(spark.elapsed()), account.toText());
      assertThat(beforeKill).as("killed before anything was written: nothing to deduplicate").isPositive();
      assertThat(account.inputRecords()).isEqualTo(FIRST + TWEETS + 2 * WHILE_DOWN);
      assertThat(account.exactlyOnce()).as(account.toText() + spark.tail()).isTrue();
      spark.stopOrKill(SparkStreamingJob.STOPS_WITHIN);
    }
  }
}
