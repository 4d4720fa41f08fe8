package dev.linkwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Compares the automaton with a naive every-term, every-position search on random texts. */
class TermMatcherCrossCheckTest {

  @Test
  void automatonAgreesWithNaiveSearch() throws Exception {
    Catalog c = Catalog.load(Path.of(
            getClass().getResource("/catalog/chinook_tracks.csv").toURI()))
        .merge(Catalog.original())
        .merge(Catalog.of(List.of(new CatalogEntry(Tag.TRACK, "Mix"),
            new CatalogEntry(Tag.TRACK, "Little"), new CatalogEntry(Tag.ALBUM, "Mix Glory"))));
    TermMatcher m = TermMatcher.build(c, false);
    List<String> words = new ArrayList<>();
    for (CatalogEntry e : c.entries()) {
      for (String w : e.value().split(" ")) {
        words.add(w);
      }
    }
    List<Set<String>> forms = new ArrayList<>();
    for (CatalogEntry e : c.entries()) {
      Set<String> fs = new LinkedHashSet<>();
      List<String> spellings = new ArrayList<>(e.variants());
      spellings.add(0, e.value());
      for (String s : spellings) {
        String n = TextNormalizer.normalizeTerm(s);
        if (!n.isEmpty()) {
          fs.add(n);
          fs.add(n.replace(" ", ""));
          String bare = TextNormalizer.normalizeTerm(s.replaceAll("['\u2019]", ""));
          if (!bare.isEmpty()) {
            fs.add(bare);
          }
        }
      }
      forms.add(fs);
    }
    entries = c.entries();
    Random rnd = new Random(7);
    for (int i = 0; i < 3000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + rnd.nextInt(12);
      for (int k = 0; k < n; k++) {
        sb.append(words.get(rnd.nextInt(words.size())))
            .append(rnd.nextInt(6) == 0 ? "" : rnd.nextInt(3) == 0 ? " - " : " ");
      }
      String text = sb.toString();
      assertThat(actual(m.match(text))).as(text).isEqualTo(naive(forms, text));
    }
  }

  @Test
  void fuzzyAutomatonAgreesWithNaiveLevenshtein() throws Exception {
    List<CatalogEntry> some = new ArrayList<>(Catalog.original().entries());
    List<CatalogEntry> chinook = Catalog.load(Path.of(
        getClass().getResource("/catalog/chinook_tracks.csv").toURI())).entries();
    Random rnd = new Random(11);
    for (int i = 0; i < 150; i++) {
      some.add(chinook.get(rnd.nextInt(chinook.size())));
    }
    Catalog c = Catalog.of(some);
    TermMatcher m = TermMatcher.build(c, true);
    entries = c.entries();
    List<Set<String>> forms = new ArrayList<>();
    for (CatalogEntry e : entries) {
      Set<String> fs = new LinkedHashSet<>();
      List<String> spellings = new ArrayList<>(e.variants());
      spellings.add(0, e.value());
      for (String sp : spellings) {
        String n = TextNormalizer.normalizeTerm(sp);
        if (!n.isEmpty()) {
          fs.add(n);
          fs.add(n.replace(" ", ""));
          String bare = TextNormalizer.normalizeTerm(sp.replaceAll("['\u2019]", ""));
          if (!bare.isEmpty()) {
            fs.add(bare);
          }
        }
      }
      forms.add(fs);
    }
    String letters = "abcdefghijklmnopqrstuvwxyz ";
    for (int i = 0; i < Integer.getInteger("crosscheck.n", 600); i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + rnd.nextInt(4);
      for (int k = 0; k < n; k++) {
        StringBuilder w = new StringBuilder(entries.get(rnd.nextInt(entries.size())).value());
        if (rnd.nextBoolean() && w.length() > 2) {
          int at = 1 + rnd.nextInt(w.length() - 2);
          char x = letters.charAt(rnd.nextInt(letters.length()));
          switch (rnd.nextInt(3)) {
            case 0 -> w.insert(at, x);
            case 1 -> w.deleteCharAt(at);
            default -> w.setCharAt(at, x);
          }
        }
        sb.append(w).append(rnd.nextInt(4) == 0 ? " / " : " ");
      }
      String text = sb.toString();
      assertThat(actual(m.match(text))).as(text).isEqualTo(naiveFuzzy(forms, text));
    }
  }

  private Set<String> naiveFuzzy(List<Set<String>> forms, String original) {
    NormalizedText nt = TextNormalizer.normalizeText(original);
    String t = nt.text();
    List<Cand> cands = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    for (int i = 0; i < t.length(); i++) {
      if (i == 0 || t.charAt(i - 1) == ' ') {
        starts.add(i);
      }
      if (i + 1 == t.length() || t.charAt(i + 1) == ' ') {
        ends.add(i + 1);
      }
    }
    for (int k = 0; k < entries.size(); k++) {
      for (String f : forms.get(k)) {
        boolean eligible = f.replace(" ", "").length() >= TermMatcher.FUZZY_MIN_LETTERS;
        for (int st : starts) {
          for (int en : ends) {
            if (en <= st) {
              continue;
            }
            boolean hit = t.regionMatches(st, f, 0, f.length()) && en - st == f.length();
            if (!hit && eligible) {
              hit = TermMatcher.within1(t, st, en, f);
            }
            if (hit) {
              cands.add(new Cand(st, en, entries.get(k)));
            }
          }
        }
      }
    }
    return resolveNaive(nt, cands);
  }

  private static Set<String> actual(MatchResult r) {
    Set<String> out = new TreeSet<>();
    for (Hit h : r.hits()) {
      out.add(h.start() + "-" + h.end() + " " + h.tag() + " " + h.value());
    }
    return out;
  }

  private record Cand(int st, int en, CatalogEntry e) {}

  private List<CatalogEntry> entries;

  private Set<String> naive(List<Set<String>> forms, String original) {
    NormalizedText nt = TextNormalizer.normalizeText(original);
    String t = nt.text();
    List<Cand> cands = new ArrayList<>();
    for (int k = 0; k < entries.size(); k++) {
      CatalogEntry e = entries.get(k);
      for (String f : forms.get(k)) {
        for (int i = t.indexOf(f); i >= 0; i = t.indexOf(f, i + 1)) {
          int j = i + f.length();
          if ((i == 0 || t.charAt(i - 1) == ' ') && (j == t.length() || t.charAt(j) == ' ')) {
            cands.add(new Cand(i, j, e));
          }
        }
      }
    }
    return resolveNaive(nt, cands);
  }

  private static Set<String> resolveNaive(NormalizedText nt, List<Cand> cands) {
    String t = nt.text();
    cands.sort(Comparator.comparingInt((Cand x) -> -(x.en - x.st)).thenComparingInt(x -> x.st));
    boolean[] covered = new boolean[t.length()];
    Set<String> out = new TreeSet<>();
    int lastSt = -1;
    int lastEn = -1;
    for (Cand x : cands) {
      boolean same = x.st == lastSt && x.en == lastEn;
      boolean free = true;
      for (int i = x.st; i < x.en; i++) {
        free &= !covered[i];
      }
      if (free || same) {
        for (int i = x.st; i < x.en; i++) {
          covered[i] = true;
        }
        lastSt = x.st;
        lastEn = x.en;
        out.add(nt.startOffsets()[x.st] + "-" + nt.endOffsets()[x.en - 1] + " " + x.e.tag() + " "
            + x.e.value());
      }
    }
    return out;
  }
}
