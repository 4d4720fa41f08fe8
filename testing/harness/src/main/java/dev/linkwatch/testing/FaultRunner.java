package dev.linkwatch.testing;

import dev.linkwatch.local.ChildJvm;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The engine a {@link FaultScenario} runs the pipeline on: which {@code linkwatch} JVM to start, the
 * options that pick and set up the runner, and how the fault report names the runner and the mode.
 * Each runner module's fault tests define theirs; the scenarios are the same for all.
 *
 * @param runner the report's runner cell, e.g. "Flink 1.19 embedded, parallelism 2, own JVM (-Xmx1g)"
 * @param mode the report's mode cell, e.g. "streaming, at-least-once, no checkpoints"
 * @param jvm a fresh spec of the {@code linkwatch} command on the runner's classpath
 *     ({@link ChildJvm#linkwatch} or {@link ChildJvm#onRunner}); the scenario adds log, heap and args
 * @param args the {@code run} options that choose and configure the runner, given the scenario's own
 *     fresh working directory (for a checkpoint directory); the scenario's topic options come after
 */
public record FaultRunner(
    String runner, String mode, Supplier<ChildJvm.Spec> jvm, Function<Path, List<String>> args) {}
