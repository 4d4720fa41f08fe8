package dev.linkwatch.pipeline.kafka;

import dev.linkwatch.pipeline.Windowing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** Records too late for the counts are stamped with the watermark, and the source can tell. */
class LateClampingPolicyTest {
  private static final Windowing EVENT =
      new Windowing(
          Duration.standardSeconds(30),
          Duration.standardHours(6),
          Duration.standardSeconds(30),
          Duration.standardMinutes(5),
          10,
          Windowing.TimeDomain.EVENT,
          false);

  /** A partition with a backlog, so the watermark follows the records, not the clock. */
  private static final TimestampPolicy.PartitionContext BUSY =
      new TimestampPolicy.PartitionContext() {
        @Override
        public long getMessageBacklog() {
          return 1000;
        }

        @Override
        public Instant getBacklogCheckTime() {
          return Instant.now();
        }
      };

  private static KafkaRecord<byte[], byte[]> tweetAt(long eventMillis, long kafkaMillis) {
    byte[] value = ("{\"timestamp_ms\":\"" + eventMillis + "\",\"text\":\"x\"}").getBytes(StandardCharsets.UTF_8);
    return new KafkaRecord<>("tweets", 0, 1, kafkaMillis, KafkaTimestampType.CREATE_TIME, new RecordHeaders(), null, value);
  }

  @Test
  void onlyRecordsOlderThanWatermarkMinusLatenessAreClamped() {
    LateClampingPolicy policy =
        new LateClampingPolicy(KafkaIo::eventTime, EVENT.batch(), EVENT.allowedLateness(), Optional.empty());
    long t0 = 1_484_181_382_000L;
    // Moves the watermark to t0 + 1 h - 30 s.
    assertThat(policy.getTimestampForRecord(BUSY, tweetAt(t0 + 3_600_000, t0)).getMillis()).isEqualTo(t0 + 3_600_000);
    Instant watermark = policy.getWatermark(BUSY);
    assertThat(watermark.getMillis()).isEqualTo(t0 + 3_600_000 - 30_000);

    // Late, but within the 5 min of allowed lateness: keeps its own time (a late pane will count it).
    KafkaRecord<byte[], byte[]> late = tweetAt(watermark.getMillis() - 240_000, t0);
    Instant lateStamp = policy.getTimestampForRecord(BUSY, late);
    assertThat(lateStamp.getMillis()).isEqualTo(watermark.getMillis() - 240_000);
    assertThat(KafkaIo.isClamped(late, lateStamp, EVENT)).isFalse();

    // Too late: stamped with the watermark, and recognisably so.
    KafkaRecord<byte[], byte[]> tooLate = tweetAt(watermark.getMillis() - 600_000, t0);
    Instant tooLateStamp = policy.getTimestampForRecord(BUSY, tooLate);
    assertThat(tooLateStamp).isEqualTo(watermark);
    assertThat(KafkaIo.isClamped(tooLate, tooLateStamp, EVENT)).isTrue();
  }

  /** A partition that has caught up: nothing to read as of the last backlog check. */
  private static TimestampPolicy.PartitionContext idleAt(Instant checked) {
    return new TimestampPolicy.PartitionContext() {
      @Override
      public long getMessageBacklog() {
        return 0;
      }

      @Override
      public Instant getBacklogCheckTime() {
        return checked;
      }
    };
  }

  private static TimestampPolicy.PartitionContext backlogAt(Instant checked) {
    return new TimestampPolicy.PartitionContext() {
      @Override
      public long getMessageBacklog() {
        return 1;
      }

      @Override
      public Instant getBacklogCheckTime() {
        return checked;
      }
    };
  }

  @Test
  void aPartitionThatNeverHadARecordDoesNotHoldTheWatermark() {
    LateClampingPolicy policy =
        new LateClampingPolicy(KafkaIo::eventTime, EVENT.batch(), EVENT.allowedLateness(), Optional.empty());
    Instant checked = new Instant(1_796_000_000_000L);
    // Beam's own policy would stay at the minimum timestamp here, stalling every window of the job.
    assertThat(policy.getWatermark(idleAt(checked))).isEqualTo(checked.minus(EVENT.batch()));
    // With a backlog it waits for the records.
    assertThat(new LateClampingPolicy(KafkaIo::eventTime, EVENT.batch(), EVENT.allowedLateness(), Optional.empty())
        .getWatermark(BUSY).getMillis()).isLessThan(0);

    // Its first record, older than that watermark by more than the allowed lateness, is clamped and marked,
    // not dropped by the runner behind the watermark.
    KafkaRecord<byte[], byte[]> old = tweetAt(checked.getMillis() - 3_600_000, checked.getMillis());
    Instant stamp = policy.getTimestampForRecord(idleAt(checked), old);
    assertThat(stamp).isEqualTo(checked.minus(EVENT.batch()));
    assertThat(KafkaIo.isClamped(old, stamp, EVENT)).isTrue();
    assertThat(policy.getWatermark(BUSY)).as("never moves back").isEqualTo(checked.minus(EVENT.batch()));
  }

