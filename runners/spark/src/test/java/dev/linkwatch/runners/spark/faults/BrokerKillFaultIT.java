package dev.linkwatch.runners.spark.faults;

import dev.linkwatch.testing.FaultScenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The broker is SIGKILLed under load and started again 10 s later on the same ports and data (see
 * {@link FaultScenario#brokerKill}). On Spark streaming (local[2]); the pipeline is never restarted
 * and must lose nothing. Opt-in: -Dlinkwatch.it.sparkFaults=true.
 */
@Tag("fault")
@EnabledIfSystemProperty(named = SparkFaults.ENABLE, matches = "true")
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BrokerKillFaultIT {
  @Test
  void thePipelineRidesOutABrokerKilledForTenSeconds() throws Exception {
    FaultScenario.brokerKill(SparkFaults.RUNNER);
  }
}
