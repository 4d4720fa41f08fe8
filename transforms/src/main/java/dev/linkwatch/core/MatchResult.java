package dev.linkwatch.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Hits of one text, in text order.
 *
 * @param hits every entry named, one hit per (span, entry); a span naming several entries (a
 *     single's album and track) gives several hits
 * @param spanCount how many spans named something new, in text order: a span counts once however
 *     many entries it names, and a span whose entries were all named by an earlier span (the same
 *     title repeated) does not count. This is the number to compare with the "at least two" rule,
 *     so that one mention of a single, or "Touch Touch", is not taken for two names.
 */
public record MatchResult(List<Hit> hits, int spanCount) {
  public MatchResult {
    hits = List.copyOf(hits);
  }

  public static MatchResult empty() {
    return new MatchResult(List.of(), 0);
  }

  public boolean isEmpty() {
    return hits.isEmpty();
  }

  /** Distinct values with this tag, in the order first found. */
  public List<String> values(Tag tag) {
    Set<String> out = new LinkedHashSet<>();
    for (Hit h : hits) {
      if (h.tag() == tag) {
        out.add(h.value());
      }
    }
    return new ArrayList<>(out);
  }

  /** Tags found, in the order first found. */
  public Set<Tag> tags() {
    Set<Tag> out = new LinkedHashSet<>();
    for (Hit h : hits) {
      out.add(h.tag());
    }
    return out;
  }

  /** Number of distinct (tag, value) entries named. */
  public int distinctEntries() {
    Set<String> out = new LinkedHashSet<>();
    for (Hit h : hits) {
      out.add(h.tag().ordinal() + "\u0000" + h.value());
    }
    return out.size();
  }
}
