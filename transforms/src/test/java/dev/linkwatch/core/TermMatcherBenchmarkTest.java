package dev.linkwatch.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Prints throughput, build time and retained heap; no timed assertions (shared CI cores). Run with
 * {@code -Dtest=TermMatcherBenchmarkTest -Dlinkwatch.bench=true}.
 */
class TermMatcherBenchmarkTest {

  private static final String[] FILLER = {
    "download", "mp3", "free", "new", "song", "album", "leak", "full", "the", "of", "and", "cdq",
    "zip", "listen", "now", "via", "ft", "official", "video", "2017", "love", "you", "me", "🔥"
  };

  @Test
  void printThroughput() throws Exception {
    assumeTrue(Boolean.getBoolean("linkwatch.bench"), "set -Dlinkwatch.bench=true");
    Catalog spotify = Catalog.load(Path.of(
        getClass().getResource("/catalog/spotify_songs_tidytuesday.csv").toURI()));
    List<String> dense = tweets(spotify, 20_000, 4, new Random(42));
    List<String> sparse = tweets(spotify, 20_000, 40, new Random(43));
    boolean fuzzy = Boolean.getBoolean("linkwatch.bench.fuzzy");
    run("spotify exact dense", spotify, false, dense);
    run("spotify exact sparse", spotify, false, sparse);
    if (fuzzy) {
      run("spotify fuzzy dense", spotify, true, dense);
    }
    List<CatalogEntry> big = new ArrayList<>(spotify.entries());
    for (int copy = 2; big.size() < 100_000; copy++) {
      for (CatalogEntry e : spotify.entries()) {
        big.add(new CatalogEntry(e.tag(), e.value() + " vol" + copy));
        if (big.size() >= 100_000) {
          break;
        }
      }
    }
    Catalog c100k = Catalog.of(big);
    run("synthetic 100k exact", c100k, false, sparse);
    if (fuzzy) {
      run("synthetic 100k fuzzy", c100k, true, sparse);
    }
  }

  private static List<String> tweets(Catalog c, int n, int oneNameIn, Random rnd) {
    List<CatalogEntry> es = c.entries();
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder("DOWNLOAD MP3: ");
      int words = 4 + rnd.nextInt(10);
      for (int w = 0; w < words; w++) {
        if (rnd.nextInt(oneNameIn) == 0) {
          sb.append(es.get(rnd.nextInt(es.size())).value());
        } else {
          sb.append(FILLER[rnd.nextInt(FILLER.length)]);
        }
        sb.append(rnd.nextInt(5) == 0 ? " - " : " ");
      }
      sb.append("https://t.co/").append(Integer.toString(rnd.nextInt(1 << 30), 36));
      out.add(sb.toString());
    }
    return out;
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static void run(String name, Catalog c, boolean fuzzy, List<String> tweets) {
    long before = usedHeap();
    long t0 = System.nanoTime();
    TermMatcher m = TermMatcher.build(c, fuzzy);
    long buildMs = (System.nanoTime() - t0) / 1_000_000;
    long heapMb = (usedHeap() - before) >> 20;
    long chars = 0;
    for (String t : tweets) {
      chars += t.length();
    }
    long hits = 0;
    for (int warm = 0; warm < 3; warm++) {
      for (String t : tweets) {
        hits += m.match(t).hits().size();
      }
    }
    int rounds = 5;
    long t1 = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (String t : tweets) {
        hits += m.match(t).hits().size();
      }
    }
    double secs = (System.nanoTime() - t1) / 1e9;
    long normChars = 0;
    long t2 = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (String t : tweets) {
        normChars += TextNormalizer.normalizeText(t).text().length();
      }
    }
    double normSecs = (System.nanoTime() - t2) / 1e9;
    System.out.printf(
        "BENCH %-22s entries=%d patterns=%d states=%d build=%dms heap~%dMB "
            + "match=%.1fM chars/s (normalise alone %.1fM chars/s) hits=%d%n",
        name, c.size(), m.patternCount(), m.stateCount(), buildMs, heapMb,
        chars * rounds / secs / 1e6, chars * rounds / normSecs / 1e6, hits + normChars * 0);
  }
}
