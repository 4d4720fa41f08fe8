package dev.linkwatch.core;

/**
 * Undoes the HTML escaping Twitter applies to tweet text ({@code &amp;}, {@code &lt;}, {@code
 * &gt;}, plus quotes and numeric references seen in older payloads), so that term matching sees
 * what the user typed: "Down &amp; Dirty" must match the track "Down & Dirty".
 *
 * <p>One pass only: {@code &amp;lt;} becomes {@code &lt;}, as a browser would show it. Unknown or
 * invalid references are kept verbatim rather than guessed.
 */
final class Html {
  private Html() {}

  static String unescape(String s) {
    if (s == null) {
      return null;
    }
    int amp = s.indexOf('&');
    if (amp < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    out.append(s, 0, amp);
    int i = amp;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c != '&') {
        out.append(c);
        i++;
        continue;
      }
      int semi = s.indexOf(';', i + 1);
      // Real references are short; a far semicolon means a bare ampersand.
      if (semi < 0 || semi - i > 10) {
        out.append(c);
        i++;
        continue;
      }
      String ref = s.substring(i + 1, semi);
      int cp = decode(ref);
      if (cp < 0) {
        out.append(c);
        i++;
      } else {
        out.appendCodePoint(cp);
        i = semi + 1;
      }
    }
    return out.toString();
  }

  private static int decode(String ref) {
    switch (ref) {
      case "amp":
        return '&';
      case "lt":
        return '<';
      case "gt":
        return '>';
      case "quot":
        return '"';
      case "apos":
        return '\'';
      default:
        break;
    }
    if (ref.length() < 2 || ref.charAt(0) != '#') {
      return -1;
    }
    boolean hex = ref.charAt(1) == 'x' || ref.charAt(1) == 'X';
    String digits = ref.substring(hex ? 2 : 1);
    if (digits.isEmpty()) {
      return -1;
    }
    try {
      int cp = Integer.parseInt(digits, hex ? 16 : 10);
      // Reject NUL, surrogates and out-of-range values: they would corrupt the text.
      if (cp <= 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return -1;
      }
      return cp;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
