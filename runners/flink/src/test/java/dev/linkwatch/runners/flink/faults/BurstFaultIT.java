package dev.linkwatch.runners.flink.faults;

import dev.linkwatch.testing.FaultScenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A burst of ten times the steady rate drains without an OutOfMemoryError (see {@link
 * FaultScenario#burst}). On embedded Flink; the pipeline is never restarted and must lose nothing.
 * Opt-in ({@code -Dlinkwatch.it.long=true}): the suite reached 19:54 min with it; the heap under a
 * steady high rate stays covered by {@code bench memory} and the other fault tests' recoveries.
 */
@Tag("fault")
@EnabledIfSystemProperty(named = "linkwatch.it.long", matches = "true")
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BurstFaultIT {
  @Test
  void aTenfoldBurstDrainsWithoutRunningOutOfMemory() throws Exception {
    FaultScenario.burst(FlinkFaults.RUNNER);
  }
}
