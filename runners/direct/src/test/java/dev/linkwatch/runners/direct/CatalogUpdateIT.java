package dev.linkwatch.runners.direct;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.core.CatalogTopic;
import dev.linkwatch.core.LiveCatalog;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.CatalogUpdateScenario;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import dev.linkwatch.testing.ClusterInput;
import dev.linkwatch.testing.SharedKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 19 on the DirectRunner: the catalog topic changes under a running job (see the scenario). */
@ExtendWith(SharedKafka.class)
class CatalogUpdateIT {
  @Test
  void addedAndRemovedEntriesTakeEffectWithinTheBoundAndABrokenUpdateIsRefused(LocalKafka kafka)
      throws Exception {
    String in = "it.catalog." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(1, in, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    CatalogUpdateScenario scenario = new CatalogUpdateScenario(kafka.bootstrapServers(), in);
    scenario.prepare();
    // Runs until cancelled: a fixed read time would have to cover a slow start on a busy machine.
    List<String> args = new ArrayList<>(List.of("--runner=DirectRunner", "--blockOnRun=false"));
    args.addAll(ClusterInput.pipelineArgs(kafka.bootstrapServers(), in, 0));
    args.addAll(scenario.catalogArgs());
    PipelineResult job = LinkwatchPipeline.run(ConfigFile.parse(args.toArray(String[]::new)));
    // The worker is this JVM: its live catalog says what it refused.
    CatalogTopic feed =
        new CatalogTopic(scenario.catalogTopic(), Map.of("bootstrap.servers", kafka.bootstrapServers()));
    try {
      scenario.runAndCheck(
          () -> LiveCatalog.existing(feed, false).map(LiveCatalog::lastRefusal).orElse(null));
    } catch (AssertionError | Exception e) {
      job.cancel();
      throw e;
    }
    assertThat(LiveCatalog.existing(feed, false).orElseThrow().current().version())
        .isEqualTo(CatalogUpdateScenario.second().version());
    assertThat(job.getState()).isEqualTo(PipelineResult.State.RUNNING);
    job.cancel();
  }
}
