package dev.linkwatch.runners.spark;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.FileIoOptions;
import dev.linkwatch.pipeline.KafkaWriteOptions;
import dev.linkwatch.pipeline.kafka.KeepsPartitionOrder;
import dev.linkwatch.pipeline.KafkaReadOptions;
import dev.linkwatch.pipeline.OneOutputPerStep;
import dev.linkwatch.pipeline.RunnerDefaults;
import java.time.Duration;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * Beam's SparkRunner with linkwatch's streaming defaults filled in first ({@code
 * --runner=LinkwatchSparkRunner}, which {@code ./linkwatch --runner=spark} passes); what runs is the
 * SparkRunner itself.
 *
 * <p>Defaults (each only when the user did not give the option):
 *
 * <ul>
 *   <li>{@code batchIntervalMillis} {@value #BATCH_INTERVAL_MILLIS} and {@code minReadTimeMillis}
 *       {@value #MIN_READ_MILLIS}: with Beam's 500 and 200 every microbatch opens a new Kafka consumer
 *       and reads about one record.
 *   <li>{@code checkpointDurationMillis} = the batch interval when {@code --checkpointDir} is given:
 *       Beam's -1 lets Spark save the Kafka read positions only every tenth batch, and a restart then
 *       recomputes the batches after that save, whose reads the runner drops (docs/runners.md).
 *   <li>{@code commitOffsets} off in streaming: the runner commits a microbatch's read before writing it.
 * </ul>
 *
 * <p>It keeps each input partition's order to the exactly-once writer ({@link KeepsPartitionOrder}):
 * Beam's Spark runner reads each Kafka split in one task of the microbatch and runs every ParDo as
 * {@code mapPartitions} over that task's iterator, one bundle per partition, and linkwatch has no
 * shuffle between the read and the writers.
 *
 * <p>It gets linkwatch's multi-output steps as one output each ({@link OneOutputPerStep} says why).
 *
 * <p>Also: Spark's recovery lines (checkpoint loaded, batches rescheduled) at INFO when the engine log
 * goes to a file, a bounded stop ({@link BoundedStop}), and a halt when a Spark job fails ({@link
 * HaltOnFailedJob}) so that the failed microbatch is run again by a restart instead of skipped.
 */
public final class LinkwatchSparkRunner extends PipelineRunner<PipelineResult>
    implements KeepsPartitionOrder, OneOutputPerStep {
  static final long BATCH_INTERVAL_MILLIS = 5_000;
  static final long MIN_READ_MILLIS = 2_000;
  /** How long the JVM may take to end after SIGTERM before it is halted. */
  static final Duration STOP_WITHIN = Duration.ofSeconds(20);

  /**
   * Spark Streaming's loggers that say what a restart recovered: the checkpoint read, the batches
   * during the down time and rescheduled, the RDDs restored, the context started and stopped.
   */
  static final java.util.List<String> RECOVERY_LOGGERS =
      java.util.List.of(
          "org.apache.spark.streaming.CheckpointReader",
          "org.apache.spark.streaming.Checkpoint",
          "org.apache.spark.streaming.scheduler.JobGenerator",
          "org.apache.spark.streaming.dstream.DStreamCheckpointData",
          "org.apache.spark.streaming.StreamingContext",
          "org.apache.beam.runners.spark.translation.streaming.SparkRunnerStreamingContextFactory");

  private LinkwatchSparkRunner() {}

  /** Beam's runner factory: fills in linkwatch's Spark defaults, then returns Beam's SparkRunner. */
  public static SparkRunner fromOptions(PipelineOptions options) {
    configure(options);
    if (streaming(options)) {
      BoundedStop.install(STOP_WITHIN);
      haltOnFailedJob();
      logRecoveryToFile();
    }
    // Beam's SparkRunner is what runs; the options say so to whatever reads them later.
    options.setRunner(SparkRunner.class);
    return SparkRunner.fromOptions(options);
  }

  @Override
  public PipelineResult run(Pipeline pipeline) {
    throw new UnsupportedOperationException("fromOptions returns the SparkRunner that runs the job");
  }

  /**
   * Sets the defaults the user did not give; returns them as the start-up line's phrase, naming which
   * were linkwatch's, e.g. {@code "Spark streaming: batch interval 5000 ms (default), ..."}, or empty
   * when the job is not a streaming one.
   */
  static String configure(PipelineOptions options) {
    SparkPipelineOptions spark = options.as(SparkPipelineOptions.class);
    boolean interval = !RunnerDefaults.userGave(options, "batchIntervalMillis");
    if (interval) {
      spark.setBatchIntervalMillis(BATCH_INTERVAL_MILLIS);
    }
    boolean minRead = !RunnerDefaults.userGave(options, "minReadTimeMillis");
    if (minRead) {
      spark.setMinReadTimeMillis(MIN_READ_MILLIS);
    }
    boolean checkpointDir = RunnerDefaults.userGave(options, "checkpointDir");
    if (options.as(KafkaWriteOptions.class).getExactlyOnce() && !checkpointDir) {
      // Spark's default checkpoint directory is new on every run: a restart would not resume at the markers.
      throw new ConfigException("exactlyOnce: needs --checkpointDir on Spark (the same directory in every run)");
    }
    boolean duration = checkpointDir && !RunnerDefaults.userGave(options, "checkpointDurationMillis");
    if (duration) {
      spark.setCheckpointDurationMillis(spark.getBatchIntervalMillis());
    }
    if (!streaming(options)) {
      return "";
    }
    // Beam's Spark runner finalizes a microbatch's read (KafkaIO then commits its offsets) before the
    // microbatch's records are written; a restart that finds no checkpoint (stopped before its first)
    // would start at those offsets and skip what was read but not written (SparkStreamingIT's
    // campaign: 307 of 1000 lost). Without commits it starts at --startOffset: duplicates, not loss.
    boolean noCommits = !RunnerDefaults.userGave(options, "commitOffsets");
    if (noCommits) {
      options.as(KafkaReadOptions.class).setCommitOffsets(false);
    }
    return "Spark streaming: batch interval " + spark.getBatchIntervalMillis() + " ms" + given(interval)
        + ", min read " + spark.getMinReadTimeMillis() + " ms" + given(minRead)
        + ", read state saved "
        + (spark.getCheckpointDurationMillis() > 0
            ? "every " + spark.getCheckpointDurationMillis() + " ms" + given(duration)
            : "every 10 batches (Beam's default)")
        + (checkpointDir ? " in " + spark.getCheckpointDir() : " (no --checkpointDir: a restart starts afresh)")
        + (options.as(KafkaReadOptions.class).getCommitOffsets() ? "; offsets committed to the group" : "; no offset commits" + given(noCommits));
  }

  /** A streaming job: asked for, or an unbounded Kafka read (the Spark runner then streams by itself). */
  static boolean streaming(PipelineOptions options) {
    return options.as(StreamingOptions.class).isStreaming()
        || (options.as(FileIoOptions.class).getInput() == null
            && options.as(KafkaReadOptions.class).getMaxReadSeconds() == 0);
  }

  private static String given(boolean byDefault) {
    return byDefault ? " (default)" : "";
  }

  /**
   * slf4j-simple reads a logger's level when the logger is made, from system properties, so this has
   * to run before Spark Streaming's classes log anything. Only when the log does not go to a terminal:
   * on the console these lines would bury linkwatch's own.
   */
  private static void logRecoveryToFile() {
    String file = System.getProperty("org.slf4j.simpleLogger.logFile");
    boolean toFile = file != null && !file.equals("System.err") && !file.equals("System.out");
    if (!toFile && System.console() != null) {
      return;
    }
    for (String logger : RECOVERY_LOGGERS) {
      String key = "org.slf4j.simpleLogger.log." + logger;
      if (System.getProperty(key) == null) {
        System.setProperty(key, "info");
      }
    }
  }

  /**
   * Adds {@link HaltOnFailedJob} to {@code spark.extraListeners} (a system property, which the
   * SparkConf Beam's runner creates reads; spark-submit passes its settings the same way, so a list
   * given there is kept).
   */
  private static void haltOnFailedJob() {
    String key = "spark.extraListeners";
    String listener = HaltOnFailedJob.class.getName();
    String given = System.getProperty(key, "");
    if (!java.util.Arrays.asList(given.split(",")).contains(listener)) {
      System.setProperty(key, given.isBlank() ? listener : given + "," + listener);
    }
  }


  /** Registered in META-INF/services: the start-up line's defaults, for jobs on this runner only. */
  public static final class Defaults implements RunnerDefaults {
    @Override
    public String apply(PipelineOptions options) {
      return options.getRunner() == LinkwatchSparkRunner.class ? configure(options) : "";
    }
  }

  /** Registered in META-INF/services: makes {@code --runner=LinkwatchSparkRunner} known to Beam. */
  public static final class Registrar implements org.apache.beam.sdk.runners.PipelineRunnerRegistrar {
    @Override
    public Iterable<Class<? extends PipelineRunner<?>>> getPipelineRunners() {
      return java.util.List.of(LinkwatchSparkRunner.class);
    }
  }
}
