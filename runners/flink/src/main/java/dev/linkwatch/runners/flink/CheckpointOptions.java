package dev.linkwatch.runners.flink;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Checkpoints and restarts on Flink in two settings. They only fill in Beam's own Flink options
 * (checkpointingInterval, stateBackend, stateBackendStoragePath, externalizedCheckpointsEnabled,
 * retainExternalizedCheckpointsOnCancellation, savepointPath), which still win when given.
 */
public interface CheckpointOptions extends PipelineOptions {
  @Description(
      "Directory for Flink checkpoints (a path or a URI such as file:///var/linkwatch/chk). Turns on "
          + "checkpointing (every 10 s unless --checkpointingInterval=MILLIS says otherwise) and keeps "
          + "the latest checkpoint when the job is cancelled or its process dies, so it can restart "
          + "from it with --restoreFrom=latest.")
  String getCheckpointDir();

  void setCheckpointDir(String value);

  @Description(
      "Start from saved state: 'latest' (the newest complete checkpoint under --checkpointDir) or the "
          + "path of a savepoint or of a retained checkpoint (its chk-N directory). Empty starts "
          + "afresh. The job must be the same pipeline with the same --parallelism.")
  @Default.String("")
  String getRestoreFrom();

  void setRestoreFrom(String value);
}
