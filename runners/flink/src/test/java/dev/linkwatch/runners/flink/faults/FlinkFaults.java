package dev.linkwatch.runners.flink.faults;

import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.testing.FaultRunner;
import java.util.List;

/** The fault scenarios' runner here: {@code linkwatch run --runner=flink --streaming=true}, embedded Flink. */
final class FlinkFaults {
  private FlinkFaults() {}

  /** On this module's test classpath (Flink's jars), as {@code ./linkwatch --runner=flink} runs. */
  static final FaultRunner RUNNER =
      new FaultRunner(
          "Flink 1.19 embedded, parallelism 2, own JVM (-Xmx1g)",
          "streaming, at-least-once, no checkpoints",
          () -> ChildJvm.linkwatch("pipeline"),
          work -> List.of("--runner=LinkwatchFlinkRunner", "--streaming=true", "--parallelism=2"));
}
