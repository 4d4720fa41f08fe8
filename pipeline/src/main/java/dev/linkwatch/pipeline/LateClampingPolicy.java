package dev.linkwatch.pipeline;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.CustomTimestampPolicyWithLimitedDelay;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Event-time stamps for one Kafka partition, with the watermark a fixed delay behind the newest record
 * (moving on by itself when the partition is idle), and one addition: a record older than the
 * watermark by more than the counts' allowed lateness is stamped with the watermark instead. The
 * runner's watermark is never ahead of this partition's, so such a record is never dropped unseen: the
 * source marks it too late ({@link KafkaIo#isClamped}) and the counts report it as dropped-late in the
 * batch where it arrived.
 */
final class LateClampingPolicy extends TimestampPolicy<byte[], byte[]> {
  private final TimestampPolicy<byte[], byte[]> inner;
  private final Duration allowedLateness;

  LateClampingPolicy(
      SerializableFunction<KafkaRecord<byte[], byte[]>, Instant> timestampFn,
      Duration maxDelay,
      Duration allowedLateness,
      Optional<Instant> previousWatermark) {
    this.inner = new CustomTimestampPolicyWithLimitedDelay<>(timestampFn, maxDelay, previousWatermark);
    this.allowedLateness = allowedLateness;
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    Instant watermark = inner.getWatermark(ctx);
    Instant own = inner.getTimestampForRecord(ctx, record);
    return clamp(own, watermark, allowedLateness);
  }

  static Instant clamp(Instant own, Instant watermark, Duration allowedLateness) {
    return own.plus(allowedLateness).isBefore(watermark) ? watermark : own;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    return inner.getWatermark(ctx);
  }
}
