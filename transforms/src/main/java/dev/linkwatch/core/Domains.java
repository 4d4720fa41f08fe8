package dev.linkwatch.core;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import java.net.IDN;
import java.util.Locale;

/**
 * Hosts and registrable ("primary") domains of URLs as they appear in tweets: lenient about the mess
 * real links hold (missing scheme, userinfo, ports, upper case, trailing dots, IDN), strict about the
 * Public Suffix List, whose ICANN and private sections Guava carries.
 */
public final class Domains {
  private Domains() {}

  /** The host of {@code url}, lower case, IDN as punycode, or null when it has none. */
  public static String host(String url) {
    if (url == null) {
      return null;
    }
    String s = url.strip();
    int scheme = s.indexOf("://");
    if (scheme > 0 && s.substring(0, scheme).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      s = s.substring(scheme + 3);
    } else if (s.startsWith("//")) {
      s = s.substring(2);
    }
    int end = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || c == '?' || c == '#' || c == '\\') {
        end = i;
        break;
      }
    }
    String authority = s.substring(0, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    String host;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      host = close > 0 ? authority.substring(1, close) : authority.substring(1);
    } else {
      int colon = authority.lastIndexOf(':');
      host = colon >= 0 ? authority.substring(0, colon) : authority;
    }
    while (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.isEmpty()) {
      return null;
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.indexOf(':') < 0) {
      try {
        host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        // Not a valid IDN: keep it as written; the domain rules still work on the text.
      }
    }
    return host;
  }

  /**
   * The registrable domain of {@code host} by the Public Suffix List (private section included), as
   * its test vectors define it: null for a public suffix itself or an invalid name; for a suffix the
   * list does not know, the last two labels (the list's default rule "*").
   */
  public static String registrableDomain(String host) {
    if (host == null || host.isEmpty() || host.startsWith(".")) {
      return null;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (InetAddresses.isInetAddress(h)) {
      return null;
    }
    InternetDomainName name;
    try {
      name = InternetDomainName.from(h);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (name.isPublicSuffix()) {
      return null;
    }
    if (name.isUnderPublicSuffix()) {
      return name.topPrivateDomain().toString();
    }
    // Unknown suffix: the default rule makes the last label the suffix.
    var parts = name.parts();
    return parts.size() < 2 ? null : parts.get(parts.size() - 2) + "." + parts.get(parts.size() - 1);
  }

  /**
   * The domain to report and count for {@code host}: its registrable domain, else the host itself (an
   * IP literal, a bare public suffix, a name the list cannot judge).
   */
  public static String primaryDomain(String host) {
    if (host == null) {
      return null;
    }
    String registrable = registrableDomain(host);
    return registrable != null ? registrable : host.toLowerCase(Locale.ROOT);
  }
}
