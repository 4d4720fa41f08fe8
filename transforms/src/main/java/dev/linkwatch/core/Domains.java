package dev.linkwatch.core;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import java.net.IDN;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host and registrable-domain extraction for links found in tweets.
 *
 * <p>Why not {@link java.net.URI}: tweet links are messy (no scheme, userinfo, ideographic dots,
 * Unicode hosts, bad escapes) and {@code URI} rejects many of them outright, which would let a
 * pirate link slip past the rules. {@link #host} is deliberately lenient and never throws.
 *
 * <p>Why Guava's {@link InternetDomainName}: it carries the whole Public Suffix List including the
 * private section, so {@code foo.blogspot.com} is its own site and not a part of {@code
 * blogspot.com}. Its list is the one bundled with the Guava version in use and may lag the live
 * list by a few suffixes.
 */
public final class Domains {

  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*://");
  /**
   * A scheme with no authority after it ({@code javascript:}, {@code mailto:}, {@code data:}): the
   * text names no host. A digit after the colon is a port ({@code localhost:8080}), not a scheme.
   */
  private static final Pattern OPAQUE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:(?![/\\\\0-9])");

  private Domains() {}

  /**
   * The host of a URL, as lowercase ASCII (IDN labels in punycode), without port, userinfo,
   * brackets or trailing root dot. The scheme is optional ({@code example.com/path} works).
   *
   * @return the host, or null when the text has none (empty authority, whitespace or control
   *     characters in the host, invalid IPv6 literal)
   */
  public static String host(String url) {
    if (url == null) {
      return null;
    }
    String s = url.strip();
    int start;
    if (s.startsWith("//")) {
      start = 2;
    } else {
      var m = SCHEME.matcher(s);
      if (m.find()) {
        start = m.end();
      } else if (OPAQUE.matcher(s).find()) {
        return null;
      } else {
        start = 0;
      }
    }
    int end = s.length();
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      // Browsers treat a backslash like a slash in http(s) URLs; so must we, or "evil.com\@good.com"
      // would be read as good.com.
      if (c == '/' || c == '?' || c == '#' || c == '\\') {
        end = i;
        break;
      }
    }
    String authority = s.substring(start, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        return null;
      }
      String literal = authority.substring(1, close);
      return InetAddresses.isInetAddress(literal) && literal.indexOf(':') >= 0
          ? literal.toLowerCase(Locale.ROOT)
          : null;
    }
    if (authority.indexOf(':') != authority.lastIndexOf(':')
        && InetAddresses.isInetAddress(authority)) {
      return authority.toLowerCase(Locale.ROOT); // bare IPv6, seen in hand-typed links
    }
    int colon = authority.indexOf(':');
    if (colon >= 0) {
      authority = authority.substring(0, colon);
    }
    return normaliseHost(authority);
  }

  /**
   * The registrable domain ("primary domain") of a host: the public suffix plus one label, by the
   * whole Public Suffix List including its private section.
   *
   * <p>IP literals are their own primary domain, since no suffix applies to them. A host that is
   * itself a public suffix ({@code co.uk}, {@code blogspot.com}) has none and yields null, as in
   * the PSL's own test vectors. A host under an unknown TLD gets the PSL default rule {@code *}:
   * its last two labels.
   *
   * @param host a host as returned by {@link #host}; Unicode, uppercase and a trailing dot are
   *     accepted too
   * @return lowercase ASCII registrable domain, the IP literal, or null
   */
  public static String primaryDomain(String host) {
    if (host == null) {
      return null;
    }
    String h = host.strip();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (InetAddresses.isInetAddress(h)) {
      return h.toLowerCase(Locale.ROOT);
    }
    // A leading dot or an empty label is not a host: the PSL vectors expect null, not a guess.
    if (h.startsWith(".") || h.contains("..")) {
      return null;
    }
    h = normaliseHost(h);
    if (h == null) {
      return null;
    }
    String[] labels = h.split("\\.", -1);
    // Guava rejects some real-world labels ("xn--&", over-long ones); use the longest valid tail
    // and put back the one label in front of its suffix.
    for (int first = 0; first < labels.length; first++) {
      String tail = first == 0 ? h : String.join(".", Arrays.copyOfRange(labels, first, labels.length));
      InternetDomainName name;
      try {
        name = InternetDomainName.from(tail);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (name.isUnderPublicSuffix()) {
        return name.topPrivateDomain().toString();
      }
      if (name.isPublicSuffix()) {
        return first == 0 ? null : labels[first - 1] + "." + tail;
      }
      // No listed suffix at all: the PSL default rule "*" makes the TLD the suffix.
      return lastTwoLabels(labels);
    }
    return lastTwoLabels(labels);
  }

  private static String lastTwoLabels(String[] labels) {
    int n = labels.length;
    return n >= 2 ? labels[n - 2] + "." + labels[n - 1] : null;
  }

  /**
   * Lowercases, maps ideographic full stops, drops one trailing root dot and converts each
   * Unicode label to punycode; labels that IDNA refuses are kept as they are, lowercased, since a
   * lenient answer beats no answer for a blocklist check.
   */
  private static String normaliseHost(String raw) {
    String h = raw.replace('\u3002', '.').replace('\uFF0E', '.').replace('\uFF61', '.');
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.isEmpty()) {
      return null;
    }
    boolean ascii = true;
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c <= 0x20 || c == 0x7F || "\"<>^`{|}%".indexOf(c) >= 0) {
        return null;
      }
      if (c >= 0x80) {
        ascii = false;
      }
    }
    if (ascii) {
      return h.toLowerCase(Locale.ROOT);
    }
    String[] labels = h.split("\\.", -1);
    StringBuilder out = new StringBuilder(h.length() + 16);
    for (int i = 0; i < labels.length; i++) {
      if (i > 0) {
        out.append('.');
      }
      String label = labels[i];
      String converted;
      try {
        converted = IDN.toASCII(label, IDN.ALLOW_UNASSIGNED);
      } catch (IllegalArgumentException e) {
        converted = label;
      }
      out.append(converted.toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }
}
