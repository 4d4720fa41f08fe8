package dev.linkwatch.runners.flink;

import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.runners.PipelineRunnerRegistrar;

/** Makes {@code --checkpointDir}, {@code --restoreFrom} and {@code --runner=LinkwatchFlinkRunner} known to Beam. */
public final class FlinkCheckpointRegistrar {
  private FlinkCheckpointRegistrar() {}

  /** Registered in META-INF/services. */
  public static final class Options implements PipelineOptionsRegistrar {
    @Override
    public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
      return List.of(CheckpointOptions.class);
    }
  }

  /** Registered in META-INF/services. */
  public static final class Runner implements PipelineRunnerRegistrar {
    @Override
    public Iterable<Class<? extends PipelineRunner<?>>> getPipelineRunners() {
      return List.of(LinkwatchFlinkRunner.class);
    }
  }
}
