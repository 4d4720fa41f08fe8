package dev.linkwatch.runners.flink.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A burst of ten times the steady rate: the pipeline (1 GB heap) takes it without an
 * OutOfMemoryError, works off the lag afterwards, and loses nothing. Backpressure, not buffering, has
 * to absorb it: KafkaIO reads only as fast as the job processes.
 */
@Tag("fault")
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BurstFaultIT {
  /** Kept up with easily here even with other builds running (the pipeline does thousands a second). */
  private static final int STEADY = 100;
  private static final int BURST = 10 * STEADY;
  private static final int BURST_SECONDS = 15;

  @Test
  void aTenfoldBurstDrainsWithoutRunningOutOfMemory() throws Exception {
    try (Scenario s = Scenario.open("burst", 2)) {
      TweetStream stream = s.stream(STEADY, null);
      s.startPipeline();
      s.awaitPipelineFlowing(Scenario.FLOWING);
      Thread.sleep(5_000);

      long burstFrom = System.nanoTime();
      long before = stream.sent();
      stream.rate(BURST);
      Thread.sleep(BURST_SECONDS * 1000L);
      stream.rate(STEADY);
      long burstTo = System.nanoTime();
      long sentByThen = stream.sent();
      double achieved = (sentByThen - before) / ((burstTo - burstFrom) / 1e9);

      long drained = s.watcher.awaitDistinct(sentByThen, Duration.ofMinutes(3));
      s.assertRunning();
      Thread.sleep(3_000);
      DeliveryCheck.Report report = s.finish(Duration.ofMinutes(2));
      new FaultReport(
              String.format(
                  "burst of 10x: %d/s for %d s (%.0f/s achieved) on top of a steady %d/s",
                  BURST, BURST_SECONDS, achieved, STEADY),
              Scenario.RUNNER,
              Scenario.MODE,
              report,
              drained < 0 ? "lag not drained within 3 min" : "lag drained " + Scenario.seconds(burstTo, drained) + " after the burst",
              "no OutOfMemoryError, pipeline JVM still running; lag drained; every input offset out at least once")
          .publish();

      assertThat(drained).as("the lag drained after the burst:%n%s", s.pipeline.tail(40)).isPositive();
      s.assertNothingLost(report);
    }
  }
}
