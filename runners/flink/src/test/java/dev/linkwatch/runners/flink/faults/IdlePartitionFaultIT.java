package dev.linkwatch.runners.flink.faults;

import dev.linkwatch.testing.FaultScenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Only one of four input partitions gets tweets: every batch still closes (see {@link
 * FaultScenario#idlePartitions}). On embedded Flink; the pipeline is never restarted and must lose
 * nothing.
 */
@Tag("fault")
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IdlePartitionFaultIT {
  @Test
  void everyBatchClosesWhileThreeOfFourPartitionsAreIdle() throws Exception {
    FaultScenario.idlePartitions(FlinkFaults.RUNNER);
  }
}
