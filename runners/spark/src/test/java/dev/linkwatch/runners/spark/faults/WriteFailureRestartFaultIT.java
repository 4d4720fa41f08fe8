package dev.linkwatch.runners.spark.faults;

import dev.linkwatch.testing.FaultScenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes that fail: the broker is killed for 10 s while the writers' timeouts are cut to 1-2 s, so a
 * microbatch's sends give up and its Spark job fails; the job must end, and the same command (same
 * {@code --checkpointDir}) started again must bring out every record (see {@link
 * FaultScenario#failedWritesThenRestart}). Opt-in: -Dlinkwatch.it.sparkFaults=true.
 */
@Tag("fault")
@EnabledIfSystemProperty(named = SparkFaults.ENABLE, matches = "true")
@Timeout(value = 15, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WriteFailureRestartFaultIT {
  @Test
  void aJobWhoseWritesFailedEndsAndItsRestartLosesNothing() throws Exception {
    FaultScenario.failedWritesThenRestart(
        SparkFaults.RUNNER, "--kafkaProperties=max.block.ms=1000,delivery.timeout.ms=2000,request.timeout.ms=1000");
  }
}
