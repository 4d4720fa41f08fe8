package dev.linkwatch.pipeline.kafka;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Event-time stamps for one Kafka partition, on the partition's own timeline.
 *
 * <p>Rules (see docs/counts.md, "Time rules"):
 *
 * <ul>
 *   <li>With a backlog, the watermark is a fixed delay behind the newest event time read.
 *   <li>Caught up (no backlog), it advances from the newest event time by the wall-clock time elapsed
 *       since the partition's last record was read, minus the delay. A replayed archive (old event
 *       times, live rate) thus keeps its own clock: the watermark never jumps to wall-clock now, so its
 *       tweets are counted in their own batches, on a first run and after a restore. (Beam's
 *       {@code CustomTimestampPolicyWithLimitedDelay} moves a caught-up partition to now minus the
 *       delay, which made every later record of such a stream too late.)
 *   <li>A partition that has never had a record follows the clock, to the time of the backlog check
 *       minus the delay, so it does not hold every window open (IdlePartitionFaultIT).
 *   <li>After a restore, the restored watermark is where the partition's timeline continues.
 *   <li>A record whose time function answers null (no event time of its own, e.g. a broken record)
 *       takes the newest event time of its partition, or its Kafka time when there is none yet.
 *   <li>A record older than the watermark by more than the counts' allowed lateness is stamped with the
 *       watermark instead. The runner's watermark is never ahead of this partition's, so such a record
 *       is never dropped unseen: the source marks it too late ({@link KafkaIo#isClamped}) and the
 *       counts report it as dropped-late in the batch where it arrived.
 * </ul>
 *
 * <p>The watermark reported never moves back.
 */
final class LateClampingPolicy extends TimestampPolicy<byte[], byte[]> {
  private final SerializableFunction<KafkaRecord<byte[], byte[]>, Instant> timestampFn;
  private final Duration maxDelay;
  private final Duration allowedLateness;
  /** Whether this partition's timeline has started: a record read, or a watermark restored. */
  private boolean readAny;
  /** The newest event time read (or the restored watermark plus the delay). */
  private Instant newest = BoundedWindow.TIMESTAMP_MIN_VALUE;
  /** Backlog-check time when the last record was read; null until the first check after it. */
  private Instant lastReadAt;
  /** Never moves back, also when a first record older than the idle watermark arrives. */
  private Instant reported = BoundedWindow.TIMESTAMP_MIN_VALUE;

  LateClampingPolicy(
      SerializableFunction<KafkaRecord<byte[], byte[]>, Instant> timestampFn,
      Duration maxDelay,
      Duration allowedLateness,
      Optional<Instant> previousWatermark) {
    this.timestampFn = timestampFn;
    this.maxDelay = maxDelay;
    this.allowedLateness = allowedLateness;
    if (previousWatermark.isPresent()) {
      readAny = true;
      newest = previousWatermark.get().plus(maxDelay);
      reported = previousWatermark.get();
    }
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    // The watermark this partition has reported, so a record behind it is clamped, never dropped.
    Instant watermark = getWatermark(ctx);
    Instant own = timestampFn.apply(record);
    if (own == null) {
      own = readAny ? newest : new Instant(record.getTimestamp());
    }
    if (own.isAfter(newest)) {
      newest = own;
    }
    readAny = true;
    lastReadAt = ctx.getBacklogCheckTime();
    return clamp(own, watermark, allowedLateness);
  }

  static Instant clamp(Instant own, Instant watermark, Duration allowedLateness) {
    return own.plus(allowedLateness).isBefore(watermark) ? watermark : own;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    Instant checked = ctx.getBacklogCheckTime();
    boolean caughtUp = ctx.getMessageBacklog() == 0 && checked != null;
    Instant watermark;
    if (!readAny) {
      watermark = caughtUp ? checked.minus(maxDelay) : BoundedWindow.TIMESTAMP_MIN_VALUE;
    } else {
      watermark = newest.minus(maxDelay);
      if (caughtUp) {
        if (lastReadAt == null) {
          // The first check after a read or a restore starts the partition's idle clock.
          lastReadAt = checked;
        }
        long idleMillis = Math.max(0, checked.getMillis() - lastReadAt.getMillis());
        watermark = watermark.plus(idleMillis);
      }
    }
    if (watermark.isAfter(reported)) {
      reported = watermark;
    }
    return reported;
  }
}
