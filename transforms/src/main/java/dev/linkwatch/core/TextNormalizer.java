package dev.linkwatch.core;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One normalisation for both catalog terms and tweet text, so that the two meet in a single
 * canonical space and a plain exact automaton can do the matching.
 *
 * <p>Result: tokens (runs of letters, digits and kept combining marks) joined by single spaces,
 * no leading or trailing space. Steps, per code point together with its following combining marks:
 *
 * <ul>
 *   <li>NFKC (full-width letters, ligatures, superscripts become plain letters);
 *   <li>case fold: {@code toUpperCase(ROOT).toLowerCase(ROOT)}, which also folds ß→ss, ς→σ;
 *   <li>diacritics: NFD, drop marks of the generic combining-diacritics blocks (U+0300–036F,
 *       1AB0–1AFF, 1DC0–1DFF, 20D0–20FF, FE20–FE2F; also variation selectors), NFC. Only those
 *       blocks, because kana voicing marks (U+3099/309A) and Indic vowel signs are letters-in-part:
 *       dropping them would change the word. Hangul syllables decompose to jamo (not marks) and recompose unchanged. A few
 *       letters without a decomposition are folded by hand (ø→o, æ→ae, œ→oe, đ/ð→d, ł→l, ħ→h);
 *   <li>apostrophes (' ’ ‘ ʼ ′ ＇) are removed <em>without</em> splitting the word: "Don’t" →
 *       "dont", because tweets drop them freely and a split would make "don t" a two-token term.
 *       Exception: a possessive/contracted word-final "'s" is split off ("Little Mix's" → "little
 *       mix s"), so a name followed by 's still ends on a token boundary; {@link TermMatcher} adds
 *       the apostrophe-free spelling ("peppers") as an automatic variant for such terms;
 *   <li>{@code &} becomes the token "and" ("Down & Dirty" → "down and dirty", "R&B" → "r and b");
 *   <li>everything else (punctuation, dashes, quotes, symbols, emoji, whitespace) separates tokens.
 * </ul>
 *
 * <p>In tweet text only ({@link #normalizeText}), URLs ({@code http://}, {@code https://}, also the
 * JSON-escaped {@code https:\/\/}, and {@code www.} up to the next whitespace) and {@code @mentions}
 * are removed, because a name inside a link or a handle is not a claim about content. Hashtags keep
 * their word ("#LittleMix" → "littlemix").
 */
public final class TextNormalizer {
  /** {@link #foldUnit}'s memory: one slot per BMP char, filled on first use. */
  private static final String[] FOLDED_BMP = new String[0x10000];
  /** Emoji and rare scripts; bounded so hostile input cannot grow it without end. */
  private static final int MAX_FOLDED_SUPPLEMENTARY = 8192;
  private static final ConcurrentHashMap<Integer, String> FOLDED_SUPPLEMENTARY =
      new ConcurrentHashMap<>();

  private TextNormalizer() {}

  /** Normalises tweet text (URLs and mentions removed) keeping the offset map. */
  public static NormalizedText normalizeText(String original) {
    return run(original == null ? "" : original, true);
  }

  /** Normalises a catalog term; URLs and mentions are not special here. */
  public static String normalizeTerm(String term) {
    return run(term == null ? "" : term, false).text();
  }

  private static final class Out {
    final StringBuilder sb;
    int[] starts;
    int[] ends;
    boolean needSpace;
    int lastEnd;

    Out(int cap) {
      sb = new StringBuilder(cap);
      starts = new int[cap];
      ends = new int[cap];
    }

    void brk() {
      if (sb.length() > 0) {
        needSpace = true;
      }
    }

    void emit(char c, int s, int e) {
      if (needSpace) {
        put(' ', lastEnd, s);
        needSpace = false;
      }
      put(c, s, e);
      lastEnd = e;
    }

    private void put(char c, int s, int e) {
      int n = sb.length();
      if (n == starts.length) {
        int cap = Math.max(16, n * 2);
        starts = Arrays.copyOf(starts, cap);
        ends = Arrays.copyOf(ends, cap);
      }
      sb.append(c);
      starts[n] = s;
      ends[n] = e;
    }

    NormalizedText done() {
      int n = sb.length();
      return new NormalizedText(
          sb.toString(),
          n == starts.length ? starts : Arrays.copyOf(starts, n),
          n == ends.length ? ends : Arrays.copyOf(ends, n));
    }
  }

  private static NormalizedText run(String s, boolean tweet) {
    int n = s.length();
    Out out = new Out(n + 8);
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (tweet && (c == 'h' || c == 'H' || c == 'w' || c == 'W' || c == '@' || c == '\uFF20')) {
        int skip = skipUrlOrMention(s, i);
        if (skip > i) {
          out.brk();
          i = skip;
          continue;
        }
      }
      if (c < 0x80) {
        if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
          out.emit(c, i, i + 1);
        } else if (c >= 'A' && c <= 'Z') {
          out.emit((char) (c + 32), i, i + 1);
        } else if (c == '&') {
          and(out, i, i + 1);
        } else if (c != '\'' || isPossessive(s, i)) { // other apostrophes: word continues
          out.brk();
        }
        i++;
        continue;
      }
      int cp = s.codePointAt(i);
      int j = i + Character.charCount(cp);
      while (j < n) {
        int m = s.codePointAt(j);
        if (!isMark(m)) {
          break;
        }
        j += Character.charCount(m);
      }
      if (j == i + 1 && isApostrophe(c)) {
        if (isPossessive(s, i)) {
          out.brk();
        }
        i = j;
        continue;
      }
      String folded = foldUnit(s, i, j);
      for (int k = 0; k < folded.length(); ) {
        int f = folded.codePointAt(k);
        k += Character.charCount(f);
        if (Character.isLetterOrDigit(f) || isMark(f)) {
          if (f < 0x10000) {
            out.emit((char) f, i, j);
          } else {
            out.emit(Character.highSurrogate(f), i, j);
            out.emit(Character.lowSurrogate(f), i, j);
          }
        } else if (f == '&') {
          and(out, i, j);
        } else if (!isApostrophe(f)) {
          out.brk();
        }
      }
      i = j;
    }
    return out.done();
  }

  /** An apostrophe at {@code i} followed by a word-final s ("Mix's", "Pepper’s"). */
  private static boolean isPossessive(String s, int i) {
    return i > 0
        && Character.isLetterOrDigit(s.charAt(i - 1))
        && i + 1 < s.length()
        && (s.charAt(i + 1) == 's' || s.charAt(i + 1) == 'S')
        && (i + 2 == s.length() || !Character.isLetterOrDigit(s.charAt(i + 2)));
  }

  private static void and(Out out, int s, int e) {
    out.brk();
    out.emit('a', s, e);
    out.emit('n', s, e);
    out.emit('d', s, e);
    out.brk();
  }

  /** Returns the index after a URL or mention starting at {@code i}, or {@code i} if none. */
  static int skipUrlOrMention(String s, int i) {
    if (i > 0 && isWordChar(s.charAt(i - 1))) {
      return i; // e.g. an e-mail address or "xhttp", not a token start
    }
    char c = s.charAt(i);
    if (c == 'h' || c == 'H') {
      if (startsWithIgnoreCase(s, i, "http://")
          || startsWithIgnoreCase(s, i, "https://")
          || startsWithIgnoreCase(s, i, "http:\\/\\/")
          || startsWithIgnoreCase(s, i, "https:\\/\\/")) {
        return toWhitespace(s, i);
      }
    } else if (c == 'w' || c == 'W') {
      if (startsWithIgnoreCase(s, i, "www.")) {
        return toWhitespace(s, i);
      }
    } else if (c == '@' || c == '\uFF20') {
      int j = i + 1;
      while (j < s.length() && isHandleChar(s.charAt(j))) {
        j++;
      }
      return j > i + 1 ? j : i;
    }
    return i;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private static boolean isHandleChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
  }

  private static boolean startsWithIgnoreCase(String s, int i, String p) {
    return s.regionMatches(true, i, p, 0, p.length());
  }

  private static int toWhitespace(String s, int i) {
    int j = i;
    while (j < s.length() && !Character.isWhitespace(s.charAt(j))) {
      j++;
    }
    return j;
  }

  private static boolean isApostrophe(int c) {
    return c == '\'' || c == '\u2019' || c == '\u2018' || c == '\u02BC' || c == '\u2032'
        || c == '\uFF07' || c == '\u201B';
  }

  private static boolean isMark(int cp) {
    int t = Character.getType(cp);
    return t == Character.NON_SPACING_MARK
        || t == Character.COMBINING_SPACING_MARK
        || t == Character.ENCLOSING_MARK;
  }

  private static boolean isFoldedDiacritic(int cp) {
    return cp >= 0x0300 && cp <= 0x036F
        || cp >= 0x1AB0 && cp <= 0x1AFF
        || cp >= 0x1DC0 && cp <= 0x1DFF
        || cp >= 0x20D0 && cp <= 0x20FF
        || cp >= 0xFE20 && cp <= 0xFE2F
        || cp >= 0xFE00 && cp <= 0xFE0F // variation selectors (emoji presentation)
        || cp >= 0xE0100 && cp <= 0xE01EF;
  }

  /**
   * {@link #fold} of {@code s[i, j)}, remembered for a lone code point. Tweets in Japanese, Korean or
   * with emoji are mostly such code points, and three {@link Normalizer} passes plus their strings
   * for each one made the non-ASCII path the matcher's main cost. A code point with marks after it is
   * rare and folded afresh. The tables are filled racily on purpose: a String is safe to publish
   * without a lock, and two threads folding the same code point store equal results.
   */
  private static String foldUnit(String s, int i, int j) {
    char c = s.charAt(i);
    if (j == i + 1) {
      String f = FOLDED_BMP[c];
      if (f == null) {
        f = fold(String.valueOf(c));
        FOLDED_BMP[c] = f;
      }
      return f;
    }
    if (j == i + 2 && Character.isHighSurrogate(c)) {
      int cp = s.codePointAt(i);
      String f = FOLDED_SUPPLEMENTARY.get(cp);
      if (f == null) {
        f = fold(s.substring(i, j));
        if (FOLDED_SUPPLEMENTARY.size() < MAX_FOLDED_SUPPLEMENTARY) {
          FOLDED_SUPPLEMENTARY.put(cp, f);
        }
      }
      return f;
    }
    return fold(s.substring(i, j));
  }

  /** Folds one code point plus its combining marks; slow path, only for non-ASCII input. */
  static String fold(String unit) {
    String t = Normalizer.normalize(unit, Normalizer.Form.NFKC);
    t = t.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    t = Normalizer.normalize(t, Normalizer.Form.NFD);
    StringBuilder sb = new StringBuilder(t.length() + 2);
    for (int k = 0; k < t.length(); ) {
      int cp = t.codePointAt(k);
      k += Character.charCount(cp);
      if (isFoldedDiacritic(cp)) {
        continue;
      }
      switch (cp) {
        case 'ø' -> sb.append('o');
        case 'æ' -> sb.append("ae");
        case 'œ' -> sb.append("oe");
        case 'đ', 'ð' -> sb.append('d');
        case 'ł' -> sb.append('l');
        case 'ħ' -> sb.append('h');
        case 'ı' -> sb.append('i');
        default -> sb.appendCodePoint(cp);
      }
    }
    return Normalizer.normalize(sb, Normalizer.Form.NFC);
  }
}
