package dev.linkwatch.transforms;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;

/**
 * How one input record was routed, reduced to what the counts need: its outcome and, for a matched
 * tweet, the artists named and the distinct primary domains linked to. Its element timestamp is the
 * record's event time. A {@code tooLate} event is counted only as dropped-late, in the batch it
 * arrived in (see {@link SourceRecord#tooLate()}). {@code platform} is the network the record came
 * from (twitter, bluesky, mastodon), {@link #UNKNOWN_PLATFORM} for a record that could not be read.
 * {@code catalogVersion} and {@code catalogEntries} name the catalog that judged a matched tweet (null
 * and 0 otherwise). {@code links} tallies the routed tweet's links on shorteners.
 */
public record CountEvent(
    Outcome outcome,
    List<String> artists,
    List<String> domains,
    boolean tooLate,
    LinkTally links,
    String platform,
    String catalogVersion,
    int catalogEntries) {

  /**
   * A routed tweet's links on shorteners: those that could not be followed (never counted as domains),
   * those the unshortener was asked to follow, and of these the ones it failed to follow.
   */
  public record LinkTally(int unresolved, int lookups, int failures) {
    public static final LinkTally NONE = new LinkTally(0, 0, 0);

    public static LinkTally of(List<Link> links) {
      int unresolved = 0; // loops, not streams: once per record on the hot path
      int lookups = 0;
      int failures = 0;
      for (Link l : links) {
        boolean unresolvedShortener = l.unresolvedShortener();
        if (unresolvedShortener) {
          unresolved++;
        }
        if (l.lookedUp()) {
          lookups++;
          if (unresolvedShortener) {
            failures++;
          }
        }
      }
      return unresolved == 0 && lookups == 0 ? NONE : new LinkTally(unresolved, lookups, failures);
    }
  }

  /** The platform of a record nobody could read (an error before or during parsing). */
  public static final String UNKNOWN_PLATFORM = "unknown";

  public CountEvent(Outcome outcome, List<String> artists, List<String> domains) {
    this(outcome, artists, domains, false);
  }

  public CountEvent(Outcome outcome, List<String> artists, List<String> domains, boolean tooLate) {
    this(outcome, artists, domains, tooLate, LinkTally.NONE, UNKNOWN_PLATFORM, null, 0);
  }

  /** This event with {@code n} links on shorteners that could not be resolved ({@link Link#unresolvedShortener}). */
  public CountEvent withUnresolvedLinks(int n) {
    return withLinks(new LinkTally(n, links.lookups(), links.failures()));
  }

  /** This event with its tweet's links on shorteners tallied. */
  public CountEvent withLinks(LinkTally tally) {
    return new CountEvent(outcome, artists, domains, tooLate, tally, platform, catalogVersion, catalogEntries);
  }

  public int unresolvedLinks() {
    return links.unresolved();
  }

  /** This event, marked too late when its record was. */
  public CountEvent lateIf(boolean late) {
    return late == tooLate ? this : new CountEvent(outcome, artists, domains, late, links, platform, catalogVersion, catalogEntries);
  }

  /** This event, of a record from {@code network}. */
  public CountEvent on(String network) {
    return new CountEvent(outcome, artists, domains, tooLate, links, network, catalogVersion, catalogEntries);
  }

  /** This event, of a tweet judged by catalog {@code version}, which had {@code entries} entries. */
  public CountEvent withCatalog(String version, int entries) {
    return new CountEvent(outcome, artists, domains, tooLate, links, platform, version, entries);
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
          3,
          (e, out) -> {
            out.writeByte(e.outcome.ordinal());
            Codec.writeList(out, e.artists, (s, o) -> Codec.writeString(o, s));
            Codec.writeList(out, e.domains, (s, o) -> Codec.writeString(o, s));
            out.writeBoolean(e.tooLate);
            out.writeInt(e.links.unresolved());
            out.writeInt(e.links.lookups());
            out.writeInt(e.links.failures());
            Codec.writeString(out, e.platform);
            Codec.writeString(out, e.catalogVersion);
            out.writeInt(e.catalogEntries);
          },
          in ->
              new CountEvent(
                  Outcome.values()[in.readByte()],
                  Codec.readList(in, Codec::readString),
                  Codec.readList(in, Codec::readString),
                  in.readBoolean(),
                  new LinkTally(in.readInt(), in.readInt(), in.readInt()),
                  Codec.readString(in),
                  Codec.readString(in),
                  in.readInt()));

  public static Coder<CountEvent> coder() {
    return CODER;
  }
}
