package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.testing.ClusterInput;
import dev.linkwatch.testing.KafkaClients;
import dev.linkwatch.testing.RoutedOutputs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink bundle on a Flink standalone session cluster that has only Flink's own jars: linkwatch is
 * submitted with {@code --flinkMaster} and the bundle staged (what {@code ./linkwatch run
 * --flinkMaster=...} does), reads the real broker, and every input record must come out exactly once,
 * routed as the DirectRunner routes a copy of the same input.
 */
@ExtendWith(SharedKafka.class)
class FlinkClusterIT {
  private static final int TWEETS = 600;

  @TempDir static Path dir;
  private static FlinkStandalone cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = FlinkStandalone.start(dir);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theBundleSubmittedWithFlinkMasterRoutesEveryRecordOnceAsTheDirectRunnerDoes(LocalKafka kafka)
      throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String onCluster = "it.flinkcluster." + id;
    String onDirect = "it.flinkdirect." + id;
    for (String in : List.of(onCluster, onDirect)) {
      kafka.createTopics(2, in, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    }
    ClusterInput.produce(kafka.bootstrapServers(), TWEETS, 2, 11, onCluster, onDirect);

    List<String> args =
        new ArrayList<>(
            List.of(
                "--runner=LinkwatchFlinkRunner",
                "--flinkMaster=" + cluster.master(),
                "--parallelism=2",
                "--filesToStage=" + System.getProperty("linkwatch.bundle")));
    args.addAll(ClusterInput.pipelineArgs(kafka.bootstrapServers(), onCluster, 20));
    // The DirectRunner reads its copy meanwhile, so the two bounded reads overlap.
    ExecutorService referenceRun = Executors.newSingleThreadExecutor();
    Future<PipelineResult.State> direct =
        referenceRun.submit(() -> KafkaClients.runPipeline(kafka.bootstrapServers(), onDirect, 20));
    referenceRun.shutdown();
    PipelineResult.State onFlink =
        LinkwatchPipeline.run(ConfigFile.parse(args.toArray(String[]::new))).waitUntilFinish();
    assertThat(onFlink).as("job on the cluster%s", cluster.logs()).isEqualTo(PipelineResult.State.DONE);
    // The tasks ran in the cluster's TaskManager, not in this JVM.
    assertThat(cluster.taskManagerLog()).contains("ReadRecords");
    assertThat(direct.get(4, TimeUnit.MINUTES)).isEqualTo(PipelineResult.State.DONE);

    DeliveryCheck.Report report =
        DeliveryCheck.of(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                onCluster,
                List.of(onCluster + ".matched", onCluster + ".unmatched", onCluster + ".errors"))
            .waitingAtMost(Duration.ofSeconds(2), Duration.ofMinutes(1))
            .run();
    assertThat(report.inputRecords()).isEqualTo(TWEETS);
    assertThat(report.exactlyOnce()).as(report.toText()).isTrue();

    Map<String, Map<String, String>> fromCluster = RoutedOutputs.read(kafka.bootstrapServers(), onCluster, TWEETS);
    Map<String, Map<String, String>> reference = RoutedOutputs.read(kafka.bootstrapServers(), onDirect, TWEETS);
    assertThat(RoutedOutputs.sizes(reference).values()).allMatch(n -> n > 0);
    assertThat(RoutedOutputs.sizes(fromCluster)).isEqualTo(RoutedOutputs.sizes(reference));
    assertThat(RoutedOutputs.differences(reference, fromCluster)).isEmpty();
  }

  /** What docs/runners.md tells a user to type: {@code flink run bundle.jar run --runner=FlinkRunner ...}. */
  @Test
  void flinkRunOfTheBundleRoutesEveryRecordOnce(LocalKafka kafka) throws Exception {
    String in = "it.flinkrun." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(2, in, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    ClusterInput.produce(kafka.bootstrapServers(), TWEETS, 2, 13, in);

    List<String> args = new ArrayList<>(List.of("run", "--runner=LinkwatchFlinkRunner", "--parallelism=2"));
    args.addAll(ClusterInput.pipelineArgs(kafka.bootstrapServers(), in, 20));
    long jobsBefore = cluster.jobsRun();
    ChildJvm flinkRun = cluster.flinkRun("flink-run", Path.of(System.getProperty("linkwatch.bundle")), args);
    assertThat(flinkRun.waitFor(Duration.ofMinutes(4))).as("flink run exit code:\n%s", flinkRun.tail()).isZero();
    // linkwatch's own lines on the client: the start-up line, and the end (no account here: Flink's
    // metrics are off by default, and the delivery check below reads the topics back instead).
    assertThat(flinkRun.log()).contains("linkwatch run: reading topic " + in + " at ").contains("linkwatch run: no account");
    assertThat(cluster.jobsRun()).as("jobs on the TaskManager").isEqualTo(jobsBefore + 1);

    DeliveryCheck.Report report =
        DeliveryCheck.of(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                in,
                List.of(in + ".matched", in + ".unmatched", in + ".errors"))
            .waitingAtMost(Duration.ofSeconds(2), Duration.ofMinutes(1))
            .run();
    assertThat(report.inputRecords()).isEqualTo(TWEETS);
    assertThat(report.exactlyOnce()).as(report.toText()).isTrue();
  }
}
