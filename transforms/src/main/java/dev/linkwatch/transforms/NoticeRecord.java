package dev.linkwatch.transforms;

import org.apache.beam.sdk.coders.Coder;

/**
 * A stream notice ({@code delete}, {@code limit}, a Jetstream identity event, ...) on {@code platform}:
 * not a post and not an error. Notices are counted and written to the unmatched topic so that every
 * input offset is accounted for.
 */
public record NoticeRecord(SourceRecord source, String kind, String platform) {

  private static final Coder<NoticeRecord> CODER =
      Codec.coder(
          1,
          (n, out) -> {
            SourceRecord.write(n.source, out);
            Codec.writeString(out, n.kind);
            Codec.writeString(out, n.platform);
          },
          in -> new NoticeRecord(SourceRecord.read(in), Codec.readString(in), Codec.readString(in)));

  public static Coder<NoticeRecord> coder() {
    return CODER;
  }
}
