package dev.linkwatch.runners.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.testing.ClusterInput;
import dev.linkwatch.testing.KafkaClients;
import dev.linkwatch.testing.RoutedOutputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark bundle on a Spark standalone cluster that has only Spark's own jars: spark-submit runs
 * linkwatch against the real broker, and every input record must come out exactly once, routed as the
 * DirectRunner routes a copy of the same input. If the bundle missed a class or a service file, the job
 * would fail on the driver or in the executors. Opt-in, a streaming job on the same cluster killed and
 * submitted again with its checkpoint directory ({@link
 * #aStreamingJobKilledAndSubmittedAgainWithItsCheckpointDirWritesEveryRecordOnce}).
 */
@ExtendWith(SharedKafka.class)
class SparkClusterIT {
  private static final int TWEETS = 600;
  private static final int STREAM_FIRST = 20;
  private static final int STREAM = 400;
  private static final int STREAM_WHILE_DOWN = 100;

  @TempDir static Path dir;
  private static SparkStandalone cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = SparkStandalone.start(dir);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void sparkSubmitOfTheBundleRoutesEveryRecordOnceAsTheDirectRunnerDoes(LocalKafka kafka) throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String onCluster = "it.sparkcluster." + id;
    String onDirect = "it.sparkdirect." + id;
    for (String in : List.of(onCluster, onDirect)) {
      kafka.createTopics(2, in, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    }
    ClusterInput.produce(kafka.bootstrapServers(), TWEETS, 2, 7, onCluster, onDirect);

    // The README's command: linkwatch's runner, which spark-submit does not name for you.
    List<String> args = new ArrayList<>(List.of("run", "--runner=LinkwatchSparkRunner"));
    args.addAll(ClusterInput.pipelineArgs(kafka.bootstrapServers(), onCluster, 20));
    ChildJvm submit = submit("spark-submit", args);
    // The DirectRunner reads its copy meanwhile, in this JVM.
    PipelineResult.State direct = KafkaClients.runPipeline(kafka.bootstrapServers(), onDirect, 20);
    int exit = submit.waitFor(Duration.ofMinutes(4));
    assertThat(exit).as("spark-submit exit code%s", cluster.logs()).isZero();
    assertThat(direct).isEqualTo(PipelineResult.State.DONE);
    // The job ran in the cluster's executors, not in the driver.
    assertThat(executorLogs()).as("executor logs").contains("Running task");

    DeliveryCheck.Report report = check(kafka, onCluster);
    assertThat(report.inputRecords()).isEqualTo(TWEETS);
    assertThat(report.exactlyOnce()).as(report.toText()).isTrue();

    Map<String, Map<String, String>> fromCluster = RoutedOutputs.read(kafka.bootstrapServers(), onCluster, TWEETS);
    Map<String, Map<String, String>> reference = RoutedOutputs.read(kafka.bootstrapServers(), onDirect, TWEETS);
    assertThat(RoutedOutputs.sizes(reference).values()).allMatch(n -> n > 0);
    assertThat(RoutedOutputs.sizes(fromCluster)).isEqualTo(RoutedOutputs.sizes(reference));
    assertThat(RoutedOutputs.differences(reference, fromCluster)).isEmpty();
  }

  /**
   * A streaming job as users run one on a cluster: spark-submit of the bundle (client mode, so the
   * driver is the spark-submit JVM; SparkStandalone submits no other way) with {@code
   * --runner=LinkwatchSparkRunner --streaming=true --checkpointDir=DIR --exactlyOnce=true}, the
   * executors on the Worker. Tweets stream in, the driver is SIGKILLed mid-stream (its executors go with
   * their application), more arrive while it is down, and the same spark-submit again must load Spark's
   * checkpoint from DIR (not start afresh) and bring out every input record exactly once for a
   * read_committed consumer, what was read again after the last saved read state included.
   *
   * <p>Opt-in ({@code -Dlinkwatch.it.long=true}): 96-126 s here with the machine shared, 267 s beside
   * the other Spark streaming ITs; too long for the default suite, which is near its 20 minutes.
   */
  @Test
  @EnabledIfSystemProperty(named = "linkwatch.it.long", matches = "true")
  void aStreamingJobKilledAndSubmittedAgainWithItsCheckpointDirWritesEveryRecordOnce(LocalKafka kafka)
      throws Exception {
    SparkStreamingJob job = SparkStreamingJob.onNewTopics(kafka, "spark-cluster-stream");
    List<String> args = new ArrayList<>(List.of("run"));
    args.addAll(job.submitArgs(dir.resolve("stream-checkpoint"), "--exactlyOnce=true"));
    TweetGenerator generator = new TweetGenerator(13, 0.03, Instant.now());
    Thread sender;
    long beforeKill;
    ChildJvm first = submit("spark-submit-stream", args);
    try {
      // A few first, so the stream proper starts once the job is reading (Spark starts slowly).
      job.send(generator, STREAM_FIRST);
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while (job.outputs() == 0 && System.nanoTime() < deadline && first.isAlive()) {
        Thread.sleep(500);
      }
      assertThat(job.outputs()).as("outputs of the first submission%s", cluster.logs()).isPositive();
      sender = job.sendInBackground(generator, STREAM);
      // Mid-stream, once a microbatch of the stream is written: the next ones are in flight (their
      // transactions open), and the restart reads again what was read after the last saved read state.
      deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (job.outputs() <= STREAM_FIRST && System.nanoTime() < deadline && first.isAlive()) {
        Thread.sleep(250);
      }
      beforeKill = job.outputs();
      first.kill();
    } finally {
      first.close();
    }
    sender.join();
    job.send(generator, STREAM_WHILE_DOWN);
    ChildJvm again = submit("spark-submit-stream-again", args);
    try {
      job.send(generator, STREAM_WHILE_DOWN);
      DeliveryCheck.Report account = job.account(Duration.ofMinutes(3), true);
      // What was written twice, aborted transactions included: at least once would have kept those.
      DeliveryCheck.Report uncommitted = job.account(Duration.ofSeconds(10), false);
      System.out.printf(
          "spark cluster streaming: %d outputs before the driver's SIGKILL; %.0f s after the second"
              + " spark-submit (read_committed)%n%s(read_uncommitted: %d offsets written twice)%n",
          beforeKill, SparkStreamingJob.secs(again.elapsed()), account.toText(), uncommitted.duplicatedOffsets());
      assertThat(again.log())
          .as("the second submission loaded the checkpoint%s", cluster.logs())
          .contains("Checkpoint successfully loaded from file")
          .doesNotContain("Creating a new Spark Streaming Context");
      assertThat(account.inputRecords()).isEqualTo(STREAM_FIRST + STREAM + 2 * STREAM_WHILE_DOWN);
      assertThat(account.exactlyOnce()).as(account.toText() + again.tail()).isTrue();
      assertThat(again.stopOrKill(SparkStreamingJob.STOPS_WITHIN)).as("SIGTERM ended the driver").isPresent();
    } finally {
      again.close();
    }
  }

  private static ChildJvm submit(String name, List<String> args) {
    return cluster.submit(
        name,
        Path.of(System.getProperty("linkwatch.bundle")),
        List.of(
            "--class", "dev.linkwatch.cli.Main",
            "--conf", "spark.executor.memory=1g",
            "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", ChildJvm.opens()),
            "--conf", "spark.ui.enabled=false"),
        args);
  }

  private static DeliveryCheck.Report check(LocalKafka kafka, String in) {
    return DeliveryCheck.of(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            in,
            List.of(in + ".matched", in + ".unmatched", in + ".errors"))
        .waitingAtMost(Duration.ofSeconds(2), Duration.ofMinutes(1))
        .run();
  }

  private static String executorLogs() throws Exception {
    StringBuilder s = new StringBuilder();
    try (var files = Files.walk(cluster.workDir())) {
      for (Path p : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        s.append(Files.readString(p));
      }
    }
    return s.toString();
  }
}
