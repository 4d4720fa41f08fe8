package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.core.CatalogTopic;
import dev.linkwatch.core.LiveCatalog;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import dev.linkwatch.testing.CatalogUpdateScenario;
import dev.linkwatch.testing.ClusterInput;
import dev.linkwatch.testing.SharedKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 19 on Flink (embedded, streaming, two subtasks sharing the JVM's live catalog): the catalog
 * topic changes under a running job; see {@link CatalogUpdateScenario}.
 */
@ExtendWith(SharedKafka.class)
class CatalogUpdateIT {
  @Test
  void addedAndRemovedEntriesTakeEffectWithinTheBoundAndABrokenUpdateIsRefused(LocalKafka kafka)
      throws Exception {
    String in = "it.catalog.flink." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(1, in, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    CatalogUpdateScenario scenario = new CatalogUpdateScenario(kafka.bootstrapServers(), in);
    scenario.prepare();
    List<String> args = new ArrayList<>(ClusterInput.pipelineArgs(kafka.bootstrapServers(), in, 0));
    args.removeIf(a -> a.startsWith("--maxReadSeconds"));
    args.addAll(
        List.of(
            "--runner=LinkwatchFlinkRunner",
            "--streaming=true",
            "--parallelism=2",
            "--startOffset=earliest",
            // The job ends by itself once it has read the scenario's posts.
            "--maxReadRecords=" + CatalogUpdateScenario.POSTS));
    args.addAll(scenario.catalogArgs());
    CompletableFuture<PipelineResult.State> job =
        CompletableFuture.supplyAsync(
            () -> LinkwatchPipeline.run(ConfigFile.parse(args.toArray(String[]::new))).waitUntilFinish());
    // The task slots are in this JVM: its live catalog says what it refused.
    CatalogTopic feed =
        new CatalogTopic(scenario.catalogTopic(), Map.of("bootstrap.servers", kafka.bootstrapServers()));
    scenario.runAndCheck(
        () -> LiveCatalog.existing(feed, false).map(LiveCatalog::lastRefusal).orElse(null));
    assertThat(job.get(90, TimeUnit.SECONDS)).isEqualTo(PipelineResult.State.DONE);
  }
}
