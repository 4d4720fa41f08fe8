package dev.linkwatch.runners.spark.faults;

import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.testing.FaultRunner;
import java.util.List;

/**
 * The fault scenarios' runner here: {@code linkwatch run --runner=spark --streaming=true
 * --sparkMaster=local[2] --checkpointDir=DIR} on linkwatch's Spark defaults, in its own JVM on the
 * classpath {@code ./linkwatch --runner=spark} uses. The scenarios are opt-in here ({@value #ENABLE}=true):
 * the default suite is near its 20 minutes.
 */
final class SparkFaults {
  private SparkFaults() {}

  static final String ENABLE = "linkwatch.it.sparkFaults";

  static final FaultRunner RUNNER =
      new FaultRunner(
          "Spark 3.5 local[2], own JVM (-Xmx1g)",
          "streaming, at-least-once, linkwatch's defaults (5 s microbatches), `--checkpointDir`",
          () -> ChildJvm.onRunner("spark"),
          work ->
              List.of(
                  "--runner=LinkwatchSparkRunner",
                  "--streaming=true",
                  "--sparkMaster=local[2]",
                  "--checkpointDir=" + work.resolve("checkpoint")));
}
