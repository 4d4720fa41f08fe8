package dev.linkwatch.runners.flink;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.kafka.KeepsPartitionOrder;
import dev.linkwatch.pipeline.KafkaWriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import dev.linkwatch.pipeline.RunnerDefaults;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.jobgraph.SavepointConfigOptions;

/**
 * Beam's FlinkRunner, with {@link CheckpointOptions} turned into Flink settings first; what runs is
 * the FlinkRunner itself ({@code --runner=LinkwatchFlinkRunner}, which {@code ./linkwatch
 * --runner=flink} passes).
 *
 * <p>Why it is needed: Beam hands {@code --savepointPath} only to a remote Flink master. On the
 * embedded mini-cluster the restore point has to be in the Flink configuration the runner loads
 * ({@code execution.savepoint.path}), so a restore writes a copy of that configuration with it added
 * and points {@code --flinkConfDir} at the copy.
 */
public final class LinkwatchFlinkRunner extends PipelineRunner<PipelineResult> implements KeepsPartitionOrder {
  static final long DEFAULT_INTERVAL_MILLIS = 10_000;
  /**
   * Beam's Flink operators hold a watermark back while a bundle is open and pass it on only once it
   * closes, so a watermark crosses each chained step no sooner than that step's bundle closes on time
   * (elements keep arriving, so bundles rarely close by count). With Beam's 1 s, the dozen steps between
   * the Kafka read and the count report made batch reports several times later than with 100 ms
   * (IdlePartitionFaultIT; figures and the throughput price in docs/benchmarks.md).
   */
  static final long STREAMING_BUNDLE_MILLIS = 100;

  private LinkwatchFlinkRunner() {}

  /** Beam's runner factory: fills in the Flink options, then returns Beam's FlinkRunner. */
  public static FlinkRunner fromOptions(PipelineOptions options) {
    configure(options);
    // Beam's FlinkRunner is what runs; the options say so to whatever reads them later.
    options.setRunner(FlinkRunner.class);
    return FlinkRunner.fromOptions(options);
  }

  @Override
  public PipelineResult run(Pipeline pipeline) {
    throw new UnsupportedOperationException("fromOptions returns the FlinkRunner that runs the job");
  }

  static void configure(PipelineOptions options) {
    CheckpointOptions checkpoints = options.as(CheckpointOptions.class);
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    if (flink.as(StreamingOptions.class).isStreaming()
        && !RunnerDefaults.userGave(options, "maxBundleTimeMills")) {
      flink.setMaxBundleTimeMills(STREAMING_BUNDLE_MILLIS);
    }
    // Profiled with bench e2e (figures in docs/benchmarks.md): Beam's defaults copy every element
    // through its coder between chained steps and update the metric cells on every source read. linkwatch's elements are never mutated after output, and
    // its counts topic carries the accounting the metrics would, so both are off unless asked for.
    if (!RunnerDefaults.userGave(options, "objectReuse")) {
      flink.setObjectReuse(true);
    }
    if (!RunnerDefaults.userGave(options, "disableMetrics")) {
      flink.setDisableMetrics(true);
    }
    String dir = blankToNull(checkpoints.getCheckpointDir());
    if (dir != null) {
      if (flink.getCheckpointingInterval() == null || flink.getCheckpointingInterval() <= 0) {
        flink.setCheckpointingInterval(DEFAULT_INTERVAL_MILLIS);
      }
      if (flink.getStateBackend() == null) {
        // Beam's name for Flink's heap state with checkpoints written to a file system.
        flink.setStateBackend("filesystem");
      }
      if (flink.getStateBackendStoragePath() == null) {
        flink.setStateBackendStoragePath(LatestCheckpoint.localPath(dir).toAbsolutePath().toUri().toString());
      }
      flink.setExternalizedCheckpointsEnabled(true);
      flink.setRetainExternalizedCheckpointsOnCancellation(true);
    }
    if (!RunnerDefaults.userGave(options, "fasterCopy")) {
      flink.setFasterCopy(!checkpointing(flink));
    }
    boolean exactlyOnce = options.as(KafkaWriteOptions.class).getExactlyOnce();
    if (exactlyOnce && (flink.getCheckpointingInterval() == null || flink.getCheckpointingInterval() <= 0)) {
      // Without checkpoints a restarted job does not resume where its writers' markers are.
      throw new ConfigException("exactlyOnce: needs checkpointing on Flink (--checkpointDir=DIR)");
    }
    String restore = blankToNull(checkpoints.getRestoreFrom());
    if (restore == null) {
      return;
    }
    String path = restore.equals("latest") ? latest(dir) : existing(restore);
    flink.setSavepointPath(path);
    String master = flink.getFlinkMaster();
    if (master == null || master.equals("[local]") || master.equals("[auto]")) {
      flink.setFlinkConfDir(confDirRestoringFrom(path, blankToNull(flink.getFlinkConfDir())).toString());
    }
  }

