package dev.linkwatch.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds catalog names in tweet text in one pass, whatever the catalog size.
 *
 * <p><b>Why this shape.</b> The 2017 prototype looped over every spelling of every filter per tweet
 * (O(catalog × text)) and matched raw substrings, so "Touch" fired inside "touchdown". Here every
 * spelling is normalised once with {@link TextNormalizer} (the same function applied to the tweet),
 * compiled into one hand-written Aho-Corasick automaton, and the tweet is scanned once. Names may
 * only start and end on token boundaries ("Touch" must not match "touchdown", "FU" not "fun"), so
 * the automaton is token-anchored: a failure link goes to the longest proper suffix that starts
 * at a token boundary, and when none exists the scan sits in a dead state until the next space.
 * That both enforces the start boundary and skips the failure-chain walks inside ordinary words;
 * the end boundary is checked where outputs are read (only at token ends).
 *
 * <p>Hand-written rather than {@code org.ahocorasick}: the library keeps a map per state and an
 * object per emit, too slow and too big at 100k names. Here states live in flat arrays: ids are
 * depth-first preorder, so following a name down the trie reads consecutive memory; each state's
 * edges are a sorted run of {@code label << 32 | child} longs, binary-searched; the root has a
 * 64k direct table; per-state fields are interleaved so one step touches one cache line.
 *
 * <p><b>Automatic variants.</b> Each spelling (value and explicit variants) is added normalised
 * ("F.U." → "f u", "Beyoncé" → "beyonce") and joined ("little mix" → "littlemix", so "#LittleMix"
 * matches); a spelling with apostrophes also without them ("Pepper's" → "peppers" besides "pepper
 * s"). Terms that normalise to nothing (e.g. "!!!") are skipped. One-character terms are kept
 * and, like all terms, match only a whole token ("U2"-style short names need this; the "at least two
 * names" rule is what keeps them from causing alerts alone).
 *
 * <p><b>Overlaps.</b> Candidate spans are resolved longest first (ties: leftmost); a span that
 * overlaps an accepted one is dropped, so with "Little Mix" and "Mix" in the catalog, "little mix"
 * yields only "Little Mix". Entries sharing the identical span are all kept (a single's album and
 * track), and {@link MatchResult#spanCount()} counts such a span once.
 *
 * <p><b>Fuzzy (optional).</b> Edit distance 1 for spellings of at least {@value #FUZZY_MIN_LETTERS}
 * letters, still one pass, by symmetric deletion: the automaton also holds every one-char deletion
 * of each eligible spelling, and while scanning, besides the normal state, the matcher keeps a small
 * set of "one text char skipped" states (each with the skipped position; an entry is dropped once
 * its skip falls out of the state's window, so the set stays tiny). Then
 * text-deletion = exact state hits a deletion variant; text-insertion = skip state hits the
 * spelling; substitution = skip state hits a deletion variant. Every fuzzy candidate is verified
 * with a bounded Levenshtein check (symmetric deletion alone would also admit transpositions, which
 * are distance 2). Cost: about len²/2 extra trie nodes per eligible spelling, so fuzzy catalogs are
 * several times bigger; it is off by default.
 *
 * <p>Immutable and thread-safe: all state is in final arrays written only during {@link #build}.
 */
public final class TermMatcher implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Minimum letters (non-space chars of the normalised spelling) for fuzzy matching. */
  public static final int FUZZY_MIN_LETTERS = 7;

  private static final int MAX_SKIP_STATES = 64;
  private static final int[] NO_ENTRIES = new int[0];
  private static final String[] NO_SPELLINGS = new String[0];

  /** Inside a token that no anchored pattern prefix covers; only a space leaves it. */
  private static final int DEAD = -1;

  private final CatalogEntry[] entries;
  private final boolean fuzzy;

  private final String[] patterns; // normalised text of exact patterns; null for deletions
  private final int[][] patEntries; // exact: entry indices
  private final String[][] patSpellings; // exact: spelling reported per entry
  private final int[][] patSources; // fuzzy: exact patterns this is a one-char deletion of
  private final boolean[] patEligible; // fuzzy: exact pattern long enough for edit distance 1

  private final int[] rootNext; // char -> child of root, 0 = none
  private final long[] edges; // per state, sorted (label << 32 | child)
  // per state, interleaved for cache locality (one line per step):
  // [4s] first edge, [4s+1] end of edges, [4s+2] failure state, [4s+3] first output state
  private final int[] nodes;
  private final int[] term; // pattern id ending here, or -1
  private final int[] outLink; // nearest terminal state on the failure chain, or -1
  private final int[] depth;

  private TermMatcher(
      CatalogEntry[] entries, boolean fuzzy, List<Pat> pats, Automaton a) {
    this.entries = entries;
    this.fuzzy = fuzzy;
    int p = pats.size();
    patterns = new String[p];
    patEntries = new int[p][];
    patSpellings = new String[p][];
    patSources = new int[p][];
    patEligible = new boolean[p];
    for (int i = 0; i < p; i++) {
      Pat x = pats.get(i);
      // deletion variants are only automaton keys: keep no string or empty arrays for them
      patterns[i] = x.ne > 0 ? x.text : null;
      patEntries[i] = x.ne > 0 ? Arrays.copyOf(x.entries, x.ne) : NO_ENTRIES;
      patSpellings[i] = x.ne > 0 ? Arrays.copyOf(x.spellings, x.ne) : NO_SPELLINGS;
      patSources[i] =
          x.ns == 0 ? null : x.ns == x.sources.length ? x.sources : Arrays.copyOf(x.sources, x.ns);
      patEligible[i] = x.eligible;
    }
    rootNext = a.rootNext;
    edges = a.edges;
    int n = a.label.length;
    nodes = new int[4 * n];
    for (int i = 0; i < n; i++) {
      nodes[4 * i] = a.edgeStart[i];
      nodes[4 * i + 1] = a.edgeStart[i + 1];
      nodes[4 * i + 2] = a.fail[i];
      nodes[4 * i + 3] = a.term[i] >= 0 ? i : a.outLink[i];
    }
    term = a.term;
    outLink = a.outLink;
    depth = a.depth;
  }

  /** Builds the automaton once; reuse the matcher for every tweet (and share it across threads). */
  public static TermMatcher build(Catalog catalog, boolean fuzzy) {
    CatalogEntry[] es = catalog.entries().toArray(new CatalogEntry[0]);
    Map<String, Pat> byText = new HashMap<>();
    List<Pat> pats = new ArrayList<>();
    for (int k = 0; k < es.length; k++) {
      addSpelling(byText, pats, k, es[k].value());
      for (String v : es[k].variants()) {
        addSpelling(byText, pats, k, v);
      }
    }
    if (fuzzy) {
      int exactCount = pats.size();
      StringBuilder sb = new StringBuilder();
      for (int pid = 0; pid < exactCount; pid++) {
        Pat x = pats.get(pid);
        String s = x.text;
        if (letters(s) < FUZZY_MIN_LETTERS) {
          continue;
        }
        x.eligible = true;
        int n = s.length();
        for (int i = 0; i < n; i++) {
          char c = s.charAt(i);
          if (i > 0 && s.charAt(i - 1) == c || Character.isSurrogate(c)) {
            continue; // deleting within a run gives the same string; never split a pair
          }
          // a deletion may leave an edge or double space ("like  stone"): still needed, because
          // a skip in the text can produce it ("like e stone" minus 'e'); the boundary checks
          // keep such keys from matching plain text on their own
          sb.setLength(0);
          sb.append(s, 0, i).append(s, i + 1, n);
          String d = sb.toString();
          Pat y = byText.get(d);
          if (y == null) {
            y = new Pat(d, pats.size());
            byText.put(d, y);
            pats.add(y);
          }
          y.addSource(pid);
        }
      }
    }
    byText.clear(); // fuzzy keys can number millions: free the index before the trie is built
    return new TermMatcher(es, fuzzy, pats, Automaton.build(pats));
  }

  private static void addSpelling(Map<String, Pat> byText, List<Pat> pats, int entry, String sp) {
    String norm = TextNormalizer.normalizeTerm(sp);
    if (norm.isEmpty()) {
      return;
    }
    addExact(byText, pats, entry, norm, sp);
    if (norm.indexOf(' ') >= 0) {
      String joined = norm.replace(" ", "");
      addExact(byText, pats, entry, joined, joined);
    }
    // "Pepper's" normalises to "pepper s" (possessive split); tweets often write "Peppers"
    String bare = sp.replaceAll("['\u2019\u2018\u02BC\u2032\uFF07\u201B]", "");
    if (!bare.equals(sp)) {
      String b = TextNormalizer.normalizeTerm(bare);
      if (!b.isEmpty() && !b.equals(norm)) {
        addExact(byText, pats, entry, b, b);
      }
    }
  }

  private static void addExact(
      Map<String, Pat> byText, List<Pat> pats, int entry, String text, String spelling) {
    Pat x = byText.get(text);
    if (x == null) {
      x = new Pat(text, pats.size());
      byText.put(text, x);
      pats.add(x);
    }
    x.addEntry(entry, spelling);
  }

  private static int letters(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != ' ') {
        n++;
      }
    }
    return n;
  }

  public boolean fuzzy() {
    return fuzzy;
  }

  /** Number of automaton states; a size indicator for logging. */
  public int stateCount() {
    return depth.length;
  }

  /** Number of distinct normalised spellings (including fuzzy deletion variants). */
  public int patternCount() {
    return patterns.length;
  }

  private int step(int s, char c) {
    while (s >= 0) {
      int ch = find(s, c);
      if (ch >= 0) {
        return ch;
      }
      if (s == 0) {
        break;
      }
      s = nodes[4 * s + 2];
    }
    return c == ' ' ? 0 : DEAD; // no anchored suffix survives: wait for the next token
  }

  private int find(int s, char c) {
    if (s == 0) {
      int r = rootNext[c];
      return r == 0 ? -1 : r;
    }
    return findEdge(edges, nodes[4 * s], nodes[4 * s + 1] - 1, c);
  }

  /** Scans {@code originalText} once and returns its hits with offsets into that same string. */
  public MatchResult match(String originalText) {
    NormalizedText nt = TextNormalizer.normalizeText(originalText);
    String t = nt.text();
    int n = t.length();
    Cands cands = new Cands();
    int s = 0;
    int[] bs = fuzzy ? new int[MAX_SKIP_STATES] : null;
    int[] bk = fuzzy ? new int[MAX_SKIP_STATES] : null;
    int bn = 0;
    for (int j = 0; j < n; j++) {
      char c = t.charAt(j);
      int prev = s;
      s = step(s, c);
      boolean tokenEnd = j + 1 == n || t.charAt(j + 1) == ' ';
      if (tokenEnd) {
        for (int v = s < 0 ? -1 : nodes[4 * s + 3]; v >= 0; v = outLink[v]) {
          int st = j + 1 - depth[v];
          if (st == 0 || t.charAt(st - 1) == ' ') {
            candidate(cands, t, st, j + 1, term[v], false);
          }
        }
      }
      if (fuzzy) {
        int w = 0;
        for (int e = 0; e < bn; e++) {
          int ns = step(bs[e], c);
          if (ns > 0 && bk[e] >= j - depth[ns]) {
            bs[w] = ns;
            bk[w] = bk[e];
            w++;
          }
        }
        bn = w;
        if (bn == MAX_SKIP_STATES) { // pathological input: forget the oldest skip
          System.arraycopy(bs, 1, bs, 0, bn - 1);
          System.arraycopy(bk, 1, bk, 0, bn - 1);
          bn--;
        }
        if (prev >= 0) {
          bs[bn] = prev; // skip text char j
          bk[bn] = j;
          bn++;
        }
        if (tokenEnd) {
          for (int e = 0; e < bn; e++) {
            int b = bs[e];
            for (int v = nodes[4 * b + 3]; v >= 0; v = outLink[v]) {
              int st = j - depth[v];
              if (st >= 0 && st <= bk[e] && (st == 0 || t.charAt(st - 1) == ' ')) {
                candidate(cands, t, st, j + 1, term[v], true);
              }
            }
          }
        }
      }
    }
    if (cands.size == 0) {
      return MatchResult.empty();
    }
    return resolve(nt, cands);
  }

  private void candidate(Cands out, String t, int st, int en, int pid, boolean skipped) {
    if (!skipped) {
      int[] es = patEntries[pid];
      for (int i = 0; i < es.length; i++) {
        out.add(st, en, es[i], patSpellings[pid][i], true);
      }
      int[] src = patSources[pid];
      if (src != null) {
        for (int q : src) { // text is q with one char deleted
          addAll(out, st, en, q);
        }
      }
    } else {
      if (patEligible[pid]) { // text is pid with one char inserted
        addAll(out, st, en, pid);
      }
      int[] src = patSources[pid];
      if (src != null) {
        for (int q : src) {
          if (within1(t, st, en, patterns[q])) {
            addAll(out, st, en, q);
          }
        }
      }
    }
  }

  private void addAll(Cands out, int st, int en, int q) {
    int[] es = patEntries[q];
    for (int i = 0; i < es.length; i++) {
      out.add(st, en, es[i], patSpellings[q][i], false);
    }
  }

  /** Levenshtein distance of t[st,en) and q is at most 1. */
  static boolean within1(String t, int st, int en, String q) {
    int a = en - st;
    int b = q.length();
    if (Math.abs(a - b) > 1) {
      return false;
    }
    int i = 0;
    while (i < a && i < b && t.charAt(st + i) == q.charAt(i)) {
      i++;
    }
    if (a == b) {
      return i == a || t.regionMatches(st + i + 1, q, i + 1, a - i - 1);
    } else if (a > b) {
      return t.regionMatches(st + i + 1, q, i, b - i);
    } else {
      return t.regionMatches(st + i, q, i + 1, a - i);
    }
  }

  private MatchResult resolve(NormalizedText nt, Cands c) {
    int m = c.size;
    int[] idx = new int[m];
    for (int i = 0; i < m; i++) {
      idx[i] = i;
    }
    // longest first, then leftmost; equal spans adjacent, exact before fuzzy, then catalog order
    sort(idx, (x, y) -> {
      int lx = c.en[x] - c.st[x];
      int ly = c.en[y] - c.st[y];
      if (lx != ly) {
        return Integer.compare(ly, lx);
      }
      if (c.st[x] != c.st[y]) {
        return Integer.compare(c.st[x], c.st[y]);
      }
      if (c.exact[x] != c.exact[y]) {
        return c.exact[x] ? -1 : 1;
      }
      return Integer.compare(c.entry[x], c.entry[y]);
    });
    boolean[] covered = new boolean[nt.text().length()];
    int[] groups = new int[m]; // start of each accepted group in idx
    int ng = 0;
    for (int g = 0; g < m; ) {
      int st = c.st[idx[g]];
      int en = c.en[idx[g]];
      int h = g + 1;
      while (h < m && c.st[idx[h]] == st && c.en[idx[h]] == en) {
        h++;
      }
      boolean free = true;
      for (int i = st; i < en && free; i++) {
        free = !covered[i];
      }
      if (free) {
        Arrays.fill(covered, st, en, true);
        groups[ng++] = g;
      }
      g = h;
    }
    int[] acc = Arrays.copyOf(groups, ng);
    sort(acc, (x, y) -> Integer.compare(c.st[idx[x]], c.st[idx[y]]));
    List<Hit> hits = new ArrayList<>();
    int[] named = new int[8];
    int nn = 0;
    int spanCount = 0;
    int[] ents = new int[8];
    String[] spells = new String[8];
    for (int g : acc) {
      int st = c.st[idx[g]];
      int en = c.en[idx[g]];
      int k = 0;
      for (int h = g; h < m && c.st[idx[h]] == st && c.en[idx[h]] == en; h++) {
        int e = c.entry[idx[h]];
        boolean dup = false;
        for (int q = 0; q < k && !dup; q++) {
          dup = ents[q] == e;
        }
        if (!dup) {
          if (k == ents.length) {
            ents = Arrays.copyOf(ents, k * 2);
            spells = Arrays.copyOf(spells, k * 2);
          }
          ents[k] = e;
          spells[k] = c.spelling[idx[h]];
          k++;
        }
      }
      int start = nt.startOffsets()[st];
      int end = nt.endOffsets()[en - 1];
      boolean fresh = false;
      for (int pass = 0; pass < k; pass++) { // catalog order; exact and fuzzy may interleave
        int best = -1;
        for (int q = 0; q < k; q++) {
          if (ents[q] >= 0 && (best < 0 || ents[q] < ents[best])) {
            best = q;
          }
        }
        CatalogEntry e = entries[ents[best]];
        hits.add(new Hit(e.tag(), e.value(), spells[best], start, end));
        boolean seen = false;
        for (int q = 0; q < nn && !seen; q++) {
          seen = named[q] == ents[best];
        }
        if (!seen) {
          if (nn == named.length) {
            named = Arrays.copyOf(named, nn * 2);
          }
          named[nn++] = ents[best];
          fresh = true;
        }
        ents[best] = -1;
      }
      if (fresh) {
        spanCount++;
      }
    }
    return new MatchResult(hits, spanCount);
  }

  private interface IntCmp {
    int compare(int a, int b);
  }

  /** Stable sort of ints; candidate lists are short, so insertion sort below 32, else merge. */
  private static void sort(int[] a, IntCmp cmp) {
    if (a.length < 32) {
      for (int i = 1; i < a.length; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= 0 && cmp.compare(a[j], v) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
      return;
    }
    Integer[] boxed = new Integer[a.length];
    for (int i = 0; i < a.length; i++) {
      boxed[i] = a[i];
    }
    Arrays.sort(boxed, (x, y) -> cmp.compare(x, y));
    for (int i = 0; i < a.length; i++) {
      a[i] = boxed[i];
    }
  }

  private static final class Cands {
    int[] st = new int[8];
    int[] en = new int[8];
    int[] entry = new int[8];
    String[] spelling = new String[8];
    boolean[] exact = new boolean[8];
    int size;

    void add(int s, int e, int ent, String sp, boolean ex) {
      if (size == st.length) {
        int cap = size * 2;
        st = Arrays.copyOf(st, cap);
        en = Arrays.copyOf(en, cap);
        entry = Arrays.copyOf(entry, cap);
        spelling = Arrays.copyOf(spelling, cap);
        exact = Arrays.copyOf(exact, cap);
      }
      st[size] = s;
      en[size] = e;
      entry[size] = ent;
      spelling[size] = sp;
      exact[size] = ex;
      size++;
    }
  }

  /** Build-time pattern record. */
  private static final class Pat {
    final String text;
    final int id;
    int[] entries; // allocated lazily: most fuzzy keys never get entries
    String[] spellings;
    int ne;
    int[] sources;
    int ns;
    boolean eligible;

    Pat(String text, int id) {
      this.text = text;
      this.id = id;
    }

    void addEntry(int e, String spelling) {
      for (int i = 0; i < ne; i++) {
        if (entries[i] == e) {
          return;
        }
      }
      if (entries == null) {
        entries = new int[1];
        spellings = new String[1];
      } else if (ne == entries.length) {
        entries = Arrays.copyOf(entries, ne * 2);
        spellings = Arrays.copyOf(spellings, ne * 2);
      }
      entries[ne] = e;
      spellings[ne] = spelling;
      ne++;
    }

    void addSource(int pid) {
      for (int i = 0; i < ns; i++) {
        if (sources[i] == pid) {
          return;
        }
      }
      if (sources == null) {
        sources = new int[1];
      } else if (ns == sources.length) {
        sources = Arrays.copyOf(sources, Math.max(2, ns * 2));
      }
      sources[ns++] = pid;
    }
  }

  /** Flat-array Aho-Corasick automaton built from sorted patterns without per-node objects. */
  private static final class Automaton {
    int[] rootNext;
    char[] label; // build only
    long[] edges;
    int[] edgeStart;
    int[] fail;
    int[] term;
    int[] outLink;
    int[] depth;

    static Automaton build(List<Pat> pats) {
      int p = pats.size();
      String[] texts = new String[p];
      Pat[] order = new Pat[p];
      long totalChars = 0;
      int maxLen = 0;
      for (int i = 0; i < p; i++) {
        texts[i] = pats.get(i).text;
        order[i] = pats.get(i);
        totalChars += texts[i].length();
        maxLen = Math.max(maxLen, texts[i].length());
      }
      Arrays.sort(order, (a, b) -> a.text.compareTo(b.text));
      // trie as first-child / next-sibling lists; sorted insertion appends children in order
      int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, totalChars / 2 + 16));
      char[] lab = new char[cap];
      int[] first = new int[cap];
      int[] next = new int[cap];
      int[] trm = new int[cap];
      int[] dep = new int[cap];
      first[0] = -1;
      next[0] = -1;
      trm[0] = -1;
      int count = 1;
      int[] path = new int[maxLen + 1];
      String prev = "";
      for (Pat pat : order) {
        int pid = pat.id;
        String s = texts[pid];
        int l = 0;
        int lim = Math.min(prev.length(), s.length());
        while (l < lim && prev.charAt(l) == s.charAt(l)) {
          l++;
        }
        int cur = path[l];
        for (int d = l; d < s.length(); d++) {
          if (count == lab.length) {
            int nc = (int) Math.min(Integer.MAX_VALUE - 8, (long) count * 3 / 2 + 16);
            lab = Arrays.copyOf(lab, nc);
            first = Arrays.copyOf(first, nc);
            next = Arrays.copyOf(next, nc);
            trm = Arrays.copyOf(trm, nc);
            dep = Arrays.copyOf(dep, nc);
          }
          int nn = count++;
          lab[nn] = s.charAt(d);
          first[nn] = -1;
          next[nn] = -1;
          trm[nn] = -1;
          dep[nn] = d + 1;
          if (d == l && prev.length() > l) {
            next[path[l + 1]] = nn; // previous child of cur is the last one so far
          } else {
            first[cur] = nn;
          }
          cur = nn;
          path[d + 1] = nn;
        }
        trm[cur] = pid;
        prev = s;
      }
      // Ids are already depth-first preorder (sorted insertion), so a state's first child is the
      // next id: walking down a name touches consecutive memory. Each state's outgoing edges are
      // contiguous, sorted (label << 32 | child) longs, also laid out in preorder.
      int n = count;
      Automaton a = new Automaton();
      a.edges = new long[Math.max(0, n - 1)];
      a.edgeStart = new int[n + 1];
      int e = 0;
      for (int u = 0; u < n; u++) {
        a.edgeStart[u] = e;
        for (int v = first[u]; v != -1; v = next[v]) {
          a.edges[e++] = ((long) lab[v] << 32) | v;
        }
      }
      a.edgeStart[n] = e;
      a.label = Arrays.copyOf(lab, n);
      a.term = Arrays.copyOf(trm, n);
      a.depth = Arrays.copyOf(dep, n);
      a.rootNext = new int[65536];
      for (int k = a.edgeStart[0]; k < a.edgeStart[1]; k++) {
        a.rootNext[(int) (a.edges[k] >>> 32)] = (int) a.edges[k];
      }
      // failure links in breadth-first order (a suffix is always shallower)
      int[] bfs = new int[n];
      int[] parent = new int[n];
      int tail = 1;
      for (int head = 0; head < tail; head++) {
        int u = bfs[head];
        for (int k = a.edgeStart[u]; k < a.edgeStart[u + 1]; k++) {
          int v = (int) a.edges[k];
          parent[v] = u;
          bfs[tail++] = v;
        }
      }
      a.fail = new int[n];
      a.outLink = new int[n];
      a.fail[0] = DEAD;
      a.outLink[0] = -1;
      for (int i = 1; i < n; i++) {
        int v = bfs[i];
        // longest proper suffix that starts at a token boundary and is a trie prefix
        char c = a.label[v];
        int f = parent[v] == 0 ? DEAD : a.fail[parent[v]];
        int res = Integer.MIN_VALUE;
        while (f != DEAD) {
          int ch = a.find(f, c);
          if (ch >= 0) {
            res = ch;
            break;
          }
          if (f == 0) {
            break;
          }
          f = a.fail[f];
        }
        if (res == Integer.MIN_VALUE) {
          res = c == ' ' ? 0 : DEAD;
        }
        a.fail[v] = res;
        a.outLink[v] = res < 0 ? -1 : a.term[res] >= 0 ? res : a.outLink[res];
      }
      return a;
    }

    int find(int s, char c) {
      if (s == 0) {
        int r = rootNext[c];
        return r == 0 ? -1 : r;
      }
      return findEdge(edges, edgeStart[s], edgeStart[s + 1] - 1, c);
    }
  }

  static int findEdge(long[] edges, int lo, int hi, char c) {
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int m = (int) (edges[mid] >>> 32);
      if (m < c) {
        lo = mid + 1;
      } else if (m > c) {
        hi = mid - 1;
      } else {
        return (int) edges[mid];
      }
    }
    return -1;
  }
}
