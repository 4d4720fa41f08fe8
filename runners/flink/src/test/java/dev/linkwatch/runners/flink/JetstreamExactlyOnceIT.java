package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.replay.JetstreamReplayServer;
import dev.linkwatch.local.replay.JetstreamReplayServer.Faults;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.samples.RealSamples;
import dev.linkwatch.sources.JetstreamBridge;
import dev.linkwatch.sources.KafkaWriter;
import dev.linkwatch.testing.KeptLogs;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.contract.OutputContract;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live source to outputs, exactly once, with a fault at each hop: the Jetstream replay server serves
 * the recorded real window (the posts, reposts, deletes, identity and account events a subscription to
 * posts and reposts gets) and cuts its first connection mid-stream; the bridge (in this JVM) resumes,
 * is then stopped and started again from its cursor file (the overlap brings events again); {@code
 * linkwatch run} on embedded Flink with {@code --exactlyOnce=true} (a child JVM) is killed with SIGKILL
 * after a checkpoint and restored from it while the bridge goes on writing.
 *
 * <p>Then every served event is in the input topic exactly once, {@link DeliveryCheck} (read_committed)
 * finds each input offset routed once, and each event (a commit by its at-uri, an identity or account
 * event by did and time) appears exactly once across the output topics read with read_committed,
 * every record read strictly through {@link OutputContract} (but for the notice-kind gap {@link
 * SourceNoticeContract} names).
 */
