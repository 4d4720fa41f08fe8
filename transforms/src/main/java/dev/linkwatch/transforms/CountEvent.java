package dev.linkwatch.transforms;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;

/**
 * How one input record was routed, reduced to what the counts need: its outcome and, for a matched
 * tweet, the artists named and the distinct primary domains linked to. Its element timestamp is the
 * record's event time. A {@code tooLate} event is counted only as dropped-late, in the batch it
 * arrived in (see {@link SourceRecord#tooLate()}). {@code platform} is the network the record came
 * from (twitter, bluesky, mastodon), {@link #UNKNOWN_PLATFORM} for a record that could not be read.
 * {@code catalogVersion} is the catalog that judged a matched tweet (null otherwise).
 */
public record CountEvent(
    Outcome outcome,
    List<String> artists,
    List<String> domains,
    boolean tooLate,
    int unresolvedLinks,
    String platform,
    String catalogVersion) {

  public CountEvent(
      Outcome outcome,
      List<String> artists,
      List<String> domains,
      boolean tooLate,
      int unresolvedLinks,
      String platform) {
    this(outcome, artists, domains, tooLate, unresolvedLinks, platform, null);
  }

  /** The platform of a record nobody could read (an error before or during parsing). */
  public static final String UNKNOWN_PLATFORM = "unknown";

  public CountEvent(Outcome outcome, List<String> artists, List<String> domains) {
    this(outcome, artists, domains, false, 0, UNKNOWN_PLATFORM);
  }

  public CountEvent(Outcome outcome, List<String> artists, List<String> domains, boolean tooLate) {
    this(outcome, artists, domains, tooLate, 0, UNKNOWN_PLATFORM);
  }

  /** This event with {@code n} links on shorteners that could not be resolved ({@link Link#unresolvedShortener}). */
  public CountEvent withUnresolvedLinks(int n) {
    return new CountEvent(outcome, artists, domains, tooLate, n, platform, catalogVersion);
  }

  /** This event, marked too late when its record was. */
  public CountEvent lateIf(boolean late) {
    return late == tooLate ? this : new CountEvent(outcome, artists, domains, late, unresolvedLinks, platform, catalogVersion);
  }

  /** This event, of a record from {@code network}. */
  public CountEvent on(String network) {
    return new CountEvent(outcome, artists, domains, tooLate, unresolvedLinks, network, catalogVersion);
  }

  /** This event, of a tweet judged by catalog {@code version}. */
  public CountEvent withCatalogVersion(String version) {
    return new CountEvent(outcome, artists, domains, tooLate, unresolvedLinks, platform, version);
  }

  public enum Outcome {
    MATCHED,
    UNMATCHED,
    ERRORED,
    NOTICE
  }

  public static CountEvent of(Outcome outcome) {
    return new CountEvent(outcome, List.of(), List.of());
  }

  private static final Coder<CountEvent> CODER =
      Codec.coder(
          2,
          (e, out) -> {
            out.writeByte(e.outcome.ordinal());
            Codec.writeList(out, e.artists, (s, o) -> Codec.writeString(o, s));
            Codec.writeList(out, e.domains, (s, o) -> Codec.writeString(o, s));
            out.writeBoolean(e.tooLate);
            out.writeInt(e.unresolvedLinks);
            Codec.writeString(out, e.platform);
            Codec.writeString(out, e.catalogVersion);
          },
          in ->
              new CountEvent(
                  Outcome.values()[in.readByte()],
                  Codec.readList(in, Codec::readString),
                  Codec.readList(in, Codec::readString),
                  in.readBoolean(),
                  in.readInt(),
                  Codec.readString(in),
                  Codec.readString(in)));

  public static Coder<CountEvent> coder() {
    return CODER;
  }
}