  /**
   * Faster copy only without checkpoints. It makes Beam's Flink serializer hand back the object
   * itself where Flink asks for a copy, and Flink's heap state backend asks for one to keep an
   * asynchronous snapshot apart from the state the task goes on changing. Beam's combining state
   * changes its accumulator in place (the counts' MergeFn does), so with faster copy a checkpoint
   * could hold records read after its barrier, and a restore counted them a second time when they
   * were read again (ReplayTimelineIT); in a bench run with checkpoints and faster copy the job also
   * wrote records twice with nothing killed (docs/benchmarks.md). With object reuse on, the data path
   * between chained steps makes no copies either way, and checkpoints with faster copy off measured
   * no slower.
   */
  static boolean checkpointing(FlinkPipelineOptions flink) {
    return flink.getCheckpointingInterval() != null && flink.getCheckpointingInterval() > 0;
  }

  private static String latest(String dir) {
    if (dir == null) {
      throw new ConfigException("restoreFrom: 'latest' needs --checkpointDir (where to look)");
    }
    return LatestCheckpoint.in(LatestCheckpoint.localPath(dir))
        .map(p -> p.toAbsolutePath().toString())
        .orElseThrow(
            () ->
                new ConfigException(
                    "restoreFrom: no complete checkpoint under " + dir
                        + " (give a savepoint path, or leave restoreFrom empty to start afresh)"));
  }

  private static String existing(String path) {
    if (path.contains("://") && !path.startsWith("file:")) {
      return path; // a remote file system: Flink checks it when the job starts
    }
    Path local = LatestCheckpoint.localPath(path);
    boolean metadata =
        Files.isRegularFile(local.resolve("_metadata"))
            || (Files.isRegularFile(local) && local.getFileName().toString().equals("_metadata"));
    if (!metadata) {
      throw new ConfigException("restoreFrom: no savepoint or checkpoint (_metadata) at " + path);
    }
    return local.toAbsolutePath().toString();
  }

  /**
   * A copy of the Flink configuration the runner would load ({@code confDir}, else
   * {@code FLINK_CONF_DIR}, else none), plus the restore path.
   */
  static Path confDirRestoringFrom(String path, String confDir) {
    Configuration conf =
        confDir != null ? GlobalConfiguration.loadConfiguration(confDir) : GlobalConfiguration.loadConfiguration();
    conf.set(SavepointConfigOptions.SAVEPOINT_PATH, path);
    StringBuilder yaml = new StringBuilder("# written by linkwatch to restore from a checkpoint\n");
    for (Map.Entry<String, String> e : new TreeMap<>(conf.toMap()).entrySet()) {
      yaml.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    try {
      Path dir = Files.createTempDirectory("linkwatch-flink-conf");
      Path file = Files.writeString(dir.resolve("flink-conf.yaml"), yaml);
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Flink configuration for the restore", e);
    }
  }


  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
