package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.KafkaWriteOptions;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatestCheckpointTest {
  @Test
  void picksTheNewestCompleteCheckpointAcrossJobs(@TempDir Path dir) throws IOException {
    assertThat(LatestCheckpoint.in(dir)).isEmpty();
    assertThat(LatestCheckpoint.in(dir.resolve("missing"))).isEmpty();
    Path old = checkpoint(dir, "job-a", 7, 1_000);
    assertThat(LatestCheckpoint.in(dir)).contains(old);
    // A later run that started afresh numbers from 1 again: newer by time, not by number.
    Path fresh = checkpoint(dir, "job-b", 1, 2_000);
    assertThat(LatestCheckpoint.in(dir)).contains(fresh);
    // Still being taken (no metadata yet), or torn by a kill mid-write: not complete.
    Files.createDirectories(dir.resolve("job-b/chk-2"));
    Path torn = Files.createDirectories(dir.resolve("job-b/chk-3")).resolve("_metadata");
    Files.write(torn, new byte[] {0, 0, 0});
    Files.setLastModifiedTime(torn, FileTime.fromMillis(3_000));
    Files.createDirectories(dir.resolve("job-b/shared"));
    assertThat(LatestCheckpoint.in(dir)).contains(fresh);
  }

  @Test
  void checkpointDirTurnsOnRetainedCheckpoints(@TempDir Path dir) {
    FlinkPipelineOptions o = options("--checkpointDir=" + dir);
    LinkwatchFlinkRunner.configure(o);
    assertThat(o.getCheckpointingInterval()).isEqualTo(LinkwatchFlinkRunner.DEFAULT_INTERVAL_MILLIS);
    assertThat(o.getStateBackend()).isEqualTo("filesystem");
    assertThat(o.getStateBackendStoragePath()).isEqualTo(dir.toUri().toString());
    assertThat(o.isExternalizedCheckpointsEnabled()).isTrue();
    assertThat(o.getRetainExternalizedCheckpointsOnCancellation()).isTrue();
    assertThat(o.getSavepointPath()).isNull();

    FlinkPipelineOptions explicit = options("--checkpointDir=" + dir, "--checkpointingInterval=1500");
    LinkwatchFlinkRunner.configure(explicit);
    assertThat(explicit.getCheckpointingInterval()).isEqualTo(1500L);

    FlinkPipelineOptions none = options();
    LinkwatchFlinkRunner.configure(none);
    assertThat(none.getCheckpointingInterval()).isEqualTo(-1L);
    assertThat(none.isExternalizedCheckpointsEnabled()).isFalse();
  }

  @Test
  void streamingBundlesCloseAfter100MillisUnlessTheUserSaysOtherwise() {
    FlinkPipelineOptions streaming = options("--streaming=true");
    LinkwatchFlinkRunner.configure(streaming);
    assertThat(streaming.getMaxBundleTimeMills()).isEqualTo(LinkwatchFlinkRunner.STREAMING_BUNDLE_MILLIS);

    // Beam's own default, given explicitly, is the user's choice and stays.
    FlinkPipelineOptions explicit = options("--streaming=true", "--maxBundleTimeMills=1000");
    LinkwatchFlinkRunner.configure(explicit);
    assertThat(explicit.getMaxBundleTimeMills()).isEqualTo(1000L);

    FlinkPipelineOptions batch = options();
    LinkwatchFlinkRunner.configure(batch);
    assertThat(batch.getMaxBundleTimeMills()).isEqualTo(10_000L); // Beam's batch default
  }

  @Test
  void restoreFromLatestPutsItIntoTheEmbeddedClustersConfiguration(@TempDir Path dir) throws IOException {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("flink-conf.yaml"), "rest.address: 127.0.0.1\n");
    Path chk = checkpoint(dir.resolve("chk"), "job-a", 4, 1_000);
    FlinkPipelineOptions o =
        options("--checkpointDir=" + dir.resolve("chk"), "--restoreFrom=latest", "--flinkConfDir=" + conf);
    LinkwatchFlinkRunner.configure(o);
    assertThat(o.getSavepointPath()).isEqualTo(chk.toAbsolutePath().toString());
    var loaded = GlobalConfiguration.loadConfiguration(o.getFlinkConfDir()).toMap();
    assertThat(loaded)
        .containsEntry("execution.savepoint.path", chk.toAbsolutePath().toString())
        .containsEntry("rest.address", "127.0.0.1");
  }

  @Test
  void restoreFailsAtStartNamingTheKey(@TempDir Path dir) {
    assertThatThrownBy(() -> LinkwatchFlinkRunner.configure(options("--restoreFrom=latest")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("restoreFrom: 'latest' needs --checkpointDir");
    assertThatThrownBy(
            () -> LinkwatchFlinkRunner.configure(options("--checkpointDir=" + dir, "--restoreFrom=latest")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no complete checkpoint under");
    assertThatThrownBy(() -> LinkwatchFlinkRunner.configure(options("--restoreFrom=" + dir.resolve("nope"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no savepoint or checkpoint (_metadata) at");
    assertThatThrownBy(() -> LinkwatchFlinkRunner.configure(options("--exactlyOnce=true")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("exactlyOnce: needs checkpointing");
    LinkwatchFlinkRunner.configure(options("--exactlyOnce=true", "--checkpointDir=" + dir));
  }

  private static FlinkPipelineOptions options(String... args) {
    PipelineOptionsFactory.register(KafkaWriteOptions.class);
    return PipelineOptionsFactory.fromArgs(args).withValidation().as(FlinkPipelineOptions.class);
  }

  /** A chk-N directory with metadata Flink can read, written at {@code millis}. */
  private static Path checkpoint(Path dir, String job, long n, long millis) throws IOException {
    Path chk = Files.createDirectories(dir.resolve(job).resolve("chk-" + n));
    Path metadata = chk.resolve("_metadata");
    try (OutputStream out = Files.newOutputStream(metadata);
        DataOutputStream data = new DataOutputStream(out)) {
      Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(n, List.of(), List.of()), data);
    }
    Files.setLastModifiedTime(metadata, FileTime.fromMillis(millis));
    return chk;
  }
}
