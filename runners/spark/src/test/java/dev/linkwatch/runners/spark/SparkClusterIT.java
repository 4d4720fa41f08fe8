package dev.linkwatch.runners.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.testing.ClusterInput;
import dev.linkwatch.testing.KafkaClients;
import dev.linkwatch.testing.RoutedOutputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark bundle on a Spark standalone cluster that has only Spark's own jars: spark-submit runs
 * linkwatch against the real broker, and every input record must come out exactly once, routed as the
 * DirectRunner routes a copy of the same input. If the bundle missed a class or a service file, the job
 * would fail on the driver or in the executors.
 */
@ExtendWith(SharedKafka.class)
class SparkClusterIT {
  private static final int TWEETS = 600;

  @TempDir static Path dir;
  private static SparkStandalone cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = SparkStandalone.start(dir);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void sparkSubmitOfTheBundleRoutesEveryRecordOnceAsTheDirectRunnerDoes(LocalKafka kafka) throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String onCluster = "it.sparkcluster." + id;
    String onDirect = "it.sparkdirect." + id;
    for (String in : List.of(onCluster, onDirect)) {
      kafka.createTopics(2, in, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    }
    ClusterInput.produce(kafka.bootstrapServers(), TWEETS, 2, 7, onCluster, onDirect);

    List<String> args = new ArrayList<>(List.of("run", "--runner=SparkRunner"));
    args.addAll(ClusterInput.pipelineArgs(kafka.bootstrapServers(), onCluster, 20));
    Path bundle = Path.of(System.getProperty("linkwatch.bundle"));
    ChildJvm submit =
        cluster.submit(
            "spark-submit",
            bundle,
            List.of(
                "--class", "dev.linkwatch.cli.Main",
                "--conf", "spark.executor.memory=1g",
                "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", ChildJvm.opens()),
                "--conf", "spark.ui.enabled=false"),
            args);
    // The DirectRunner reads its copy meanwhile, in this JVM.
    PipelineResult.State direct = KafkaClients.runPipeline(kafka.bootstrapServers(), onDirect, 20);
    int exit = submit.waitFor(Duration.ofMinutes(4));
    assertThat(exit).as("spark-submit exit code%s", cluster.logs()).isZero();
    assertThat(direct).isEqualTo(PipelineResult.State.DONE);
    // The job ran in the cluster's executors, not in the driver.
    assertThat(executorLogs()).as("executor logs").contains("Running task");

    DeliveryCheck.Report report = check(kafka, onCluster);
    assertThat(report.inputRecords()).isEqualTo(TWEETS);
    assertThat(report.exactlyOnce()).as(report.toText()).isTrue();

    Map<String, Map<String, String>> fromCluster = RoutedOutputs.read(kafka.bootstrapServers(), onCluster, TWEETS);
    Map<String, Map<String, String>> reference = RoutedOutputs.read(kafka.bootstrapServers(), onDirect, TWEETS);
    assertThat(RoutedOutputs.sizes(reference).values()).allMatch(n -> n > 0);
    assertThat(RoutedOutputs.sizes(fromCluster)).isEqualTo(RoutedOutputs.sizes(reference));
    assertThat(RoutedOutputs.differences(reference, fromCluster)).isEmpty();
  }

  private static DeliveryCheck.Report check(LocalKafka kafka, String in) {
    return DeliveryCheck.of(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            in,
            List.of(in + ".matched", in + ".unmatched", in + ".errors"))
        .waitingAtMost(Duration.ofSeconds(2), Duration.ofMinutes(1))
        .run();
  }

  private static String executorLogs() throws Exception {
    StringBuilder s = new StringBuilder();
    try (var files = Files.walk(cluster.workDir())) {
      for (Path p : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        s.append(Files.readString(p));
      }
    }
    return s.toString();
  }
}