@ExtendWith(SharedKafka.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class JetstreamExactlyOnceIT {
  private static final String SUBSCRIPTION =
      "/subscribe?wantedCollections=app.bsky.feed.post&wantedCollections=app.bsky.feed.repost";

  @Test
  void everyPostReachesTheOutputsExactlyOnceAcrossACutABridgeRestartAndAJobKill(
      LocalKafka kafka, @TempDir Path tmp) throws Exception {
    String in = "it.jetstream.eos." + UUID.randomUUID().toString().substring(0, 8);
    List<String> routed = List.of(in + ".matched", in + ".unmatched", in + ".errors");
    kafka.createTopics(2, in);
    kafka.createTopics(1, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    Path checkpoints = tmp.resolve("checkpoints");
    Path logs = KeptLogs.dir(tmp);

    // Paced so the stream outlasts the job's kill and restore: events written while the job is down
    // must come out after the restore.
    try (JetstreamReplayServer server =
        JetstreamReplayServer.start(
            RealSamples.recorded(RealSamples.WINDOW),
            Faults.none().withDropAfter(8).withFrameDelay(Duration.ofMillis(400)))) {
      List<byte[]> served = server.select(SUBSCRIPTION);
      JetstreamBridge.Settings settings =
          JetstreamBridge.Settings.defaults(tmp.resolve("bluesky.cursor.json"))
              .withEndpoints(List.of(server.endpoint()))
              .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
              .withStatusEvery(Duration.ofSeconds(1));

      ChildJvm job = job(kafka, in, checkpoints, logs.resolve(in + ".run-0.log"), false);
      Bridge second = null;
      try {
        Optional<Path> first = awaitCheckpointAfter(job, checkpoints, Optional.empty());

        Bridge bridge = Bridge.start(settings, kafka.bootstrapServers(), in);
        bridge.await(() -> bridge.bridge.stats().written() >= 14, "the first bridge to write 14 events");
        assertThat(server.served()).as("the cut connection and the resumed one").isEqualTo(2);
        bridge.stop();
        long firstWritten = bridge.bridge.stats().written();
        second = Bridge.start(settings, kafka.bootstrapServers(), in);

        // A checkpoint that holds some of what was written, then SIGKILL: no final checkpoint.
        awaitCheckpointAfter(job, checkpoints, first);
        job.kill();
        Thread.sleep(1_000);
        job = job(kafka, in, checkpoints, logs.resolve(in + ".run-1.log"), true);
        Optional<Path> restored = LatestCheckpoint.in(checkpoints);
        awaitCheckpointAfter(job, checkpoints, restored);
        assertThat(job.log()).as("run 1 restored from a checkpoint").contains("Restoring job");

        Bridge b = second;
        b.await(
            () -> firstWritten + b.bridge.stats().written() >= served.size(),
            "both bridges together to write " + served.size() + " events");
        Thread.sleep(2_000); // anything written twice would arrive by now
        second.stop();
        assertThat(second.bridge.stats().skipped()).as("events the resume's overlap brought again").isPositive();
        assertThat(firstWritten + second.bridge.stats().written()).isEqualTo(served.size());

        // Into Kafka: every served event, bytes unchanged, once.
        assertThat(countByValue(read(kafka.bootstrapServers(), List.of(in), false).get(in)))
            .isEqualTo(countByValue(served));

        DeliveryCheck.Report report =
            DeliveryCheck.of(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), in, routed)
                .readCommitted(true)
                .waitingAtMost(Duration.ofSeconds(5), Duration.ofMinutes(2))
                .run();
        System.out.println("JetstreamExactlyOnceIT:\n" + report.toText());
        assertThat(report.inputRecords()).isEqualTo(served.size());
        assertThat(report.lost()).as(report.toText()).isZero();
        assertThat(report.duplicatedOffsets()).as(report.toText()).isZero();
        assertThat(report.unknown()).as(report.toText()).isZero();
      } finally {
        job.kill();
        if (second != null) {
          second.stop();
        }
      }

      // Out of the pipeline: each event once, by at-uri, as a read_committed consumer sees them.
      Map<String, List<ConsumerRecord<byte[], byte[]>>> outputs = read(kafka.bootstrapServers(), routed, true);
      assertThat(outputs.get(in + ".errors")).as("errors").isEmpty();
      Map<String, Integer> got = new TreeMap<>();
      for (String topic : routed) {
        String channel = topic.substring(topic.lastIndexOf('.') + 1);
        for (ConsumerRecord<byte[], byte[]> r : outputs.get(topic)) {
          JsonNode record = OutputContract.check(channel, r.value(), topic + ":" + r.offset());
          got.merge(identity(channel.equals("matched") ? record : record.get("tweet")), 1, Integer::sum);
        }
      }
      Map<String, Integer> want = new TreeMap<>();
      for (byte[] e : served) {
        want.merge(identity(OutputContract.STRICT.readTree(e)), 1, Integer::sum);
      }
      assertThat(want.values()).as("the samples name each event once").containsOnly(1);
      assertThat(got).isEqualTo(want);
    }
  }

  /** A commit's at-uri (did, collection, rkey); an identity or account event's kind, did and time. */
  private static String identity(JsonNode event) {
    String did = event.get("did").textValue();
    JsonNode commit = event.get("commit");
    if (commit != null) {
      return "at://" + did + "/" + commit.get("collection").textValue() + "/" + commit.get("rkey").textValue();
    }
    return event.get("kind").textValue() + " " + did + " " + event.get("time_us").longValue();
  }

  private static ChildJvm job(LocalKafka kafka, String in, Path checkpoints, Path log, boolean restore) {
    List<String> args =
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
                "--consumerGroup=" + in,
                "--startOffset=earliest",
                "--unshorten=false",
                "--printCounts=false",
                "--exactlyOnce=true",
                "--checkpointDir=" + checkpoints,
                "--checkpointingInterval=1000"));
    if (restore) {
      args.add("--restoreFrom=latest");
    }
    return ChildJvm.linkwatch("job")
        .log(log)
        .jvmArgs(
            List.of(
                "-Xmx1g",
                "-Dorg.slf4j.simpleLogger.log.org.apache.flink.runtime.checkpoint.CheckpointCoordinator=info"))
        .args(args)
        .start();
  }

  /** Waits for a complete checkpoint newer than {@code previous}. */
  private static Optional<Path> awaitCheckpointAfter(ChildJvm job, Path dir, Optional<Path> previous)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      Optional<Path> latest = LatestCheckpoint.in(dir);
      if (latest.isPresent() && !latest.equals(previous)) {
        return latest;
      }
      assertThat(job.isAlive()).as("pipeline still running:%n%s", job.tail(200)).isTrue();
      Thread.sleep(200);
    }
    throw new AssertionError("no new checkpoint within 3 minutes:\n" + job.tail(200));
  }

  private static Map<String, Integer> countByValue(List<?> values) {
    Map<String, Integer> out = new HashMap<>();
    for (Object v : values) {
      byte[] bytes = v instanceof ConsumerRecord<?, ?> r ? (byte[]) r.value() : (byte[]) v;
      out.merge(new String(bytes, StandardCharsets.UTF_8), 1, Integer::sum);
    }
    return out;
  }

  /** Everything on {@code topics} until four polls in a row bring nothing. */
  private static Map<String, List<ConsumerRecord<byte[], byte[]>>> read(
      String bootstrap, List<String> topics, boolean readCommitted) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Map<String, List<ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
    topics.forEach(t -> out.put(t, new ArrayList<>()));
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(topics);
      int quiet = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (quiet < 4 && System.nanoTime() < deadline) {
        var records = consumer.poll(Duration.ofMillis(500));
        quiet = records.isEmpty() ? quiet + 1 : 0;
        records.forEach(r -> out.get(r.topic()).add(r));
      }
    }
    return out;
  }

  /** A bridge on its own thread, its status lines kept for failure messages. */
  private record Bridge(JetstreamBridge bridge, KafkaWriter writer, Thread thread, ByteArrayOutputStream out, Throwable[] failure) {
    static Bridge start(JetstreamBridge.Settings settings, String bootstrap, String topic) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      KafkaWriter writer = new KafkaWriter(bootstrap, topic, "none", Map.of());
      JetstreamBridge bridge = new JetstreamBridge(settings, writer, new PrintStream(out, true, StandardCharsets.UTF_8));
      Throwable[] failure = new Throwable[1];
      Thread t =
          new Thread(
              () -> {
                try {
                  bridge.run();
                } catch (Throwable e) {
                  failure[0] = e;
                }
              },
              "bridge");
      t.start();
      return new Bridge(bridge, writer, t, out, failure);
    }

    void await(BooleanSupplier condition, String what) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!condition.getAsBoolean()) {
        assertThat(failure[0]).as(out.toString()).isNull();
        assertThat(System.nanoTime()).as("waiting for " + what + "; status:\n" + out).isLessThan(end);
        Thread.sleep(50);
      }
    }

    void stop() throws InterruptedException {
      if (!thread.isAlive()) {
        return;
      }
      bridge.stop();
      thread.join(30_000);
      writer.close();
      assertThat(thread.isAlive()).isFalse();
      assertThat(failure[0]).as(out.toString()).isNull();
    }
  }
}
