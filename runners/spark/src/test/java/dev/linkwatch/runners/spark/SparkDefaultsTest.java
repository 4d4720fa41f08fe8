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
    assertThat(RunnerDefaults.applyAll(options("--runner=LinkwatchSparkRunner", "--streaming=true")))
        .startsWith("Spark streaming: batch interval 5000 ms (default)");
    String said = LinkwatchSparkRunner.configure(o, 2048L << 20);
    assertThat(o.getBatchIntervalMillis()).isEqualTo(LinkwatchSparkRunner.BATCH_INTERVAL_MILLIS);
    assertThat(o.getMinReadTimeMillis()).isEqualTo(LinkwatchSparkRunner.MIN_READ_MILLIS);
    assertThat(o.getCheckpointDurationMillis()).isEqualTo(LinkwatchSparkRunner.BATCH_INTERVAL_MILLIS);
    assertThat(said)
        .isEqualTo(
            "Spark streaming: batch interval 5000 ms (default), min read 2000 ms (default), at most "
                + LinkwatchSparkRunner.maxRecordsPerBatch(2048L << 20) + " records per batch (default, for the"
                + " 2048 MB heap), read state saved every 5000 ms (default) in /tmp/x; no offset commits (default)");
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
            "--minReadTimeMillis=300", "--checkpointDurationMillis=-1", "--commitOffsets=true",
            "--maxRecordsPerBatch=1234");
    String said = LinkwatchSparkRunner.configure(all, 2048L << 20);
    assertThat(all.getMaxRecordsPerBatch()).isEqualTo(1234);
    assertThat(said).contains(", at most 1234 records per batch,");
    assertThat(all.getBatchIntervalMillis()).isEqualTo(1000);
    assertThat(all.getMinReadTimeMillis()).isEqualTo(300);
    assertThat(all.getCheckpointDurationMillis()).isEqualTo(-1);
    assertThat(all.as(dev.linkwatch.pipeline.KafkaReadOptions.class).getCommitOffsets()).isTrue();
    assertThat(said).doesNotContain("(default)").contains("every 10 batches");
  }

  /**
   * Issue 21: a job that starts on a backlog must not read the whole backlog into one microbatch. The
   * cap follows the heap the JVM was given, and is said at start.
   */
  @Test
  void theRecordsPerBatchFollowTheHeapUnlessGiven() {
    long[] heaps = {1024L << 20, 2048L << 20, 8192L << 20};
    long previous = 0;
    for (long heap : heaps) {
      SparkPipelineOptions o = options("--runner=LinkwatchSparkRunner", "--streaming=true");
      String said = LinkwatchSparkRunner.configure(o, heap);
      long cap = o.getMaxRecordsPerBatch();
      assertThat(cap).isEqualTo(LinkwatchSparkRunner.maxRecordsPerBatch(heap)).isGreaterThan(previous);
      // A batch of that many records, at the measured heap per record, fits in its share of the heap.
      assertThat(cap * LinkwatchSparkRunner.HEAP_BYTES_PER_BATCH_RECORD).isLessThanOrEqualTo(heap / 4);
      assertThat(said).contains(", at most " + cap + " records per batch (default, for the " + (heap >> 20) + " MB heap),");
      previous = cap;
    }
    assertThat(LinkwatchSparkRunner.maxRecordsPerBatch(1024L << 20)).isEqualTo(8_192);
    assertThat(LinkwatchSparkRunner.maxRecordsPerBatch(16L << 20)).isEqualTo(1_000);

    // Given, even as Beam's own "no limit", it is kept and the line says so without "(default)".
    SparkPipelineOptions unlimited =
        options("--runner=LinkwatchSparkRunner", "--streaming=true", "--maxRecordsPerBatch=-1");
    assertThat(LinkwatchSparkRunner.configure(unlimited, 1024L << 20)).contains(", no limit on records per batch,");
    assertThat(unlimited.getMaxRecordsPerBatch()).isEqualTo(-1);

    // Bounded jobs read their input once: no cap.
    SparkPipelineOptions files = options("--runner=LinkwatchSparkRunner", "--input=in.jsonl", "--output=out");
    LinkwatchSparkRunner.configure(files, 1024L << 20);
    assertThat(files.getMaxRecordsPerBatch()).isEqualTo(-1);
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
}
