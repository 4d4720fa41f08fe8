package dev.linkwatch.runners.flink.faults;

import dev.linkwatch.testing.FaultScenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker is frozen (SIGSTOP) under load for 30 s, then thawed (see {@link
 * FaultScenario#brokerPause}). On embedded Flink; the pipeline is never restarted and must lose
 * nothing.
 */
@Tag("fault")
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BrokerPauseFaultIT {
  @Test
  void thePipelineRidesOutABrokerPausedForThirtySeconds() throws Exception {
    FaultScenario.brokerPause(FlinkFaults.RUNNER);
  }
}
