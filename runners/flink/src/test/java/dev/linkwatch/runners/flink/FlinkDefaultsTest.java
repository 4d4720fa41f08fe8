package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** The levers LinkwatchFlinkRunner sets (see docs/benchmarks.md) and the user's say over them. */
class FlinkDefaultsTest {
  @Test
  void objectReuseFasterCopyAndNoMetricsUnlessTheUserSaysOtherwise() {
    FlinkPipelineOptions defaults =
        PipelineOptionsFactory.fromArgs("--streaming=true").as(FlinkPipelineOptions.class);
    LinkwatchFlinkRunner.configure(defaults);
    assertThat(defaults.getObjectReuse()).isTrue();
    assertThat(defaults.getFasterCopy()).isTrue();
    assertThat(defaults.getDisableMetrics()).isTrue();
    assertThat(defaults.getMaxBundleTimeMills()).isEqualTo(LinkwatchFlinkRunner.STREAMING_BUNDLE_MILLIS);

    FlinkPipelineOptions beams =
        PipelineOptionsFactory.fromArgs(
                "--streaming=true", "--objectReuse=false", "--fasterCopy=false", "--disableMetrics=false")
            .as(FlinkPipelineOptions.class);
    LinkwatchFlinkRunner.configure(beams);
    assertThat(beams.getObjectReuse()).isFalse();
    assertThat(beams.getFasterCopy()).isFalse();
    assertThat(beams.getDisableMetrics()).isFalse();
  }

  @Test
  void noFasterCopyWhenCheckpointsAreTaken() {
    // Faster copy would let a heap-state snapshot share the accumulators the task changes in place.
    FlinkPipelineOptions withDir =
        PipelineOptionsFactory.fromArgs("--streaming=true", "--checkpointDir=/tmp/linkwatch-checkpoints")
            .as(FlinkPipelineOptions.class);
    LinkwatchFlinkRunner.configure(withDir);
    assertThat(withDir.getCheckpointingInterval()).isPositive();
    assertThat(withDir.getFasterCopy()).isFalse();
    assertThat(withDir.getObjectReuse()).isTrue();

    FlinkPipelineOptions withInterval =
        PipelineOptionsFactory.fromArgs("--streaming=true", "--checkpointingInterval=5000")
            .as(FlinkPipelineOptions.class);
    LinkwatchFlinkRunner.configure(withInterval);
    assertThat(withInterval.getFasterCopy()).isFalse();

    FlinkPipelineOptions asked =
        PipelineOptionsFactory.fromArgs("--streaming=true", "--checkpointingInterval=5000", "--fasterCopy=true")
            .as(FlinkPipelineOptions.class);
    LinkwatchFlinkRunner.configure(asked);
    assertThat(asked.getFasterCopy()).as("the user's word wins").isTrue();
  }
}
