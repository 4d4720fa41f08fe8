package dev.linkwatch.transforms;

import dev.linkwatch.core.Hit;
import dev.linkwatch.core.Tag;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;

/**
 * A tweet with everything the rules found: its links (after unshortening and classification), the
 * catalog hits and the verdict. ClassifyUrls creates it; MatchTerms completes it.
 *
 * @param catalogVersion the {@link dev.linkwatch.core.Catalog#version} that judged it; null until
 *     MatchTerms has
 * @param catalogEntries the number of entries of that catalog (0 until MatchTerms has), so the counts
 *     can say how large the catalog in use is on any runner
 */
public record JudgedTweet(
    TweetRecord record,
    List<Link> links,
    List<Hit> hits,
    int spanCount,
    Verdict verdict,
    String catalogVersion,
    int catalogEntries) {

  public JudgedTweet(
      TweetRecord record, List<Link> links, List<Hit> hits, int spanCount, Verdict verdict) {
    this(record, links, hits, spanCount, verdict, null, 0);
  }

  public JudgedTweet withMatches(List<Hit> newHits, int newSpanCount, Verdict newVerdict) {
    return new JudgedTweet(
        record, links, List.copyOf(newHits), newSpanCount, newVerdict, catalogVersion, catalogEntries);
  }

  /** This tweet, judged by catalog {@code version} of {@code entries} entries. */
  public JudgedTweet withCatalog(String version, int entries) {
    return new JudgedTweet(record, links, hits, spanCount, verdict, version, entries);
  }

  public boolean isMatched() {
    return verdict.outcome() == Verdict.Outcome.MATCHED;
  }

  private static final Coder<JudgedTweet> CODER =
      Codec.coder(
          3,
          (j, out) -> {
            SourceRecord.write(j.record.source(), out);
            TweetRecord.writeTweet(j.record.tweet(), out);
            Codec.writeList(out, j.links, Link::write);
            Codec.writeList(
                out,
                j.hits,
                (h, o) -> {
                  o.writeByte(h.tag().ordinal());
                  Codec.writeString(o, h.value());
                  Codec.writeString(o, h.variant());
                  o.writeInt(h.start());
                  o.writeInt(h.end());
                });
            out.writeInt(j.spanCount);
            out.writeByte(j.verdict.outcome().ordinal());
            out.writeInt(j.verdict.code());
            Codec.writeString(out, j.verdict.reason());
            Codec.writeString(out, j.catalogVersion);
            out.writeInt(j.catalogEntries);
          },
          in ->
              new JudgedTweet(
                  new TweetRecord(SourceRecord.read(in), TweetRecord.readTweet(in)),
                  Codec.readList(in, Link::read),
                  Codec.readList(
                      in,
                      i ->
                          new Hit(
                              Tag.values()[i.readByte()],
                              Codec.readString(i),
                              Codec.readString(i),
                              i.readInt(),
                              i.readInt())),
                  in.readInt(),
                  new Verdict(
                      Verdict.Outcome.values()[in.readByte()], in.readInt(), Codec.readString(in)),
                  Codec.readString(in),
                  in.readInt()));

  public static Coder<JudgedTweet> coder() {
    return CODER;
  }
}
