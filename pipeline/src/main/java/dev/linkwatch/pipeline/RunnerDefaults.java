package dev.linkwatch.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.display.DisplayData;

/**
 * A runner module's own defaults, which linkwatch sets before the job is built so that the start-up
 * line can name them. Runner modules register an implementation in {@code META-INF/services}; each
 * acts only when the options name its own runner class (the runner is known from the options, never
 * guessed from class names). An option the user gave always wins over a default.
 */
public interface RunnerDefaults {
  /**
   * Sets the defaults in {@code options} when they name this implementation's runner, and returns what
   * it set as one short phrase for the start-up line; empty when it does not apply or there is nothing
   * to say. Must be idempotent: the runner may apply it again when it is created.
   */
  String apply(PipelineOptions options);

  /**
   * Whether the user gave option {@code name} (on the command line or in the config file): display
   * data lists the options that were set, never defaults, so a runner's default never overrides a
   * user's choice, even one equal to Beam's own default.
   */
  static boolean userGave(PipelineOptions options, String name) {
    return DisplayData.from(options).items().stream().anyMatch(item -> item.getKey().equals(name));
  }

  /** Applies every registered implementation; their phrases joined by "; " (empty when none spoke). */
  static String applyAll(PipelineOptions options) {
    List<String> said = new ArrayList<>();
    for (RunnerDefaults d : ServiceLoader.load(RunnerDefaults.class, RunnerDefaults.class.getClassLoader())) {
      String s = d.apply(options);
      if (s != null && !s.isBlank()) {
        said.add(s);
      }
    }
    return String.join("; ", said);
  }
}