  /**
   * A replayed archive: 2017 tweets read at a live rate in 2026. Between records the partition is
   * caught up; its watermark must move on from the tweets' own times by the time that passed, never to
   * wall-clock now (Beam's rule), or every later tweet would be too late.
   */
  @Test
  void aCaughtUpPartitionAdvancesFromItsOwnNewestTimeNotFromNow() {
    LateClampingPolicy policy =
        new LateClampingPolicy(KafkaIo::eventTime, EVENT.batch(), EVENT.allowedLateness(), Optional.empty());
    long t2017 = 1_484_181_382_000L;
    Instant now = new Instant(1_796_000_000_000L);
    // Read from a backlog (the archive was in the topic before the job started; a partition that never
    // had a record follows the clock instead, see the test above).
    assertThat(policy.getTimestampForRecord(backlogAt(now), tweetAt(t2017, now.getMillis())).getMillis())
        .isEqualTo(t2017);
    assertThat(policy.getWatermark(idleAt(now)).getMillis()).isEqualTo(t2017 - 30_000);
    // Ten seconds of wall clock with nothing new: ten seconds on, from the tweets' own clock.
    assertThat(policy.getWatermark(idleAt(now.plus(10_000))).getMillis()).isEqualTo(t2017 + 10_000 - 30_000);

    // The next tweet of the archive keeps its own time and is not too late.
    KafkaRecord<byte[], byte[]> next = tweetAt(t2017 + 15_000, now.getMillis() + 12_000);
    Instant stamp = policy.getTimestampForRecord(idleAt(now.plus(12_000)), next);
    assertThat(stamp.getMillis()).isEqualTo(t2017 + 15_000);
    assertThat(KafkaIo.isClamped(next, stamp, EVENT)).isFalse();
    // The idle clock restarts at that read: nothing elapsed yet, so the watermark follows the record.
    assertThat(policy.getWatermark(idleAt(now.plus(12_000))).getMillis()).isEqualTo(t2017 + 15_000 - 30_000);
    assertThat(policy.getWatermark(idleAt(now.plus(13_000))).getMillis()).isEqualTo(t2017 + 15_000 - 29_000);
  }

  /** After a restore the partition continues from its restored watermark, not from now. */
  @Test
  void aRestoredPartitionContinuesFromItsRestoredWatermark() {
    long restored = 1_484_181_382_000L;
    LateClampingPolicy policy =
        new LateClampingPolicy(
            KafkaIo::eventTime, EVENT.batch(), EVENT.allowedLateness(), Optional.of(new Instant(restored)));
    Instant now = new Instant(1_796_000_000_000L);
    assertThat(policy.getWatermark(idleAt(now)).getMillis()).isEqualTo(restored);
    assertThat(policy.getWatermark(idleAt(now.plus(5_000))).getMillis()).isEqualTo(restored + 5_000);
    KafkaRecord<byte[], byte[]> next = tweetAt(restored + 20_000, now.getMillis());
    Instant stamp = policy.getTimestampForRecord(idleAt(now.plus(5_000)), next);
    assertThat(KafkaIo.isClamped(next, stamp, EVENT)).isFalse();
  }

  /** A record without its own event time stays on its partition's timeline, not the Kafka clock. */
  @Test
  void aRecordWithoutEventTimeTakesItsPartitionsNewestTime() {
    LateClampingPolicy policy =
        new LateClampingPolicy(KafkaIo::ownEventTime, EVENT.batch(), EVENT.allowedLateness(), Optional.empty());
    long t2017 = 1_484_181_382_000L;
    long now = 1_796_000_000_000L;
    policy.getTimestampForRecord(BUSY, tweetAt(t2017, now));
    KafkaRecord<byte[], byte[]> broken =
        new KafkaRecord<>("tweets", 0, 2, now, KafkaTimestampType.CREATE_TIME, new RecordHeaders(), null,
            "{\"text\":".getBytes(StandardCharsets.UTF_8));
    assertThat(policy.getTimestampForRecord(BUSY, broken).getMillis()).isEqualTo(t2017);
    assertThat(policy.getWatermark(BUSY).getMillis()).isEqualTo(t2017 - 30_000);
  }

  @Test
  void processingTimeNeverMarksRecordsLate() {
    Windowing processing =
        new Windowing(
            EVENT.batch(), EVENT.window(), EVENT.slide(), EVENT.allowedLateness(), 10, Windowing.TimeDomain.PROCESSING, false);
    assertThat(KafkaIo.isClamped(tweetAt(0, 0), Instant.now(), processing)).isFalse();
  }
}
