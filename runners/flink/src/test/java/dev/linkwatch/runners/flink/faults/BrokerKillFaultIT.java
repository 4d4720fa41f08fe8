package dev.linkwatch.runners.flink.faults;

import dev.linkwatch.testing.FaultScenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker is SIGKILLed under load and started again 10 s later on the same ports and data (see
 * {@link FaultScenario#brokerKill}). On embedded Flink; the pipeline is never restarted and must
 * lose nothing.
 */
@Tag("fault")
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BrokerKillFaultIT {
  @Test
  void thePipelineRidesOutABrokerKilledForTenSeconds() throws Exception {
    FaultScenario.brokerKill(FlinkFaults.RUNNER);
  }
}
