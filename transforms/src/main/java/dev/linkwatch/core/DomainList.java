package dev.linkwatch.core;

import java.io.Serializable;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * An allow- or blocklist of domains that also covers their subdomains: listing {@code
 * spotify.com} covers {@code open.spotify.com} but not {@code notspotify.com}. Matching walks the
 * host's parent domains (at most a handful of hash lookups), so it costs the same for 10 or 100 000
 * entries.
 *
 * <p>Serializable because pipelines ship it to workers inside a DoFn. Immutable.
 */
public final class DomainList implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Set<String> entries;

  private DomainList(Set<String> entries) {
    this.entries = entries;
  }

  /**
   * Builds a list. Entries are kept as given apart from lowercasing and removing one trailing
   * root dot; blank entries are dropped. No "www." or "*." stripping: an entry means exactly that
   * domain and everything under it.
   */
  public static DomainList of(Collection<String> domains) {
    Set<String> set = new TreeSet<>();
    for (String d : domains) {
      if (d == null) {
        continue;
      }
      String e = d.strip().toLowerCase(Locale.ROOT);
      if (e.endsWith(".")) {
        e = e.substring(0, e.length() - 1);
      }
      if (!e.isEmpty()) {
        set.add(e);
      }
    }
    return new DomainList(Set.copyOf(set));
  }

  /** True when the host or one of its parent domains is listed; null is never listed. */
  public boolean contains(String host) {
    if (host == null || entries.isEmpty()) {
      return false;
    }
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    while (!h.isEmpty()) {
      if (entries.contains(h)) {
        return true;
      }
      int dot = h.indexOf('.');
      if (dot < 0) {
        return false;
      }
      h = h.substring(dot + 1);
    }
    return false;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  /** The normalised entries, sorted. */
  public Set<String> entries() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(entries));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DomainList other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "DomainList" + entries();
  }
}
