package dev.linkwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Only one of four input partitions gets tweets: the three idle ones must not hold the watermark back,
 * so every batch closes and its report comes out within batch + allowed lateness + slack of wall time
 * after the batch ended. Were the idle partitions to stall the watermark, no batch would ever close
 * while the job runs. One of the {@link FaultScenario} scenarios.
 */
final class IdlePartitionScenario {
  private static final int BATCH_SECONDS = 5;
  private static final int LATENESS_SECONDS = 5;
  /**
   * Wall time beyond batch + lateness for the report to reach the counts topic: the watermark lags
   * event time by the batch length on the idle partitions, then crosses a dozen steps, each passing it
   * on when its bundle closes (100 ms, see LinkwatchFlinkRunner). With Beam's 1 s bundles many batches
   * came past this bound (figures in docs/benchmarks.md). The same bound for every runner.
   */
  private static final int SLACK_SECONDS = 15;
  private static final long BOUND_MS = (BATCH_SECONDS + LATENESS_SECONDS + SLACK_SECONDS) * 1000L;

  private IdlePartitionScenario() {}

  /** Runs the scenario on {@code runner}: publishes its figures, then asserts. */
  static void run(FaultRunner runner) throws Exception {
    try (FaultScenario s = FaultScenario.open(runner, "idle-partitions", 4)) {
      s.stream(50, 0);
      s.startPipeline(
          "--batchSeconds=" + BATCH_SECONDS,
          "--windowSeconds=" + 2 * BATCH_SECONDS,
          "--slideSeconds=" + BATCH_SECONDS,
          "--allowedLatenessSeconds=" + LATENESS_SECONDS);
      s.awaitPipelineFlowing(FaultScenario.FLOWING);
      // Batches ending a little after the first output: earlier ones waited for the job to start.
      long firstChecked = align(System.currentTimeMillis()) + 2 * BATCH_SECONDS * 1000L;
      Thread.sleep(30_000);
      long lastChecked = align(System.currentTimeMillis());
      // The last checked batch gets its full allowance before the verdict.
      long verdictAt = lastChecked + BOUND_MS;
      while (System.currentTimeMillis() < verdictAt && !allReported(s, firstChecked, lastChecked)) {
        Thread.sleep(500);
      }
      s.assertRunning();
      Map<Long, Long> reports = s.watcher.batchReports();
      System.out.println("IdlePartitionFaultIT batch reports (batch end -> ms after): " + describe(reports));
      DeliveryCheck.Report delivery = s.finish(Duration.ofMinutes(2));

      List<String> late = new ArrayList<>();
      long worst = 0;
      int checked = 0;
      for (long end = firstChecked; end <= lastChecked; end += BATCH_SECONDS * 1000L) {
        checked++;
        Long at = reports.get(end);
        if (at == null) {
          late.add("batch ending " + Instant.ofEpochMilli(end) + ": no report");
          continue;
        }
        worst = Math.max(worst, at - end);
        if (at - end > BOUND_MS) {
          late.add("batch ending " + Instant.ofEpochMilli(end) + ": reported " + (at - end) + " ms after");
        }
      }
      new FaultReport(
              "1 of 4 input partitions gets data (3 idle); 5 s batches, 5 s allowed lateness",
              runner.runner(),
              runner.mode() + ", event time",
              delivery,
              String.format(
                  "%d batches checked; latest report %.1f s after its batch ended (bound %d s)",
                  checked, worst / 1000.0, BOUND_MS / 1000),
              "every batch's report on the counts topic within batch + allowed lateness + "
                  + SLACK_SECONDS + " s of its end; every input offset out at least once")
          .publish();

      assertThat(checked).isGreaterThanOrEqualTo(4);
      assertThat(late)
          .as("batches closed too late or never (stalled watermark?); reports seen (batch end -> ms after): %s",
              describe(reports))
          .isEmpty();
      s.assertNothingLost(delivery);
    }
  }

  private static String describe(Map<Long, Long> reports) {
    StringBuilder b = new StringBuilder();
    reports.forEach((end, at) -> b.append(Instant.ofEpochMilli(end)).append(" -> ").append(at - end).append("; "));
    return b.toString();
  }

  private static long align(long millis) {
    long batch = BATCH_SECONDS * 1000L;
    return millis - Math.floorMod(millis, batch);
  }

  private static boolean allReported(FaultScenario s, long first, long last) {
    Map<Long, Long> reports = s.watcher.batchReports();
    for (long end = first; end <= last; end += BATCH_SECONDS * 1000L) {
      if (!reports.containsKey(end)) {
        return false;
      }
    }
    return true;
  }
}
