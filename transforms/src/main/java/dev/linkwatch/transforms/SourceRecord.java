package dev.linkwatch.transforms;

import java.util.Arrays;
import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;

/**
 * One inbound record exactly as it arrived, with where it came from. Kafka records keep their topic,
 * partition and offset; lines of a file get the file name as topic, partition 0 and the line number as
 * offset. The value is kept as raw bytes so nothing is lost to a lossy decoder and error records can
 * carry the original bytes unchanged.
 *
 * <p>{@code tooLate} marks a record that arrived later than the counts' allowed lateness: the source
 * stamped it with its watermark instead of its own time, so {@link CountWindows} counts it as dropped
 * in the batch where it arrived rather than letting the runner drop it unseen. Routing ignores it.
 */
public record SourceRecord(
    String topic,
    int partition,
    long offset,
    long timestampMillis,
    byte[] key,
    byte[] value,
    boolean tooLate) {

  public SourceRecord {
    Objects.requireNonNull(topic, "topic");
  }

  public SourceRecord(
      String topic, int partition, long offset, long timestampMillis, byte[] key, byte[] value) {
    this(topic, partition, offset, timestampMillis, key, value, false);
  }

  /** "topic/partition/offset", the record's identity across all outputs. */
  public String coordinates() {
    return topic + "/" + partition + "/" + offset;
  }

  private static final Coder<SourceRecord> CODER =
      Codec.coder(1, SourceRecord::write, SourceRecord::read);

  public static Coder<SourceRecord> coder() {
    return CODER;
  }

  static void write(SourceRecord r, java.io.DataOutputStream out) throws java.io.IOException {
    Codec.writeString(out, r.topic);
    out.writeInt(r.partition);
    out.writeLong(r.offset);
    out.writeLong(r.timestampMillis);
    Codec.writeBytes(out, r.key);
    Codec.writeBytes(out, r.value);
    out.writeBoolean(r.tooLate);
  }

  static SourceRecord read(java.io.DataInputStream in) throws java.io.IOException {
    return new SourceRecord(
        Codec.readString(in),
        in.readInt(),
        in.readLong(),
        in.readLong(),
        Codec.readBytes(in),
        Codec.readBytes(in),
        in.readBoolean());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceRecord r
        && partition == r.partition
        && offset == r.offset
        && timestampMillis == r.timestampMillis
        && tooLate == r.tooLate
        && topic.equals(r.topic)
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "SourceRecord[" + coordinates() + ", " + (value == null ? 0 : value.length) + " bytes]";
  }
}
