package dev.linkwatch.core.unshorten;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * SSRF guard: decides whether a link-resolution request may go to an address or URL.
 *
 * <p>Links come from untrusted tweets, and every redirect hop is chosen by whoever runs the
 * shortener account, so a hop must never reach cluster-internal services (metadata endpoints,
 * Kafka, Flink UIs...). The guard is a deny-list of special-purpose ranges; everything else is
 * public Internet.
 *
 * <p>Categories that no legitimate link target uses (any-local, link-local incl. cloud metadata
 * 169.254.169.254, multicast, broadcast, reserved, documentation, deprecated IPv4-compatible IPv6)
 * are refused unconditionally; only loopback and private ranges can be opted in.
 *
 * <p><b>Known limit (DNS rebinding):</b> {@link java.net.http.HttpClient} resolves the host again
 * when it connects, and offers no way to pin the checked address. A hostile DNS server answering
 * with a short TTL can therefore pass the check with a public address and then hand the client a
 * private one. The JVM's positive DNS cache (30 s by default, {@code networkaddress.cache.ttl})
 * narrows the window; closing it needs an egress proxy or network policy.
 */
public final class AddressGuard {

  /** Hosts made only of numeric labels: decimal, octal (leading 0) or hex (0x) — "IP-like". */
  private static final Pattern NUMERIC_HOST =
      Pattern.compile("^(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*\\.?$");

  private static final Pattern CANONICAL_V4 =
      Pattern.compile("^(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}$");

  private AddressGuard() {}

  /**
   * Why {@code a} must not be contacted, or empty if it may be.
   *
   * @param allowLoopback accept 127/8 and ::1
   * @param allowPrivate accept 10/8, 172.16/12, 192.168/16, 100.64/10, 198.18/15, fc00::/7, fec0::/10
   */
  public static Optional<String> refusal(InetAddress a, boolean allowLoopback, boolean allowPrivate) {
    if (a == null) {
      return Optional.of("no address");
    }
    byte[] b = a.getAddress();
    if (b.length == 4) {
      return refusalV4(b, allowLoopback, allowPrivate);
    }
    return refusalV6(b, allowLoopback, allowPrivate);
  }

  private static Optional<String> refusalV4(byte[] b, boolean allowLoopback, boolean allowPrivate) {
    int o0 = b[0] & 0xff;
    int o1 = b[1] & 0xff;
    int o2 = b[2] & 0xff;
    if (o0 == 0 && o1 == 0 && o2 == 0 && b[3] == 0) {
      return Optional.of("any-local address");
    }
    if (o0 == 0) {
      return Optional.of("'this network' address (0/8)"); // Linux routes these to the local host
    }
    if (o0 == 127) {
      return allowLoopback ? Optional.empty() : Optional.of("loopback address");
    }
    if (o0 == 169 && o1 == 254) {
      return Optional.of("link-local address");
    }
    if (o0 == 10 || (o0 == 172 && (o1 & 0xf0) == 16) || (o0 == 192 && o1 == 168)) {
      return allowPrivate ? Optional.empty() : Optional.of("private address");
    }
    if (o0 == 100 && (o1 & 0xc0) == 64) {
      return allowPrivate ? Optional.empty() : Optional.of("CGNAT shared address");
    }
    if (o0 == 198 && (o1 & 0xfe) == 18) {
      return allowPrivate ? Optional.empty() : Optional.of("benchmarking address");
    }
    if (o0 == 192 && o1 == 0 && o2 == 0) {
      return Optional.of("IETF protocol assignment address");
    }
    if ((o0 == 192 && o1 == 0 && o2 == 2)
        || (o0 == 198 && o1 == 51 && o2 == 100)
        || (o0 == 203 && o1 == 0 && o2 == 113)) {
      return Optional.of("documentation address");
    }
    if (o0 == 255 && o1 == 255 && o2 == 255 && (b[3] & 0xff) == 255) {
      return Optional.of("broadcast address");
    }
    if ((o0 & 0xf0) == 224) {
      return Optional.of("multicast address");
    }
    if ((o0 & 0xf0) == 240) {
      return Optional.of("reserved address");
    }
    return Optional.empty();
  }

  private static Optional<String> refusalV6(byte[] b, boolean allowLoopback, boolean allowPrivate) {
    boolean first80Zero = true;
    for (int i = 0; i < 10; i++) {
      first80Zero &= b[i] == 0;
    }
    boolean first96Zero = first80Zero && b[10] == 0 && b[11] == 0;
    if (first96Zero) {
      int last = ((b[12] & 0xff) << 24) | ((b[13] & 0xff) << 16) | ((b[14] & 0xff) << 8) | (b[15] & 0xff);
      if (last == 0) {
        return Optional.of("any-local address");
      }
      if (last == 1) {
        return allowLoopback ? Optional.empty() : Optional.of("loopback address");
      }
      // ::a.b.c.d is deprecated and never a legitimate target; name the embedded range if any.
      return Optional.of(embedded("IPv4-compatible", b, 12, allowLoopback, allowPrivate)
          .orElse("IPv4-compatible IPv6 address"));
    }
    if (first80Zero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      // ::ffff:a.b.c.d connects to the IPv4 host, so it is judged as that host.
      return embedded("IPv4-mapped", b, 12, allowLoopback, allowPrivate);
    }
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    int w2 = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
    if (w0 == 0x0064 && w1 == 0xff9b && (w2 == 0 || w2 == 1)) {
      // NAT64 (64:ff9b::/96 and local-use 64:ff9b:1::/48) forward to the embedded IPv4 host.
      return embedded("NAT64", b, 12, allowLoopback, allowPrivate);
    }
    if (w0 == 0x2002) {
      return embedded("6to4", b, 2, allowLoopback, allowPrivate);
    }
    if (w0 == 0x0100 && w1 == 0 && w2 == 0 && b[6] == 0 && b[7] == 0) {
      return Optional.of("discard-only address");
    }
    if ((w0 & 0xffc0) == 0xfe80) {
      return Optional.of("link-local address");
    }
    if ((w0 & 0xffc0) == 0xfec0 || (w0 & 0xfe00) == 0xfc00) {
      return allowPrivate ? Optional.empty() : Optional.of("private address");
    }
    if ((w0 & 0xff00) == 0xff00) {
      return Optional.of("multicast address");
    }
    if (w0 == 0x2001 && w1 == 0x0db8) {
      return Optional.of("documentation address");
    }
    return Optional.empty();
  }

