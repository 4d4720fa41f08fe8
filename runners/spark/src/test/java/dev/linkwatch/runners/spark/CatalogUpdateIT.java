package dev.linkwatch.runners.spark;

import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.CatalogUpdateScenario;
import dev.linkwatch.testing.ClusterInput;
import dev.linkwatch.testing.KeptLogs;
import dev.linkwatch.testing.SharedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 on the classic Spark runner in streaming mode, where Beam's PeriodicImpulse (and so a
 * slowly-updating side input) does not exist: the catalog topic changes under a running job, in its
 * own JVM as {@code ./linkwatch run --runner=spark} runs it; see {@link CatalogUpdateScenario}. The
 * refusal is read from the job's log, as an operator would.
 */
@ExtendWith(SharedKafka.class)
class CatalogUpdateIT {
  @Test
  void addedAndRemovedEntriesTakeEffectWithinTheBoundAndABrokenUpdateIsRefused(
      LocalKafka kafka, @TempDir Path dir) throws Exception {
    String in = "it.catalog.spark." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(1, in, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    CatalogUpdateScenario scenario = new CatalogUpdateScenario(kafka.bootstrapServers(), in);
    scenario.prepare();
    List<String> args = new ArrayList<>(ClusterInput.pipelineArgs(kafka.bootstrapServers(), in, 0));
    args.removeIf(a -> a.startsWith("--maxReadSeconds"));
    args.addAll(
        List.of(
            "--runner=SparkRunner",
            "--streaming=true",
            "--sparkMaster=local[2]",
            // as SparkStreamingIT: short microbatches that read for long enough to see records
            "--batchIntervalMillis=2000",
            "--minReadTimeMillis=1000",
            "--checkpointDir=" + dir.resolve("checkpoint")));
    args.addAll(scenario.catalogArgs());
    try (ChildJvm spark =
        ChildJvm.onRunner("spark").log(KeptLogs.dir(dir).resolve(in + ".log")).args("run").args(args).start()) {
      scenario.runAndCheck(() -> String.join("\n", CatalogUpdateScenario.refusals(spark.log())));
      spark.stopOrKill(Duration.ofSeconds(30));
    }
  }
}
