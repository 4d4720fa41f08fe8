package dev.linkwatch.pipeline.kafka;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.CustomTimestampPolicyWithLimitedDelay;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Event-time stamps for one Kafka partition, with the watermark a fixed delay behind the newest record
 * (moving on by itself when the partition is idle, also one that never had a record), and one addition: a record older than the
 * watermark by more than the counts' allowed lateness is stamped with the watermark instead. The
 * runner's watermark is never ahead of this partition's, so such a record is never dropped unseen: the
 * source marks it too late ({@link KafkaIo#isClamped}) and the counts report it as dropped-late in the
 * batch where it arrived.
 */
final class LateClampingPolicy extends TimestampPolicy<byte[], byte[]> {
  private final TimestampPolicy<byte[], byte[]> inner;
  private final Duration maxDelay;
  private final Duration allowedLateness;
  private boolean readAny;
  /** Never moves back, also when a first record older than the idle watermark arrives. */
  private Instant reported = BoundedWindow.TIMESTAMP_MIN_VALUE;

  LateClampingPolicy(
      SerializableFunction<KafkaRecord<byte[], byte[]>, Instant> timestampFn,
      Duration maxDelay,
      Duration allowedLateness,
      Optional<Instant> previousWatermark) {
    this.inner = new CustomTimestampPolicyWithLimitedDelay<>(timestampFn, maxDelay, previousWatermark);
    this.maxDelay = maxDelay;
    this.allowedLateness = allowedLateness;
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    // The watermark this partition has reported, so a record behind it is clamped, never dropped.
    Instant watermark = getWatermark(ctx);
    Instant own = inner.getTimestampForRecord(ctx, record);
    readAny = true;
    return clamp(own, watermark, allowedLateness);
  }

  static Instant clamp(Instant own, Instant watermark, Duration allowedLateness) {
    return own.plus(allowedLateness).isBefore(watermark) ? watermark : own;
  }

  /**
   * Beam's policy moves an idle partition's watermark on only once the partition has had a record: a
   * partition that has never had one (a topic with more partitions than producers use) would hold
   * every window open for as long as the job runs. Such a partition, caught up, moves on like any idle
   * one, to the time of the backlog check minus the delay. Found by IdlePartitionFaultIT.
   */
  @Override
  public Instant getWatermark(PartitionContext ctx) {
    Instant watermark = inner.getWatermark(ctx);
    if (!readAny && ctx.getMessageBacklog() == 0 && ctx.getBacklogCheckTime() != null) {
      Instant idle = ctx.getBacklogCheckTime().minus(maxDelay);
      watermark = idle.isAfter(watermark) ? idle : watermark;
    }
    if (watermark.isAfter(reported)) {
      reported = watermark;
    }
    return reported;
  }
}
