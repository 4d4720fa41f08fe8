package dev.linkwatch.core.unshorten;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything an {@link Unshortener} needs, as one serializable value so a Beam DoFn can carry it
 * to workers and build its (non-serializable) {@code Unshortener} in {@code @Setup}.
 *
 * <p>Hosts are normalised (trimmed, lower-cased, leading/trailing dots and IPv6 brackets
 * dropped) so that lookups need no further care. Loopback and private targets are refused by
 * default because resolving attacker-supplied links from inside a cluster is a textbook SSRF
 * vector; tests are the only expected user of {@code allowLoopback}.
 *
 * @param enabled when false every lookup answers {@link Resolution.Status#DISABLED} without I/O
 * @param shortenerHosts hosts (and, implicitly, their sub-domains) whose links are resolved
 * @param maxHops most redirects followed for one link, 1..20
 * @param connectTimeout TCP/TLS connect timeout per request
 * @param totalTimeout wall-clock budget of one resolution from its first request on
 * @param maxInFlight most HTTP requests (plus their DNS checks) in flight at once, 1..10000
 * @param cacheSize most cached resolutions; 0 disables the cache (and in-flight sharing)
 * @param cacheTtl how long a definitive resolution is reused
 * @param allowLoopback let requests reach 127/8, ::1 (tests only)
 * @param allowPrivate let requests reach RFC 1918, CGNAT and IPv6 unique/site-local ranges
 */
public record UnshortenSettings(
    boolean enabled,
    Set<String> shortenerHosts,
    int maxHops,
    Duration connectTimeout,
    Duration totalTimeout,
    int maxInFlight,
    long cacheSize,
    Duration cacheTtl,
    boolean allowLoopback,
    boolean allowPrivate)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Shorteners that dominate music-piracy links seen in the tweet stream. */
  static final Set<String> DEFAULT_HOSTS =
      Set.of("bit.ly", "t.co", "ow.ly", "tinyurl.com", "goo.gl", "buff.ly", "dlvr.it", "ift.tt");

  public UnshortenSettings {
    if (shortenerHosts == null) {
      throw new IllegalArgumentException("shortenerHosts must not be null");
    }
    for (String h : shortenerHosts) {
      if (h == null || normalizeHost(h).isEmpty()) {
        throw new IllegalArgumentException("shortenerHosts must not contain null or blank entries");
      }
    }
    // Set.copyOf is serializable and immutable, so the record stays a safe value.
    shortenerHosts =
        Set.copyOf(
            shortenerHosts.stream().map(UnshortenSettings::normalizeHost).collect(Collectors.toSet()));
    if (maxHops < 1 || maxHops > 20) {
      throw new IllegalArgumentException("maxHops must be in 1..20 but was " + maxHops);
    }
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(totalTimeout, "totalTimeout");
    if (maxInFlight < 1 || maxInFlight > 10_000) {
      throw new IllegalArgumentException("maxInFlight must be in 1..10000 but was " + maxInFlight);
    }
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize must be >= 0 but was " + cacheSize);
    }
    requirePositive(cacheTtl, "cacheTtl");
  }

  /** Production defaults: enabled, common shorteners, 5 hops, 2 s / 5 s, 64 in flight. */
  public static UnshortenSettings defaults() {
    return new UnshortenSettings(
        true,
        DEFAULT_HOSTS,
        5,
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        64,
        100_000,
        Duration.ofHours(1),
        false,
        false);
  }

  public UnshortenSettings withEnabled(boolean v) {
    return new UnshortenSettings(v, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, allowPrivate);
  }

  public UnshortenSettings withShortenerHosts(Set<String> v) {
    return new UnshortenSettings(enabled, v, maxHops, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, allowPrivate);
  }

  public UnshortenSettings withMaxHops(int v) {
    return new UnshortenSettings(enabled, shortenerHosts, v, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, allowPrivate);
  }

  public UnshortenSettings withConnectTimeout(Duration v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, v, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, allowPrivate);
  }

  public UnshortenSettings withTotalTimeout(Duration v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, v,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, allowPrivate);
  }

  public UnshortenSettings withMaxInFlight(int v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        v, cacheSize, cacheTtl, allowLoopback, allowPrivate);
  }

  public UnshortenSettings withCacheSize(long v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        maxInFlight, v, cacheTtl, allowLoopback, allowPrivate);
  }

  public UnshortenSettings withCacheTtl(Duration v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, v, allowLoopback, allowPrivate);
  }

  public UnshortenSettings withAllowLoopback(boolean v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, v, allowPrivate);
  }

  public UnshortenSettings withAllowPrivate(boolean v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, v);
  }

  private static void requirePositive(Duration d, String field) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(field + " must be > 0 but was " + d);
    }
  }

  /** One canonical spelling so "Bit.LY.", "[::1]" and "::1" compare equal. */
  static String normalizeHost(String host) {
    String h = Objects.requireNonNull(host).trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    while (h.startsWith(".")) {
      h = h.substring(1);
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }
}
