package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.core.EventTimes;
import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.testing.KafkaClients;
import dev.linkwatch.testing.KeptLogs;
import dev.linkwatch.testing.SharedKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replayed archive on its own timeline across a crash: generated tweets keeping their January 2017
 * times, sent at a live rate into a real broker, read by {@code linkwatch run} on Flink in a child JVM
 * with exactly-once output, killed with SIGKILL after a checkpoint and restored with
 * {@code --restoreFrom=latest} while the replay goes on.
 *
 * <p>The counts topic, read strictly, must count every tweet in the batch of its own event time (a
 * record without one in the batch of its partition's newest, see docs/counts.md, "Time rules") and
 * none as dropped-late, before and after the restore; and {@link DeliveryCheck} must account for every
 * input offset exactly once. Beam's idle rule (a caught-up partition's watermark jumps to now minus
 * the delay) counted every tweet of such a replay as dropped-late.
 *
 * <p>The counts topic is at-least-once: a restore emits again panes the killed run had emitted. Panes
 * accumulate, so a batch's total is its largest pane; duplicates never add up.
 *
 * <p>Records with their own event time must be counted in their batch, never fewer, and at most one
 * per partition more in all (see the check). Records without one
 * (the archive's broken records, counted as errored) are exact too, except those read after the
 * restore before their partition's next timed record: they take the restored watermark plus the
 * delay, which is later than the killed run's newest time when the partition was idle at the
 * checkpoint (docs/counts.md, "Time rules"), so such a record can be counted in a later batch than the
 * killed run counted it in. Their number is bounded by the partitions times the longest run of untimed
 * records on a partition, and the check allows exactly that much.
 */
@Tag("fault")
@ExtendWith(SharedKafka.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReplayTimelineIT {
  private static final int RATE = 80;
  private static final int PARTITIONS = 2;
  private static final int BATCH_SECONDS = 5;
  private static final long BATCH_MS = BATCH_SECONDS * 1000L;
  private static final Instant ARCHIVE_START = Instant.parse("2017-01-12T00:00:00Z");
  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  @Test
  void aReplayIsCountedInItsOwnBatchesAcrossAKillAndRestore(LocalKafka kafka, @TempDir Path tmp)
      throws Exception {
    String in = "it.replay." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(PARTITIONS, in);
    kafka.createTopics(1, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    String bootstrap = kafka.bootstrapServers();
    Path checkpoints = tmp.resolve("checkpoints");
    Path logs = KeptLogs.dir(tmp);

    Map<String, Long> expected;
    Map<String, Long> expectedUntimed;
    int untimedRun;
    Map<String, Map<String, Long>> totals;
    Map<String, Long> inbound;
    Map<String, Long> droppedLate;
    try (Replay replay = Replay.start(bootstrap, in)) {
      try (ChildJvm first = ChildJvm.onRunner("flink").log(logs.resolve(in + ".run-0.log")).args("run").args(args(kafka, in, checkpoints, false)).start()) {
        awaitCheckpointAfter(first, checkpoints, Optional.empty());
        // Past the checkpoint, so the restore reads some records again and emits some panes again.
        Thread.sleep(3_000);
        first.kill(); // SIGKILL: no final checkpoint, no clean shutdown
      }
      Path restoredFrom = LatestCheckpoint.in(checkpoints).orElseThrow();
      // Down for a while: the replay goes on without the pipeline.
      Thread.sleep(3_000);
      try (ChildJvm second = ChildJvm.onRunner("flink").log(logs.resolve(in + ".run-1.log")).args("run").args(args(kafka, in, checkpoints, true)).start()) {
        Path next = awaitCheckpointAfter(second, checkpoints, Optional.of(restoredFrom));
        // Flink numbers a restored job's checkpoints on from the one it restored; a fresh start from 1.
        assertThat(number(next)).as("run 1 restored from %s (its first checkpoint: %s)", restoredFrom, next)
            .isGreaterThan(number(restoredFrom));
        Thread.sleep(10_000);
        replay.stop();
        expected = replay.expectedInboundPerBatch(false);
        expectedUntimed = replay.expectedInboundPerBatch(true);
        untimedRun = replay.longestUntimedRun();
        Map<String, Long> timedWanted = timedPerBatch(expected, expectedUntimed);
        long wanted = expected.values().stream().mapToLong(Long::longValue).sum();
        totals = awaitCounts(bootstrap, in + ".counts", second, t -> {
          Map<String, Long> n = t.getOrDefault("inbound", Map.of());
          Map<String, Long> timed = timedPerBatch(n, t.getOrDefault("errored", Map.of()));
          return n.values().stream().mapToLong(Long::longValue).sum() >= wanted
              && timedWanted.entrySet().stream().allMatch(e -> timed.getOrDefault(e.getKey(), 0L) >= e.getValue());
        });
        inbound = totals.getOrDefault("inbound", Map.of());
        droppedLate = totals.getOrDefault("dropped_late", Map.of());
        DeliveryCheck.Report report =
            DeliveryCheck.of(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), in,
                    List.of(in + ".matched", in + ".unmatched", in + ".errors"))
                .readCommitted(true)
                .waitingAtMost(Duration.ofSeconds(5), Duration.ofMinutes(2))
                .run();
        System.out.println("ReplayTimelineIT: " + replay.sent() + " tweets sent in " + expected.size()
            + " batches from " + expected.keySet().iterator().next() + "\n" + report.toText());
        assertThat(report.inputRecords()).isEqualTo(replay.sent());
        assertThat(report.lost()).as(report.toText()).isZero();
        assertThat(report.unknown()).as(report.toText()).isZero();
        assertThat(report.duplicatedOffsets()).as(report.toText()).isZero();
      }
    }
    Map<String, Long> elsewhere = new TreeMap<>(inbound);
    elsewhere.keySet().removeIf(expected::containsKey);
    System.out.println("ReplayTimelineIT inbound in the archive's batches: "
        + inbound.entrySet().stream().filter(e -> expected.containsKey(e.getKey())).mapToLong(Map.Entry::getValue).sum()
        + " of " + expected.values().stream().mapToLong(Long::longValue).sum()
        + "; in other batches: " + elsewhere + "; dropped_late per batch: " + nonZero(droppedLate));
    assertThat(nonZero(droppedLate)).as("batches with records counted as dropped-late").isEmpty();
    assertThat(droppedLate.keySet()).as("every batch report has its dropped_late").isEqualTo(inbound.keySet());
    Map<String, Long> errored = totals.getOrDefault("errored", Map.of());
    Map<String, Long> timed = timedPerBatch(inbound, errored);
    Map<String, Long> timedWanted = timedPerBatch(expected, expectedUntimed);
    Map<String, Long> timedExtra = new TreeMap<>();
    for (String batch : union(timed.keySet(), timedWanted.keySet())) {
      long extra = timed.getOrDefault(batch, 0L) - timedWanted.getOrDefault(batch, 0L);
      assertThat(extra).as("batch %s: records with their own event time counted %s, sent %s", batch,
          timed.get(batch), timedWanted.get(batch)).isNotNegative();
      if (extra > 0) {
        timedExtra.put(batch, extra);
      }
    }
    // Three CI runs of this test before 2026-12-06 21:00 counted one record twice, in the first batch.
    // Flink's faster copy, on then while checkpointing, lets a snapshot share the count accumulators
    // the job changes in place; it is now off with checkpoints (LinkwatchFlinkRunner). Forced on, 2 of
    // 7 loaded runs counted extra (1 and 34 records, first batch); off, 0 of 8. One per partition
    // stays allowed until the default has a longer record in CI, and is printed.
    System.out.println("ReplayTimelineIT records with their own time counted twice, per batch: " + timedExtra);
    assertThat(timedExtra.values().stream().mapToLong(Long::longValue).sum())
        .as("records with their own event time counted twice: %s", timedExtra)
        .isLessThanOrEqualTo(PARTITIONS);
    // Untimed records moved across the restore: each is counted in the batch the killed run gave it
    // (its largest pane) and in the one the restored run gives it, so the total may exceed, never fall short.
    long movable = (long) PARTITIONS * untimedRun;
    long untimedSent = expectedUntimed.values().stream().mapToLong(Long::longValue).sum();
    long untimedCounted = errored.values().stream().mapToLong(Long::longValue).sum();
    System.out.println("ReplayTimelineIT untimed (errored) records: " + untimedCounted + " counted, " + untimedSent
        + " sent; per batch counted " + nonZero(errored) + " expected " + nonZero(expectedUntimed)
        + "; at most " + movable + " may move");
    assertThat(untimedCounted).as("untimed records counted").isBetween(untimedSent, untimedSent + movable);
    for (String batch : union(errored.keySet(), expectedUntimed.keySet())) {
      long diff = errored.getOrDefault(batch, 0L) - expectedUntimed.getOrDefault(batch, 0L);
      assertThat(Math.abs(diff)).as("batch %s: untimed records counted %s, expected %s", batch,
          errored.get(batch), expectedUntimed.get(batch)).isLessThanOrEqualTo(movable);
    }
    for (String batch : inbound.keySet()) {
      long outcomes = 0;
      for (String metric : List.of("matched", "unmatched", "errored", "notices", "dropped_late")) {
        outcomes += totals.getOrDefault(metric, Map.of()).getOrDefault(batch, 0L);
      }
      assertThat(outcomes).as("batch %s: inbound = matched + unmatched + errored + notices + dropped_late", batch)
          .isEqualTo(inbound.get(batch));
    }
  }

  private static List<String> args(LocalKafka kafka, String in, Path checkpoints, boolean restore) {
    List<String> a =
        new ArrayList<>(
            List.of(
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
                // Short batches, so the last ones close soon after the replay stops.
                "--batchSeconds=" + BATCH_SECONDS,
                "--windowSeconds=" + 2 * BATCH_SECONDS,
                "--slideSeconds=" + BATCH_SECONDS,
                "--checkpointDir=" + checkpoints,
                "--checkpointingInterval=1000",
                "--exactlyOnce=true"));
    if (restore) {
      a.add("--restoreFrom=latest");
    }
    return a;
  }

  /** Waits for a complete checkpoint other than {@code previous}. */
  private static Path awaitCheckpointAfter(ChildJvm job, Path dir, Optional<Path> previous)
      throws InterruptedException {
    // A safety net only: on a loaded machine a child JVM takes minutes to reach its first checkpoint.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (System.nanoTime() < deadline) {
      Optional<Path> latest = LatestCheckpoint.in(dir);
      if (latest.isPresent() && !latest.equals(previous)) {
        return latest.get();
      }
      assertThat(job.isAlive()).as("pipeline still running:%n%s", job.tail()).isTrue();
      Thread.sleep(200);
    }
    throw new AssertionError("no new checkpoint within 4 minutes:\n" + job.tail());
  }

  private static long number(Path checkpoint) {
    return Long.parseLong(checkpoint.getFileName().toString().substring("chk-".length()));
  }

  /**
   * Reads the counts topic (strict JSON) until {@code done} holds for the totals and nothing more
   * comes, or two minutes have passed; returns metric → batch start → total (largest pane) for the
   * batch reports.
   */
  private static Map<String, Map<String, Long>> awaitCounts(
      String bootstrap, String topic, ChildJvm job,
      Predicate<Map<String, Map<String, Long>>> done) throws IOException {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Map<String, Map<String, Long>> totals = new TreeMap<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      int quietPolls = 0;
      // Two quiet polls after the last inbound total: the rest of that report has come too.
      while (System.nanoTime() < deadline
          && (!done.test(totals) || quietPolls < 2)) {
        var records = consumer.poll(Duration.ofMillis(500));
        quietPolls = records.isEmpty() ? quietPolls + 1 : 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
          JsonNode n = STRICT.readTree(r.value());
          if (!n.get("scope").asText().equals("batch") || n.has("key")) {
            continue;
          }
          long start = Instant.parse(n.get("window_start").asText()).toEpochMilli();
          long end = Instant.parse(n.get("window_end").asText()).toEpochMilli();
          assertThat(end - start).as("batch length: %s", n).isEqualTo(BATCH_MS);
          totals
              .computeIfAbsent(n.get("metric").asText(), m -> new TreeMap<>())
              .merge(n.get("window_start").asText(), n.get("count").asLong(), Math::max);
        }
        assertThat(job.isAlive()).as("pipeline still running:%n%s", job.tail()).isTrue();
      }
    }
    return totals;
  }

  /** Batch start → all minus untimed, batches left with none left out. */
  private static Map<String, Long> timedPerBatch(Map<String, Long> all, Map<String, Long> untimed) {
    Map<String, Long> timed = new TreeMap<>();
    all.forEach((batch, n) -> timed.put(batch, n - untimed.getOrDefault(batch, 0L)));
    timed.values().removeIf(n -> n == 0);
    return timed;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  private static Map<String, Long> nonZero(Map<String, Long> perBatch) {
    Map<String, Long> out = new TreeMap<>(perBatch);
    out.values().removeIf(v -> v == 0);
    return out;
  }

  /**
   * The archive: {@link TweetGenerator} with its own January 2017 clock (as {@code generate --topic
   * --keep-times}), a small share of broken records included, sent round-robin to the partitions at
   * {@link #RATE} a second; it keeps what it sent, to tell which batch each record belongs to.
   */
  private static final class Replay implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private Replay(String bootstrap, String topic) {
      this.producer = KafkaClients.producer(bootstrap, Map.of(ProducerConfig.ACKS_CONFIG, "all"));
      this.topic = topic;
      this.thread = new Thread(this::run, "replay-" + topic);
      thread.setDaemon(true);
    }

    static Replay start(String bootstrap, String topic) {
      Replay r = new Replay(bootstrap, topic);
      r.thread.start();
      return r;
    }

    private void run() {
      TweetGenerator generator = new TweetGenerator(2017, 0.02, ARCHIVE_START);
      long start = System.nanoTime();
      try {
        for (int i = 0; running; i++) {
          long wait = start + i * 1_000_000_000L / RATE - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          byte[] value = generator.next().value();
          // An explicit partition: a record without event time is counted on its partition's time.
          producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value)).get();
          sent.add(value);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        throw new IllegalStateException("replay stopped: " + e, e);
      }
    }

    /**
     * Returns once the last send is acknowledged and recorded: the expected counts are taken from
     * what was sent, so a send still in flight would be missing from them (a loaded machine once held
     * one past a 10 s join, and the job rightly counted one record more than the expectation).
     */
    void stop() throws InterruptedException {
      running = false;
      thread.join(120_000);
      if (thread.isAlive()) {
        throw new IllegalStateException("the replay's last send did not finish in 2 minutes");
      }
    }

    long sent() {
      return sent.size();
    }

    /**
     * Batch start → records sent with that batch's time: a record's own event time, else (a broken
     * record) the newest event time read before it on its partition. Only the untimed ones if
     * {@code untimedOnly}.
     */
    Map<String, Long> expectedInboundPerBatch(boolean untimedOnly) {
      Map<String, Long> perBatch = new TreeMap<>();
      long[] newest = new long[PARTITIONS];
      java.util.Arrays.fill(newest, Long.MIN_VALUE);
      for (int i = 0; i < sent.size(); i++) {
        OptionalLong own = EventTimes.of(sent.get(i));
        int partition = i % PARTITIONS;
        if (own.isPresent()) {
          newest[partition] = Math.max(newest[partition], own.getAsLong());
        }
        assertThat(newest[partition]).as("record %d has a time (the archive starts with a timed one)", i)
            .isNotEqualTo(Long.MIN_VALUE);
        long t = own.isPresent() ? own.getAsLong() : newest[partition];
        assertThat(Instant.ofEpochMilli(t)).isBetween(ARCHIVE_START, Instant.parse("2017-02-01T00:00:00Z"));
        if (untimedOnly && own.isPresent()) {
          continue;
        }
        perBatch.merge(Instant.ofEpochMilli(Math.floorDiv(t, BATCH_MS) * BATCH_MS).toString(), 1L, Long::sum);
      }
      return perBatch;
    }

    /** The most untimed records in a row on one partition. */
    int longestUntimedRun() {
      int[] run = new int[PARTITIONS];
      int longest = 0;
      for (int i = 0; i < sent.size(); i++) {
        int partition = i % PARTITIONS;
        run[partition] = EventTimes.of(sent.get(i)).isPresent() ? 0 : run[partition] + 1;
        longest = Math.max(longest, run[partition]);
      }
      return longest;
    }

    @Override
    public void close() throws InterruptedException {
      stop();
      producer.close(Duration.ofSeconds(10));
    }
  }
}
