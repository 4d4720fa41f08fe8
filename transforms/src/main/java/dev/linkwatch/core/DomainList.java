package dev.linkwatch.core;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A list of domains that also covers their sub-domains: {@code spotify.com} contains {@code
 * open.spotify.com} but not {@code notspotify.com}. Used for the whitelist and the blacklist.
 */
public final class DomainList implements Serializable {
  private final Set<String> domains;

  private DomainList(Set<String> domains) {
    this.domains = domains;
  }

  public static DomainList of(Collection<String> entries) {
    Set<String> set = new TreeSet<>();
    for (String e : entries) {
      String d = e.strip().toLowerCase(Locale.ROOT);
      while (d.endsWith(".")) {
        d = d.substring(0, d.length() - 1);
      }
      if (!d.isEmpty()) {
        set.add(d);
      }
    }
    return new DomainList(Set.copyOf(set));
  }

  /** Whether {@code host} or one of its parent domains is listed. */
  public boolean contains(String host) {
    if (host == null || domains.isEmpty()) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    while (true) {
      if (domains.contains(h)) {
        return true;
      }
      int dot = h.indexOf('.');
      if (dot < 0) {
        return false;
      }
      h = h.substring(dot + 1);
    }
  }

  public boolean isEmpty() {
    return domains.isEmpty();
  }

  public int size() {
    return domains.size();
  }

  public List<String> entries() {
    return List.copyOf(new TreeSet<>(domains));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DomainList d && domains.equals(d.domains);
  }

  @Override
  public int hashCode() {
    return domains.hashCode();
  }

  @Override
  public String toString() {
    return "DomainList" + entries();
  }
}
