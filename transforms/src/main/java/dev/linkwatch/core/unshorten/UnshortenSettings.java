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
 * @param trustedOrigins exact origins ({@code http://127.0.0.1:8080}: scheme, host, port) whose
 *     requests skip the address guard, e.g. a shortener run on a private address; empty by default.
 *     Nothing else is widened: another port of the same host, a URL with userinfo, and every
 *     redirect such an origin answers with are judged as usual
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
    boolean allowPrivate,
    Set<String> trustedOrigins)
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
    if (trustedOrigins == null) {
      throw new IllegalArgumentException("trustedOrigins must not be null");
    }
    Set<String> origins = new java.util.HashSet<>();
    for (String o : trustedOrigins) {
      String canonical = o == null ? null : origin(o);
      if (canonical == null) {
        throw new IllegalArgumentException(
            "trustedOrigins: '" + o + "' is not an origin like http://host:port");
      }
      origins.add(canonical);
    }
    trustedOrigins = Set.copyOf(origins);
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
        false,
        Set.of());
  }

  public UnshortenSettings withEnabled(boolean v) {
    return new UnshortenSettings(v, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, allowPrivate, trustedOrigins);
  }

  public UnshortenSettings withShortenerHosts(Set<String> v) {
    return new UnshortenSettings(enabled, v, maxHops, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, allowPrivate, trustedOrigins);
  }

  public UnshortenSettings withMaxHops(int v) {
    return new UnshortenSettings(enabled, shortenerHosts, v, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, allowPrivate, trustedOrigins);
  }

  public UnshortenSettings withConnectTimeout(Duration v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, v, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, allowPrivate, trustedOrigins);
  }

  public UnshortenSettings withTotalTimeout(Duration v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, v,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, allowPrivate, trustedOrigins);
  }

  public UnshortenSettings withMaxInFlight(int v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        v, cacheSize, cacheTtl, allowLoopback, allowPrivate, trustedOrigins);
  }

  public UnshortenSettings withCacheSize(long v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        maxInFlight, v, cacheTtl, allowLoopback, allowPrivate, trustedOrigins);
  }

  public UnshortenSettings withCacheTtl(Duration v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, v, allowLoopback, allowPrivate, trustedOrigins);
  }

  public UnshortenSettings withAllowLoopback(boolean v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, v, allowPrivate, trustedOrigins);
  }

  public UnshortenSettings withAllowPrivate(boolean v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, v, trustedOrigins);
  }

  /** Exactly these origins (see {@code trustedOrigins}) skip the address guard; all else is judged. */
  public UnshortenSettings withTrustedOrigins(Set<String> v) {
    return new UnshortenSettings(enabled, shortenerHosts, maxHops, connectTimeout, totalTimeout,
        maxInFlight, cacheSize, cacheTtl, allowLoopback, allowPrivate, v);
  }

  /** Whether a request to {@code uri} is to a trusted origin; URLs with userinfo never are. */
  public boolean isTrusted(java.net.URI uri) {
    if (trustedOrigins.isEmpty() || uri == null || uri.getRawUserInfo() != null) {
      return false;
    }
    String o = origin(uri);
    return o != null && trustedOrigins.contains(o);
  }

  /** "scheme://host:port" with the scheme's default port filled in, or null if not http(s) with a host. */
  static String origin(String url) {
    try {
      java.net.URI u = new java.net.URI(url.trim());
      if (u.getRawUserInfo() != null
          || (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
          || u.getRawQuery() != null) {
        return null;
      }
      return origin(u);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static String origin(java.net.URI u) {
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (u.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
      return null;
    }
    int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("http") ? 80 : 443;
    String host = normalizeHost(u.getHost());
    return scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
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
