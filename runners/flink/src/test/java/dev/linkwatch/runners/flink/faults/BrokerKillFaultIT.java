package dev.linkwatch.runners.flink.faults;

import dev.linkwatch.local.BrokerFaults;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker is SIGKILLed under load and started again 10 s later on the same ports and data: the
 * pipeline, never restarted, carries on by itself and every tweet sent comes out.
 */
@Tag("fault")
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BrokerKillFaultIT {
  @Test
  void thePipelineRidesOutABrokerKilledForTenSeconds() throws Exception {
    Scenario.rideOutBrokerFault(
        "broker-kill",
        "broker SIGKILLed for 10 s under load, restarted on the same ports and data",
        100,
        BrokerFaults::kill,
        Duration.ofSeconds(10),
        BrokerFaults::restart);
  }
}
