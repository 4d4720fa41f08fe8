package dev.linkwatch.runners.flink.faults;

import dev.linkwatch.testing.FaultScenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A burst of ten times the steady rate drains without an OutOfMemoryError (see {@link
 * FaultScenario#burst}). On embedded Flink; the pipeline is never restarted and must lose nothing.
 */
@Tag("fault")
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BurstFaultIT {
  @Test
  void aTenfoldBurstDrainsWithoutRunningOutOfMemory() throws Exception {
    FaultScenario.burst(FlinkFaults.RUNNER);
  }
}
