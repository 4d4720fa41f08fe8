package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import dev.linkwatch.pipeline.kafka.WriteExactlyOnce;
import dev.linkwatch.testing.ClusterInput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that reads records its exactly-once writers have already committed (as after a restore from
 * a checkpoint older than their last transaction) writes none of them again, and writes every new one:
 * two runs on embedded Flink over one topic, the second from the start of it.
 */
@ExtendWith(SharedKafka.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ExactlyOnceReplayIT {
  private static final int FIRST = 400;
  private static final int MORE = 200;

  @Test
  void aReplayWritesOnlyWhatIsNew(LocalKafka kafka, @TempDir Path tmp) throws Exception {
    String in = "it.eos.replay." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(2, in);
    kafka.createTopics(1, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    String bootstrap = kafka.bootstrapServers();

    ClusterInput.produce(bootstrap, FIRST, 2, 11, in);
    PipelineResult first = run(bootstrap, in, tmp.resolve("chk-1"), FIRST);
    assertThat(counter(first, "written")).isEqualTo(FIRST);

    ClusterInput.produce(bootstrap, MORE, 2, 12, in);
    // Forget where the reader got to: the second run starts over from offset 0, behind the markers.
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.deleteConsumerGroups(List.of(in)).all().get();
    }
    PipelineResult second = run(bootstrap, in, tmp.resolve("chk-2"), FIRST + MORE);
    assertThat(counter(second, "alreadyWritten")).as("records of the first run seen again").isEqualTo(FIRST);
    assertThat(counter(second, "written")).isEqualTo(MORE);

    DeliveryCheck.Report report =
        DeliveryCheck.of(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                in,
                List.of(in + ".matched", in + ".unmatched", in + ".errors"))
            .readCommitted(true)
            .waitingAtMost(Duration.ofSeconds(3), Duration.ofMinutes(1))
            .run();
    System.out.println("ExactlyOnceReplayIT:\n" + report.toText());
    assertThat(report.inputRecords()).isEqualTo(FIRST + MORE);
    assertThat(report.exactlyOnce()).as(report.toText()).isTrue();
  }

  private static PipelineResult run(String bootstrap, String in, Path checkpoints, int records) {
    List<String> args = new ArrayList<>(ClusterInput.pipelineArgs(bootstrap, in, 0));
    args.removeIf(a -> a.startsWith("--maxReadSeconds"));
    args.addAll(
        List.of(
            "--runner=LinkwatchFlinkRunner",
            "--streaming=true",
            "--parallelism=2",
            "--startOffset=earliest",
            "--maxReadRecords=" + records,
            "--exactlyOnce=true",
            "--checkpointDir=" + checkpoints,
            "--disableMetrics=false",
            // With checkpointing on, Beam keeps finished sources alive for checkpoints unless told.
            "--shutdownSourcesAfterIdleMs=1000"));
    PipelineResult result = LinkwatchPipeline.run(ConfigFile.parse(args.toArray(String[]::new)));
    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    return result;
  }

  private static long counter(PipelineResult result, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(WriteExactlyOnce.class, name))
                    .build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }
}
