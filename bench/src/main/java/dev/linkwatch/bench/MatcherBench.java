package dev.linkwatch.bench;

import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.CatalogEntry;
import dev.linkwatch.core.MalformedTweetException;
import dev.linkwatch.core.TermMatcher;
import dev.linkwatch.core.Tweet;
import dev.linkwatch.core.TweetParser;
import dev.linkwatch.local.TweetGenerator;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * linkwatch's catalog matcher against the original job's loop (every spelling of every entry tested
 * with {@code contains} over the text), on the same realistic tweet texts, at several catalog sizes.
 * Catalogs are the shipped Chinook catalog plus the original's filters, cut down or scaled up (scaled
 * names are real names with a numbered suffix, so they share prefixes as real catalogs do).
 */
public final class MatcherBench {
  /** One catalog size's figures. */
  public record Row(
      int names,
      double buildMillis,
      long heapBytes,
      double linkwatchCharsPerSecond,
      double originalCharsPerSecond) {
    public double speedup() {
      return linkwatchCharsPerSecond / originalCharsPerSecond;
    }
  }

  private final List<String> texts;
  private final long totalChars;
  private final Catalog base;

  public MatcherBench(Catalog base, int textCount, long seed) {
    this.base = base;
    this.texts = texts(base, textCount, seed);
    long chars = 0;
    for (String t : texts) {
      chars += t.length();
    }
    this.totalChars = chars;
  }

  public int textCount() {
    return texts.size();
  }

  public long totalChars() {
    return totalChars;
  }

  static List<String> texts(Catalog catalog, int n, long seed) {
    TweetGenerator generator =
        new TweetGenerator(seed, 0, Instant.parse("2017-01-12T00:00:00Z"), TweetGenerator.Format.V1,
            TweetGenerator.pairsFrom(catalog, 2000, seed));
    TweetParser parser = TweetParser.create();
    List<String> out = new ArrayList<>(n);
    while (out.size() < n) {
      try {
        if (parser.parse(generator.next().value()) instanceof Tweet t) {
          out.add(t.text());
        }
      } catch (MalformedTweetException e) {
        // none expected with a zero broken share
      }
    }
    return out;
  }

  /** The catalog cut to, or scaled up to, {@code names} entries. */
  Catalog sized(int names) {
    return scaled(base, names);
  }

  /** The original's filters and the shipped Chinook catalog, the base every benchmark scales. */
  public static Catalog baseCatalog() {
    return dev.linkwatch.pipeline.Settings.builtin("builtin:original")
        .merge(dev.linkwatch.pipeline.Settings.builtin("builtin:chinook"));
  }

  /** {@code base} cut to, or scaled up to, {@code names} entries (numbered copies of real names). */
  public static Catalog scaled(Catalog base, int names) {
    List<CatalogEntry> entries = base.entries();
    List<CatalogEntry> out = new ArrayList<>(names);
    for (int i = 0; out.size() < names; i++) {
      CatalogEntry e = entries.get(i % entries.size());
      int round = i / entries.size();
      out.add(round == 0 ? e : new CatalogEntry(e.tag(), e.value() + " " + round, List.of()));
    }
    return Catalog.of(out);
  }

  public Row measure(int names, int runs) {
    Catalog catalog = sized(names);
    System.gc();
    long heapBefore = usedHeap();
    long t0 = System.nanoTime();
    TermMatcher matcher = TermMatcher.build(catalog, false);
    double buildMillis = (System.nanoTime() - t0) / 1e6;
    System.gc();
    long heap = Math.max(0, usedHeap() - heapBefore);

    List<Double> ours = new ArrayList<>();
    List<Double> original = new ArrayList<>();
    // The original loop is slow at large catalogs: give it fewer texts, so each run stays short.
    int originalTexts = (int) Math.max(20, Math.min(texts.size(), 20_000_000L / Math.max(1, names)));
    List<String> sample = texts.subList(0, originalTexts);
    java.util.function.LongSupplier linkwatch =
        () -> {
          long hits = 0;
          for (String t : texts) {
            hits += matcher.match(t).hits().size();
          }
          return hits;
        };
    java.util.function.LongSupplier loop = () -> originalLoop(catalog, sample);
    rate(texts.size(), linkwatch); // warm-up: JIT both before measuring either
    rate(originalTexts, loop);
    for (int r = 0; r < runs; r++) {
      ours.add(rate(texts.size(), linkwatch));
      original.add(rate(originalTexts, loop));
    }
    return new Row(names, buildMillis, heap, Timing.median(ours), Timing.median(original));
  }

  /** The 2017 job's matching: every spelling of every filter, case-sensitive {@code in} over the text. */
  static long originalLoop(Catalog catalog, List<String> texts) {
    long hits = 0;
    for (String text : texts) {
      for (CatalogEntry e : catalog.entries()) {
        if (text.contains(e.value())) {
          hits++;
          continue;
        }
        for (String variant : e.variants()) {
          if (text.contains(variant)) {
            hits++;
            break;
          }
        }
      }
    }
    return hits;
  }

  private double rate(int textCount, java.util.function.LongSupplier work) {
    long chars = 0;
    for (int i = 0; i < textCount; i++) {
      chars += texts.get(i).length();
    }
    return Timing.perSecond(chars, work);
  }

  private static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  public static void printTable(List<Row> rows, PrintStream out) {
    out.println("| names | build ms | heap MB | linkwatch M chars/s | original loop M chars/s | speed-up |");
    out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for (Row r : rows) {
      out.printf(
          "| %d | %.0f | %.0f | %.1f | %.3f | %.1fx |%n",
          r.names(), r.buildMillis(), r.heapBytes() / 1e6, r.linkwatchCharsPerSecond() / 1e6,
          r.originalCharsPerSecond() / 1e6, r.speedup());
    }
  }
}
