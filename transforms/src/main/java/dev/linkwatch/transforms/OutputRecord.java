package dev.linkwatch.transforms;

import java.util.Arrays;
import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;

/**
 * A record ready to be written to one of the output channels, carrying the coordinates of the input
 * record it stems from so every output can be traced back (Kafka headers, and the accounting verifier).
 */
public record OutputRecord(
    String sourceTopic, int sourcePartition, long sourceOffset, byte[] key, byte[] value) {

  public static OutputRecord from(SourceRecord source, byte[] value) {
    return new OutputRecord(
        source.topic(), source.partition(), source.offset(), source.key(), value);
  }

  public String coordinates() {
    return sourceTopic + "/" + sourcePartition + "/" + sourceOffset;
  }

  private static final Coder<OutputRecord> CODER =
      Codec.coder(
          1,
          (r, out) -> {
            Codec.writeString(out, r.sourceTopic);
            out.writeInt(r.sourcePartition);
            out.writeLong(r.sourceOffset);
            Codec.writeBytes(out, r.key);
            Codec.writeBytes(out, r.value);
          },
          in ->
              new OutputRecord(
                  Codec.readString(in),
                  in.readInt(),
                  in.readLong(),
                  Codec.readBytes(in),
                  Codec.readBytes(in)));

  public static Coder<OutputRecord> coder() {
    return CODER;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutputRecord r
        && sourcePartition == r.sourcePartition
        && sourceOffset == r.sourceOffset
        && Objects.equals(sourceTopic, r.sourceTopic)
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sourceTopic, sourcePartition, sourceOffset) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "OutputRecord[" + coordinates() + ", " + new String(value, java.nio.charset.StandardCharsets.UTF_8) + "]";
  }
}
