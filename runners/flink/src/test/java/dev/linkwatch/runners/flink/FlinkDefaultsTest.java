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
}
