package dev.linkwatch.runners.flink.faults;

import dev.linkwatch.local.BrokerFaults;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker is frozen (SIGSTOP) under load for 30 s, its sockets open but silent, then thawed: the
 * pipeline, never restarted, carries on by itself and every tweet sent comes out. A frozen broker is
 * harder on clients than a dead one: connections do not fail, requests just get no answer until they
 * time out.
 */
@Tag("fault")
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BrokerPauseFaultIT {
  @Test
  void thePipelineRidesOutABrokerPausedForThirtySeconds() throws Exception {
    Scenario.rideOutBrokerFault(
        "broker-pause",
        "broker paused (SIGSTOP) for 30 s under load, then resumed",
        100,
        BrokerFaults::pause,
        Duration.ofSeconds(30),
        BrokerFaults::resume);
  }
}
