package dev.linkwatch.runners.spark.faults;

import dev.linkwatch.testing.FaultScenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Only one of four input partitions gets tweets: every batch still closes (see {@link
 * FaultScenario#idlePartitions}). On Spark streaming (local[2]); the pipeline is never restarted
 * and must lose nothing. Opt-in: -Dlinkwatch.it.sparkFaults=true.
 */
@Tag("fault")
@EnabledIfSystemProperty(named = SparkFaults.ENABLE, matches = "true")
@Timeout(value = 12, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IdlePartitionFaultIT {
  @Test
  void everyBatchClosesWhileThreeOfFourPartitionsAreIdle() throws Exception {
    FaultScenario.idlePartitions(SparkFaults.RUNNER);
  }
}
