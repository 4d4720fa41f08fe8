package dev.linkwatch.transforms;

import org.apache.beam.sdk.coders.Coder;

/**
 * A Twitter stream notice ({@code delete}, {@code limit}, ...): not a tweet and not an error. Notices are
 * counted and written to the unmatched topic so that every input offset is accounted for.
 */
public record NoticeRecord(SourceRecord source, String kind) {

  private static final Coder<NoticeRecord> CODER =
      Codec.coder(
          (n, out) -> {
            SourceRecord.write(n.source, out);
            Codec.writeString(out, n.kind);
          },
          in -> new NoticeRecord(SourceRecord.read(in), Codec.readString(in)));

  public static Coder<NoticeRecord> coder() {
    return CODER;
  }
}
