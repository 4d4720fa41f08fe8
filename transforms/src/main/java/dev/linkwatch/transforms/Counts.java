package dev.linkwatch.transforms;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;

/**
 * Counts for one span of event time: records per outcome, and matched tweets per artist and per primary
 * domain. Mergeable, so a window's counts are the sum of its batches' counts.
 */
public final class Counts {
  long matched;
  long unmatched;
  long errored;
  long notices;
  long droppedLate;
  /** Links on shorteners that could not be resolved, in routed tweets (never counted as domains). */
  long unresolvedLinks;
  /** Links the unshortener was asked to follow, and of those the ones it could not follow. */
  long unshortenLookups;
  long unshortenFailures;
  /**
   * The event-time span of the batches summed here: the first batch's start and the last batch's end
   * (empty: MAX and MIN). Not part of {@link #equals}: two spans with the same counts count the same.
   */
  long firstMillis = Long.MAX_VALUE;
  long lastMillis = Long.MIN_VALUE;
  final Map<String, Long> artists;
  final Map<String, Long> domains;
  /** Records in (dropped-late ones too) and matched, per platform they came from. */
  final Map<String, Long> inboundByPlatform = new HashMap<>();
  final Map<String, Long> matchedByPlatform = new HashMap<>();
  /** Matched records per catalog version that judged them: which catalogs were in use. */
  final Map<String, Long> matchedByCatalog = new HashMap<>();
  /** The size of each catalog version that judged a matched record here (a size, never summed). */
  final Map<String, Long> catalogEntries = new HashMap<>();

  Counts() {
    this(0, 0, 0, 0, new HashMap<>(), new HashMap<>());
  }

  Counts(
      long matched,
      long unmatched,
      long errored,
      long notices,
      long droppedLate,
      Map<String, Long> artists,
      Map<String, Long> domains) {
    this(matched, unmatched, errored, notices, artists, domains);
    this.droppedLate = droppedLate;
  }

  Counts(
      long matched,
      long unmatched,
      long errored,
      long notices,
      Map<String, Long> artists,
      Map<String, Long> domains) {
    this.matched = matched;
    this.unmatched = unmatched;
    this.errored = errored;
    this.notices = notices;
    this.artists = artists;
    this.domains = domains;
  }

  public static Counts of(
      long matched, long unmatched, long errored, long notices, Map<String, Long> artists, Map<String, Long> domains) {
    return new Counts(matched, unmatched, errored, notices, new HashMap<>(artists), new HashMap<>(domains));
  }

  void add(CountEvent e) {
    inboundByPlatform.merge(e.platform(), 1L, Long::sum);
    if (e.tooLate()) {
      // Too late for its own window: counted here, visibly, and nowhere else.
      droppedLate++;
      return;
    }
    unresolvedLinks += e.links().unresolved();
    unshortenLookups += e.links().lookups();
    unshortenFailures += e.links().failures();
    switch (e.outcome()) {
      case MATCHED -> {
        matched++;
        matchedByPlatform.merge(e.platform(), 1L, Long::sum);
        if (e.catalogVersion() != null) {
          matchedByCatalog.merge(e.catalogVersion(), 1L, Long::sum);
          catalogEntries.merge(e.catalogVersion(), (long) e.catalogEntries(), Math::max);
        }
        for (String a : e.artists()) {
          artists.merge(a, 1L, Long::sum);
        }
        for (String d : e.domains()) {
          domains.merge(d, 1L, Long::sum);
        }
      }
      case UNMATCHED -> unmatched++;
      case ERRORED -> errored++;
      case NOTICE -> notices++;
    }
  }

  /** Marks these counts as covering the batch {@code [startMillis, endMillis)}. */
  void cover(long startMillis, long endMillis) {
    firstMillis = Math.min(firstMillis, startMillis);
    lastMillis = Math.max(lastMillis, endMillis);
  }

  /** The start of the first batch summed here (Long.MAX_VALUE when none). */
  public long firstMillis() {
    return firstMillis;
  }

  /** The end of the last batch summed here (Long.MIN_VALUE when none). */
  public long lastMillis() {
    return lastMillis;
  }

  void merge(Counts other) {
    firstMillis = Math.min(firstMillis, other.firstMillis);
    lastMillis = Math.max(lastMillis, other.lastMillis);
    matched += other.matched;
    unmatched += other.unmatched;
    errored += other.errored;
    notices += other.notices;
    droppedLate += other.droppedLate;
    unresolvedLinks += other.unresolvedLinks;
    unshortenLookups += other.unshortenLookups;
    unshortenFailures += other.unshortenFailures;
    other.artists.forEach((k, v) -> artists.merge(k, v, Long::sum));
    other.domains.forEach((k, v) -> domains.merge(k, v, Long::sum));
    other.inboundByPlatform.forEach((k, v) -> inboundByPlatform.merge(k, v, Long::sum));
    other.matchedByPlatform.forEach((k, v) -> matchedByPlatform.merge(k, v, Long::sum));
    other.matchedByCatalog.forEach((k, v) -> matchedByCatalog.merge(k, v, Long::sum));
    other.catalogEntries.forEach((k, v) -> catalogEntries.merge(k, v, Math::max));
  }