  private static Optional<String> embedded(
      String form, byte[] b, int offset, boolean allowLoopback, boolean allowPrivate) {
    byte[] v4 = {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]};
    return refusalV4(v4, allowLoopback, allowPrivate)
        .map(reason -> reason + " (" + form + " " + (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "."
            + (v4[2] & 0xff) + "." + (v4[3] & 0xff) + ")");
  }

  // ---------------------------------------------------------------- URL-level checks

  /**
   * Why a request to {@code uri} must not be sent, or empty if it may. With {@code lookup} the
   * host is resolved and refused if ANY of its addresses is refused (the client may pick any of
   * them); without it only what is visible in the URL itself (scheme, IP literals) is judged,
   * which is what we want for targets we never contact.
   *
   * @throws UnknownHostException when {@code lookup} is set and the name does not resolve
   */
  static Optional<String> refusal(URI uri, boolean allowLoopback, boolean allowPrivate, boolean lookup)
      throws UnknownHostException {
    return refusal(uri, allowLoopback, allowPrivate, lookup, InetAddress::getAllByName);
  }

  /** Name resolution, every address of a name; a seam so tests can give a name several addresses. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  static Optional<String> refusal(
      URI uri, boolean allowLoopback, boolean allowPrivate, boolean lookup, Resolver resolver)
      throws UnknownHostException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of(scheme.isEmpty() ? "no scheme" : "scheme '" + scheme + "' not allowed");
    }
    String host = hostOf(uri);
    if (host == null || host.isEmpty()) {
      return lookup ? Optional.of("no valid host") : Optional.empty();
    }
    if (host.indexOf(':') >= 0) { // IPv6 literal (brackets already removed)
      InetAddress a;
      try {
        a = InetAddress.getByName("[" + host + "]");
      } catch (UnknownHostException e) {
        return Optional.of("invalid IPv6 literal");
      }
      return refusal(a, allowLoopback, allowPrivate);
    }
    if (NUMERIC_HOST.matcher(host).matches()) {
      byte[] v4 = CANONICAL_V4.matcher(host).matches() ? dottedQuad(host) : null;
      if (v4 != null) {
        return refusalV4(v4, allowLoopback, allowPrivate);
      }
      // 2130706433, 0x7f.1, 0177.0.0.1 ...: resolvers disagree on these (the JDK reads
      // 0177.0.0.1 as 177.0.0.1, browsers as 127.0.0.1), so no interpretation is safe.
      byte[] decoded = inetAton(host);
      String what = decoded == null ? "" : refusalV4(decoded, allowLoopback, allowPrivate)
          .map(r -> ", " + r).orElse("");
      return Optional.of("non-canonical numeric host" + what);
    }
    if (!lookup) {
      return Optional.empty();
    }
    InetAddress[] addresses = resolver.resolve(host);
    if (addresses == null || addresses.length == 0) {
      throw new UnknownHostException(host);
    }
    for (InetAddress a : addresses) {
      Optional<String> r = refusal(a, allowLoopback, allowPrivate);
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  /**
   * Host as the network would see it, lower-case, without brackets or trailing dot. Falls back to
   * parsing the raw authority because {@link URI#getHost()} is null for hosts it considers
   * malformed (e.g. "127.1", underscores) although other clients happily connect to them.
   */
  static String hostOf(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      String auth = uri.getRawAuthority();
      if (auth == null) {
        return null;
      }
      int at = auth.lastIndexOf('@');
      if (at >= 0) {
        auth = auth.substring(at + 1);
      }
      if (auth.startsWith("[")) {
        int close = auth.indexOf(']');
        host = close > 0 ? auth.substring(0, close + 1) : auth;
      } else {
        int colon = auth.lastIndexOf(':');
        host = colon >= 0 ? auth.substring(0, colon) : auth;
      }
    }
    return UnshortenSettings.normalizeHost(host);
  }

  private static byte[] dottedQuad(String host) {
    String[] parts = host.split("\\.");
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      int v = Integer.parseInt(parts[i]);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  /** BSD inet_aton reading (what curl and browsers do), used only to explain a refusal. */
  static byte[] inetAton(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String[] parts = h.split("\\.", -1);
    if (parts.length < 1 || parts.length > 4) {
      return null;
    }
    long[] v = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      try {
        if (p.startsWith("0x")) {
          v[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
        } else if (p.length() > 1 && p.startsWith("0")) {
          v[i] = Long.parseLong(p.substring(1), 8);
        } else {
          v[i] = Long.parseLong(p);
        }
      } catch (NumberFormatException e) {
        return null;
      }
    }
    long addr = 0;
    for (int i = 0; i < v.length - 1; i++) {
      if (v[i] > 255) {
        return null;
      }
      addr |= v[i] << (8 * (3 - i));
    }
    long last = v[v.length - 1];
    if (last >= (1L << (8 * (5 - v.length)))) {
      return null;
    }
    addr |= last;
    return new byte[] {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr};
  }
}
