package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.testing.KafkaClients;
import dev.linkwatch.testing.KeptLogs;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline in its own JVM on embedded Flink, checkpointing every second, killed with SIGKILL at
 * seeded-random points while tweets stream in, and restarted each time from its latest checkpoint.
 * Afterwards {@link DeliveryCheck} accounts for every input offset.
 *
 * <p>Each at-least-once restart uses a fresh consumer group starting at {@code latest}, so the records
 * produced while the job was down come out only if the checkpoint restored the reader's offsets (a
 * restart that ignored the checkpoint, or fell back to committed group offsets, would lose them).
 */
@Tag("fault")
@ExtendWith(SharedKafka.class)
class FlinkRestartIT {
  private static final int RATE = 80;

  @Test
  void killedAtRandomPointsAndRestartedFromCheckpointsLosesNothing(LocalKafka kafka, @TempDir Path tmp)
      throws Exception {
    Scenario s = new Scenario(kafka, tmp, "it.restart.", 2, 2026, false, RATE);
    DeliveryCheck.Report report = s.run();
    System.out.println("FlinkRestartIT at-least-once, 2 kills:\n" + report.toText());
    assertThat(report.lost()).as(report.toText()).isZero();
    assertThat(report.unknown()).as(report.toText()).isZero();
    assertThat(report.inputRecords()).isGreaterThan(1_000);
  }

  /**
   * The same with {@code --exactlyOnce=true} and a {@code read_committed} account: each restore reads
   * again records its writers had already committed, and none may come out twice. Opt-in
   * ({@code -Dlinkwatch.it.long=true}) to keep the suite under 20 minutes: exactly-once across a
   * SIGKILL and a restore is in the default suite three times already ({@code ExactlyOnceReplayIT},
   * {@code ReplayTimelineIT}, {@code JetstreamExactlyOnceIT}); this one adds a second kill.
   */
  @Test
  @EnabledIfSystemProperty(named = "linkwatch.it.long", matches = "true")
  void exactlyOnceNeitherLosesNorDuplicatesAcrossKills(LocalKafka kafka, @TempDir Path tmp)
      throws Exception {
    Scenario s = new Scenario(kafka, tmp, "it.restart.eos.", 2, 7, true, RATE);
    DeliveryCheck.Report report = s.run();
    System.out.println("FlinkRestartIT exactly-once, 2 kills:\n" + report.toText());
    assertThat(report.lost()).as(report.toText()).isZero();
    assertThat(report.unknown()).as(report.toText()).isZero();
    assertThat(report.duplicatedOffsets()).as(report.toText()).isZero();
    assertThat(report.inputRecords()).isGreaterThan(1_000);
  }

  /** One stream, {@code kills} SIGKILLs, one restart after each, then the account. */
  private static final class Scenario {
    final LocalKafka kafka;
    final Path tmp;
    final Path checkpoints;
    final String in;
    final int kills;
    final Random random;
    final boolean exactlyOnce;
    final int rate;

    Scenario(
        LocalKafka kafka, Path tmp, String prefix, int kills, long seed, boolean exactlyOnce, int rate) {
      this.kafka = kafka;
      this.tmp = tmp;
      this.checkpoints = tmp.resolve("checkpoints");
      this.in = prefix + UUID.randomUUID().toString().substring(0, 8);
      this.kills = kills;
      this.random = new Random(seed);
      this.exactlyOnce = exactlyOnce;
      this.rate = rate;
    }

    List<String> outputs() {
      return List.of(in + ".matched", in + ".unmatched", in + ".errors");
    }

