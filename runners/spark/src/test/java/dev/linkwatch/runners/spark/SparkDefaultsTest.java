package dev.linkwatch.runners.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.linkwatch.pipeline.LinkwatchOptions;
import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.RunnerDefaults;
import dev.linkwatch.pipeline.kafka.WriteExactlyOnce;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** The Spark streaming defaults LinkwatchSparkRunner sets, and the user's say over each. */
class SparkDefaultsTest {
  private static SparkPipelineOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(LinkwatchOptions.class).as(SparkPipelineOptions.class);
  }

  @Test
  void defaultsApplyWhereNothingIsGivenAndTheReadStateIsSavedEveryBatchWithACheckpointDir() {
    SparkPipelineOptions o = options("--runner=LinkwatchSparkRunner", "--streaming=true", "--checkpointDir=/tmp/x");
    String said = RunnerDefaults.applyAll(o);
    assertThat(o.getBatchIntervalMillis()).isEqualTo(LinkwatchSparkRunner.BATCH_INTERVAL_MILLIS);
    assertThat(o.getMinReadTimeMillis()).isEqualTo(LinkwatchSparkRunner.MIN_READ_MILLIS);
    assertThat(o.getCheckpointDurationMillis()).isEqualTo(LinkwatchSparkRunner.BATCH_INTERVAL_MILLIS);
    assertThat(said)
        .isEqualTo(
            "Spark streaming: batch interval 5000 ms (default), min read 2000 ms (default), read state saved"
                + " every 5000 ms (default) in /tmp/x; no offset commits (default)");
    assertThat(o.as(dev.linkwatch.pipeline.KafkaReadOptions.class).getCommitOffsets()).isFalse();
  }

  @Test
  void givenOptionsWinAndTheCheckpointFollowsAGivenInterval() {
    SparkPipelineOptions interval =
        options("--runner=LinkwatchSparkRunner", "--streaming=true", "--checkpointDir=/tmp/x", "--batchIntervalMillis=3000");
    LinkwatchSparkRunner.configure(interval);
    assertThat(interval.getBatchIntervalMillis()).isEqualTo(3000);
    assertThat(interval.getMinReadTimeMillis()).isEqualTo(LinkwatchSparkRunner.MIN_READ_MILLIS);
    assertThat(interval.getCheckpointDurationMillis()).isEqualTo(3000);

    SparkPipelineOptions all =
        options(
            "--runner=LinkwatchSparkRunner", "--streaming=true", "--checkpointDir=/tmp/x", "--batchIntervalMillis=1000",
            "--minReadTimeMillis=300", "--checkpointDurationMillis=-1", "--commitOffsets=true");
    String said = LinkwatchSparkRunner.configure(all);
    assertThat(all.getBatchIntervalMillis()).isEqualTo(1000);
    assertThat(all.getMinReadTimeMillis()).isEqualTo(300);
    assertThat(all.getCheckpointDurationMillis()).isEqualTo(-1);
    assertThat(all.as(dev.linkwatch.pipeline.KafkaReadOptions.class).getCommitOffsets()).isTrue();
    assertThat(said).doesNotContain("(default)").contains("every 10 batches");
  }

  @Test
  void withoutACheckpointDirSparkKeepsItsCheckpointIntervalAndTheLineSaysARestartStartsAfresh() {
    SparkPipelineOptions o = options("--runner=LinkwatchSparkRunner", "--streaming=true");
    String said = LinkwatchSparkRunner.configure(o);
    assertThat(o.getCheckpointDurationMillis()).isEqualTo(-1);
    assertThat(said).contains("(no --checkpointDir: a restart starts afresh)");
  }

  @Test
  void otherRunnersAndBoundedJobsAreLeftAlone() {
    SparkPipelineOptions beams = options("--runner=SparkRunner", "--streaming=true", "--checkpointDir=/tmp/x");
    assertThat(RunnerDefaults.applyAll(beams)).isEmpty();
    assertThat(beams.getBatchIntervalMillis()).isEqualTo(500);
    assertThat(beams.getCheckpointDurationMillis()).isEqualTo(-1);

    assertThat(beams.as(dev.linkwatch.pipeline.KafkaReadOptions.class).getCommitOffsets()).isTrue();

    SparkPipelineOptions files = options("--runner=LinkwatchSparkRunner", "--input=in.jsonl", "--output=out");
    assertThat(RunnerDefaults.applyAll(files)).isEmpty();
  }

  @Test
  void exactlyOnceIsAllowedOnThisRunnerButNeedsACheckpointDirThatOutlivesTheRun() {
    assertThatCode(() -> WriteExactlyOnce.requireOrderedRunner(LinkwatchSparkRunner.class)).doesNotThrowAnyException();
    // Beam's own SparkRunner is not linkwatch's: it gets none of these defaults, so it is refused.
    assertThatThrownBy(() -> WriteExactlyOnce.requireOrderedRunner(org.apache.beam.runners.spark.SparkRunner.class))
        .isInstanceOf(ConfigException.class);
    SparkPipelineOptions noDir = options("--runner=LinkwatchSparkRunner", "--streaming=true", "--exactlyOnce=true");
    assertThatThrownBy(() -> LinkwatchSparkRunner.configure(noDir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("exactlyOnce: needs --checkpointDir on Spark");
  }

  /** Spark gets ParseTweet and RouteByOutcome as one output each (OneOutputPerStep says why). */
  @Test
  void sparkGetsOneOutputPerStep() {
    assertThat(dev.linkwatch.pipeline.OneOutputPerStep.class.isAssignableFrom(LinkwatchSparkRunner.class)).isTrue();
    assertThat(dev.linkwatch.pipeline.OneOutputPerStep.class.isAssignableFrom(org.apache.beam.runners.spark.SparkRunner.class)).isFalse();
  }

  /**
   * The runner's refusal comes before the checks of Kafka, as every other option error does: a user
   * without a broker running was told Kafka was unreachable, fixed that, and only then learnt the
   * options were wrong. Port 1 on loopback: nothing listens there, and a check would time out.
   */
  @Test
  void theCommandLineRefusesExactlyOnceWithoutACheckpointDirBeforeLookingForKafka() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    long start = System.nanoTime();
    int code =
        dev.linkwatch.cli.Main.execute(
            new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
            new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8),
            "run", "--runner=LinkwatchSparkRunner", "--exactlyOnce=true", "--bootstrapServers=127.0.0.1:1");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("exactlyOnce: needs --checkpointDir on Spark")
        .doesNotContain("cannot reach Kafka");
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(5));
  }
}
