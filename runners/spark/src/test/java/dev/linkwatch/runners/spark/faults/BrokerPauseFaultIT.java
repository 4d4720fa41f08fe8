package dev.linkwatch.runners.spark.faults;

import dev.linkwatch.testing.FaultScenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The broker is frozen (SIGSTOP) under load for 30 s, then thawed (see {@link
 * FaultScenario#brokerPause}). On Spark streaming (local[2]); the pipeline is never restarted and
 * must lose nothing. Opt-in: -Dlinkwatch.it.sparkFaults=true.
 */
@Tag("fault")
@EnabledIfSystemProperty(named = SparkFaults.ENABLE, matches = "true")
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BrokerPauseFaultIT {
  @Test
  void thePipelineRidesOutABrokerPausedForThirtySeconds() throws Exception {
    FaultScenario.brokerPause(SparkFaults.RUNNER);
  }
}