    DeliveryCheck.Report run() throws Exception {
      kafka.createTopics(2, in);
      kafka.createTopics(1, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
      try (Stream stream = Stream.start(kafka.bootstrapServers(), in, rate)) {
        Optional<Path> latest = Optional.empty();
        for (int run = 0; ; run++) {
          Job job = Job.start(args(run), KeptLogs.dir(tmp).resolve(in + ".run-" + run + ".log"));
          try {
            latest = job.awaitCheckpointAfter(checkpoints, latest);
            if (run > 0) {
              assertThat(job.fullLog()).as("run %d restored from a checkpoint", run).contains("Restoring job");
            }
            if (run == 0 && !exactlyOnce) {
              // KafkaIO commits offsets when Flink reports the checkpoint complete (commitOffsetsInFinalize).
              assertThat(awaitCommitted(group(0))).as("offsets committed after a checkpoint").isPositive();
            }
            if (run == kills) {
              Thread.sleep(2_000);
              stream.stop();
              return DeliveryCheck.of(
                      Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                      in,
                      outputs())
                  .readCommitted(exactlyOnce)
                  .waitingAtMost(Duration.ofSeconds(5), Duration.ofMinutes(3))
                  .run();
            }
            Thread.sleep(random.nextInt(2_500));
          } finally {
            job.kill();
          }
          // The one the next run restores from; the next run must then write one of its own.
          latest = LatestCheckpoint.in(checkpoints);
          // Down for a while: the stream goes on without the pipeline.
          Thread.sleep(1_000 + random.nextInt(2_000));
        }
      }
    }

    String group(int run) {
      // At-least-once: a fresh group per run (see the class comment). Exactly-once: the sink keeps its
      // progress under the consumer group, so the job keeps it.
      return exactlyOnce ? in : in + ".run" + run;
    }

    List<String> args(int run) {
      List<String> a =
          new ArrayList<>(
              List.of(
                  "run",
                  "--runner=LinkwatchFlinkRunner",
                  "--streaming=true",
                  "--parallelism=2",
                  "--bootstrapServers=" + kafka.bootstrapServers(),
                  "--inputTopic=" + in,
                  "--matchedTopic=" + in + ".matched",
                  "--unmatchedTopic=" + in + ".unmatched",
                  "--errorsTopic=" + in + ".errors",
                  "--countsTopic=" + in + ".counts",
                  "--consumerGroup=" + group(run),
                  "--startOffset=" + (run == 0 || exactlyOnce ? "earliest" : "latest"),
                  "--unshorten=false",
                  "--printCounts=false",
                  "--checkpointDir=" + checkpoints,
                  "--checkpointingInterval=1000"));
      if (run > 0) {
        a.add("--restoreFrom=latest");
      }
      if (exactlyOnce) {
        a.add("--exactlyOnce=true");
      }
      return a;
    }

    long awaitCommitted(String group) throws Exception {
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
          Map<TopicPartition, OffsetAndMetadata> offsets =
              admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
          long sum = offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
          if (sum > 0) {
            return sum;
          }
          Thread.sleep(250);
        }
        return 0;
      }
    }
  }

  /** Generated tweets at a steady rate until stopped. */
  private static final class Stream implements AutoCloseable {
    final AtomicBoolean producing = new AtomicBoolean(true);
    final AtomicLong sent = new AtomicLong();
    final Thread thread;

    private Stream(String bootstrap, String topic, int rate) {
      thread =
          new Thread(
              () -> {
                TweetGenerator generator = new TweetGenerator(17, 0.02, Instant.now());
                long start = System.nanoTime();
                try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
                  while (producing.get()) {
                    long wait = start + sent.get() * 1_000_000_000L / rate - System.nanoTime();
                    if (wait > 0) {
                      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    producer.send(new ProducerRecord<>(topic, generator.next().value()));
                    sent.incrementAndGet();
                  }
                  producer.flush();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "restart-it-stream");
      thread.setDaemon(true);
    }

    static Stream start(String bootstrap, String topic, int rate) {
      Stream s = new Stream(bootstrap, topic, rate);
      s.thread.start();
      return s;
    }

    void stop() throws InterruptedException {
      producing.set(false);
      thread.join(30_000);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }

  /** {@code linkwatch run} in a child JVM, as a user runs it, with Flink's checkpoint log lines kept. */
  private static final class Job {
    final ChildJvm jvm;

    private Job(ChildJvm jvm) {
      this.jvm = jvm;
    }

    static Job start(List<String> args, Path log) {
      return new Job(
          ChildJvm.linkwatch("job")
              .log(log)
              .jvmArgs(
                  List.of(
                      "-Xmx1g",
                      "-Dorg.slf4j.simpleLogger.log.org.apache.flink.runtime.checkpoint.CheckpointCoordinator=info",
                      "-Dorg.slf4j.simpleLogger.log.dev.linkwatch.pipeline.kafka.WriteExactlyOnce=info"))
              .args(args)
              .start());
    }

    /** Waits for a complete checkpoint newer than {@code previous} (this run's first, or later). */
    Optional<Path> awaitCheckpointAfter(Path dir, Optional<Path> previous) throws Exception {
      // A safety net only: on a loaded machine a child JVM takes minutes to reach its first checkpoint.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (System.nanoTime() < deadline) {
        Optional<Path> latest = LatestCheckpoint.in(dir);
        if (latest.isPresent() && !latest.equals(previous)) {
          return latest;
        }
        assertThat(jvm.isAlive()).as("pipeline still running:%n%s", log()).isTrue();
        Thread.sleep(200);
      }
      throw new AssertionError("no new checkpoint within 5 minutes:\n" + log());
    }

    String fullLog() {
      return jvm.log();
    }

    String log() throws IOException {
      String text = fullLog();
      return text.length() > 20_000 ? text.substring(text.length() - 20_000) : text;
    }

    void kill() throws InterruptedException {
      jvm.kill(); // SIGKILL: no shutdown hook, no final checkpoint
    }
  }
}
