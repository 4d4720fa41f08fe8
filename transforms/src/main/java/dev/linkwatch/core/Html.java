package dev.linkwatch.core;

/** Unescapes the HTML entities Twitter puts in tweet text ({@code &amp;}, {@code &lt;}, numeric ones). */
final class Html {
  private Html() {}

  static String unescape(String s) {
    int amp = s.indexOf('&');
    if (amp < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    out.append(s, 0, amp);
    int i = amp;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '&') {
        int semi = s.indexOf(';', i);
        if (semi > i && semi - i <= 10) {
          String entity = s.substring(i + 1, semi);
          String replaced = entity(entity);
          if (replaced != null) {
            out.append(replaced);
            i = semi + 1;
            continue;
          }
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  private static String entity(String e) {
    switch (e) {
      case "amp":
        return "&";
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return "\"";
      case "apos":
      case "#39":
        return "'";
      default:
        break;
    }
    if (e.startsWith("#")) {
      try {
        int cp =
            e.startsWith("#x") || e.startsWith("#X")
                ? Integer.parseInt(e.substring(2), 16)
                : Integer.parseInt(e.substring(1));
        return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : null;
      } catch (NumberFormatException ex) {
        return null;
      }
    }
    return null;
  }
}
