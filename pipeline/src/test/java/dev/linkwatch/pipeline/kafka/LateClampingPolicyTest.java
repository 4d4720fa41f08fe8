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

  @Test
  void processingTimeNeverMarksRecordsLate() {
    Windowing processing =
        new Windowing(
            EVENT.batch(), EVENT.window(), EVENT.slide(), EVENT.allowedLateness(), 10, Windowing.TimeDomain.PROCESSING, false);
    assertThat(KafkaIo.isClamped(tweetAt(0, 0), Instant.now(), processing)).isFalse();
  }
}