  /**
   * Every record stamped into this span, counted once: inbound = matched + unmatched + errored + notices
   * + dropped-late, by construction.
   */
  public long inbound() {
    return matched + unmatched + errored + notices + droppedLate;
  }

  /** Records that arrived here too late for their own window (see {@link SourceRecord#tooLate()}). */
  public long droppedLate() {
    return droppedLate;
  }

  public long unresolvedLinks() {
    return unresolvedLinks;
  }

  public long unshortenLookups() {
    return unshortenLookups;
  }

  public long unshortenFailures() {
    return unshortenFailures;
  }

  public long matched() {
    return matched;
  }

  public long unmatched() {
    return unmatched;
  }

  public long errored() {
    return errored;
  }

  public long notices() {
    return notices;
  }

  /** Per platform, by name: records in (dropped-late ones included) and matched. */
  public java.util.SortedMap<String, long[]> platforms() {
    java.util.SortedMap<String, long[]> out = new java.util.TreeMap<>();
    inboundByPlatform.forEach((p, n) -> out.put(p, new long[] {n, matchedByPlatform.getOrDefault(p, 0L)}));
    return out;
  }

  /** Matched records per catalog version that judged them, by version. */
  public java.util.SortedMap<String, Long> catalogVersions() {
    return new java.util.TreeMap<>(matchedByCatalog);
  }

  /** The number of entries of each catalog version in {@link #catalogVersions()}, by version. */
  public java.util.SortedMap<String, Long> catalogEntries() {
    return new java.util.TreeMap<>(catalogEntries);
  }

  /** The top {@code n} artists, by count descending, ties by name so output is deterministic. */
  public List<Map.Entry<String, Long>> topArtists(int n) {
    return top(artists, n);
  }

  public List<Map.Entry<String, Long>> topDomains(int n) {
    return top(domains, n);
  }

  static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(
        Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
            .reversed()
            .thenComparing(Map.Entry::getKey));
    return List.copyOf(entries.subList(0, Math.min(n, entries.size())).stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList());
  }

  private static final Coder<Counts> CODER =
      Codec.coder(
          3,
          (c, out) -> {
            out.writeLong(c.matched);
            out.writeLong(c.unmatched);
            out.writeLong(c.errored);
            out.writeLong(c.notices);
            out.writeLong(c.droppedLate);
            out.writeLong(c.firstMillis);
            out.writeLong(c.lastMillis);
            out.writeLong(c.unresolvedLinks);
            out.writeLong(c.unshortenLookups);
            out.writeLong(c.unshortenFailures);
            writeMap(c.artists, out);
            writeMap(c.domains, out);
            writeMap(c.inboundByPlatform, out);
            writeMap(c.matchedByPlatform, out);
            writeMap(c.matchedByCatalog, out);
            writeMap(c.catalogEntries, out);
          },
          in -> {
            long matched = in.readLong();
            long unmatched = in.readLong();
            long errored = in.readLong();
            long notices = in.readLong();
            long droppedLate = in.readLong();
            long first = in.readLong();
            long last = in.readLong();
            long unresolved = in.readLong();
            long lookups = in.readLong();
            long failures = in.readLong();
            Counts c = new Counts(matched, unmatched, errored, notices, droppedLate, readMap(in), readMap(in));
            c.firstMillis = first;
            c.lastMillis = last;
            c.unresolvedLinks = unresolved;
            c.unshortenLookups = lookups;
            c.unshortenFailures = failures;
            c.inboundByPlatform.putAll(readMap(in));
            c.matchedByPlatform.putAll(readMap(in));
            c.matchedByCatalog.putAll(readMap(in));
            c.catalogEntries.putAll(readMap(in));
            return c;
          });

  private static void writeMap(Map<String, Long> map, java.io.DataOutputStream out) throws java.io.IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, Long> e : map.entrySet()) {
      Codec.writeString(out, e.getKey());
      out.writeLong(e.getValue());
    }
  }

  private static Map<String, Long> readMap(java.io.DataInputStream in) throws java.io.IOException {
    int n = in.readInt();
    Map<String, Long> map = new HashMap<>(Math.max(4, n * 2));
    for (int i = 0; i < n; i++) {
      map.put(Codec.readString(in), in.readLong());
    }
    return map;
  }

  public static Coder<Counts> coder() {
    return CODER;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Counts c
        && matched == c.matched
        && unmatched == c.unmatched
        && errored == c.errored
        && notices == c.notices
        && droppedLate == c.droppedLate
        && unresolvedLinks == c.unresolvedLinks
        && unshortenLookups == c.unshortenLookups
        && unshortenFailures == c.unshortenFailures
        && artists.equals(c.artists)
        && domains.equals(c.domains)
        && inboundByPlatform.equals(c.inboundByPlatform)
        && matchedByPlatform.equals(c.matchedByPlatform)
        && matchedByCatalog.equals(c.matchedByCatalog)
        && catalogEntries.equals(c.catalogEntries);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(matched, unmatched, errored, notices, droppedLate, unresolvedLinks, artists, domains, inboundByPlatform);
  }

  @Override
  public String toString() {
    return "Counts[in=" + inbound() + " matched=" + matched + " unmatched=" + unmatched + " errored="
        + errored + " notices=" + notices + " droppedLate=" + droppedLate + " artists=" + artists + " domains=" + domains + "]";
  }
}
