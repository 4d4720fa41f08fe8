package dev.linkwatch.runners.spark;

import org.apache.spark.scheduler.JobFailed;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;

/**
 * Ends a streaming job's JVM at once when one of its Spark jobs fails (a microbatch's output could not
 * be written, e.g. the writer's delivery timeout passed while the broker was away), as a kill -9 would.
 *
 * <p>Why: Spark Streaming reports the failure, and Beam's result then stops the streaming context
 * gracefully, which first runs the following microbatches and saves their read state; the failed
 * microbatch is not among the batches a restart reschedules, so its records were lost (a fault test
 * here: 374 of 8 856 lost after a restart from the checkpoint). Halted before that, the last saved
 * checkpoint still lists the failed microbatch as pending, and a restart from {@code --checkpointDir}
 * runs it again (at least once, as after any kill). Failures while the JVM is already stopping (jobs
 * cancelled by Ctrl-C or SIGTERM) are left to {@link BoundedStop}.
 *
 * <p>Registered as {@code spark.extraListeners} by {@link LinkwatchSparkRunner} for streaming jobs.
 */
public final class HaltOnFailedJob extends SparkListener {
  /** The exit status: that of a failed {@code linkwatch run}. */
  static final int EXIT = 1;

  @Override
  public void onJobEnd(SparkListenerJobEnd jobEnd) {
    if (jobEnd.jobResult() instanceof JobFailed failed && !BoundedStop.stopping()) {
      System.err.println(
          "linkwatch: Spark job " + jobEnd.jobId() + " failed (" + failed.exception() + "); halting so that a"
              + " restart from --checkpointDir runs its microbatch again (Spark would go on past it and lose"
              + " its records)");
      System.err.flush();
      Runtime.getRuntime().halt(EXIT);
    }
  }
}
