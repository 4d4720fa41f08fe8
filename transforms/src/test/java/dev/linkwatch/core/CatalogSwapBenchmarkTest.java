package dev.linkwatch.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's bench: a 100 000-name catalog file changes under a {@link LiveCatalog} while a thread
 * keeps matching; prints the time from the change to its first effect, the matching rate before and
 * during the swap, and the heap while two matchers live. No assertions (shared cores). Run with
 * {@code -Dtest=CatalogSwapBenchmarkTest -Dlinkwatch.bench=true}.
 */
class CatalogSwapBenchmarkTest {
  @TempDir Path dir;

  @Test
  void printSwap() throws Exception {
    assumeTrue(Boolean.getBoolean("linkwatch.bench"), "set -Dlinkwatch.bench=true");
    Catalog spotify = Catalog.load(Path.of(
        getClass().getResource("/catalog/spotify_songs_tidytuesday.csv").toURI()));
    List<String> rows = new ArrayList<>(List.of("artist,track"));
    java.util.Set<String> distinct = new java.util.HashSet<>();
    for (int copy = 1; distinct.size() < 100_000; copy++) {
      for (CatalogEntry e : spotify.entries()) {
        String name = e.value() + " vol" + copy;
        if (distinct.add(TextNormalizer.normalizeTerm(name))) {
          rows.add("\"" + name.replace("\"", "\"\"") + "\",");
        }
        if (distinct.size() >= 100_000) {
          break;
        }
      }
    }
    Path file = dir.resolve("big.csv");
    Files.write(file, rows);
    long t0 = System.nanoTime();
    LiveCatalog live = LiveCatalog.unshared(new CatalogFiles(List.of(file.toString()), null), false);
    System.out.printf("first read and build of %d entries: %d ms%n",
        live.current().entries(), (System.nanoTime() - t0) / 1_000_000);

    long heapOne = usedHeap();
    String tweet = "DOWNLOAD MP3 zebra quokka anthem free zip https://t.co/x by "
        + spotify.entries().get(7).value() + " vol1";
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong firstEffect = new AtomicLong();
    long start = System.nanoTime();
    long[] perSlice = new long[400]; // matches per 25 ms slice, 10 s
    Thread worker = new Thread(() -> {
      while (!stop.get()) {
        LiveCatalog.Current c = live.current();
        int hits = c.matcher().match(tweet).hits().size();
        long now = System.nanoTime();
        int slice = (int) ((now - start) / 25_000_000L);
        if (slice < perSlice.length) {
          perSlice[slice]++;
        }
        if (hits > 1 && firstEffect.get() == 0) {
          firstEffect.set(now);
        }
      }
    });
    worker.start();
    Thread.sleep(3_000);
    LiveCatalog.Current old = live.current();
    rows.add("zebra quokka anthem,");
    Files.write(file, rows);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    long changed = System.nanoTime();
    // What the refresher thread does on its next tick (here at once, so the figure excludes the wait
    // for the tick: add up to --catalogRefreshSeconds).
    live.refresh();
    long swapped = System.nanoTime();
    Thread.sleep(2_000);
    stop.set(true);
    worker.join();
    long heapTwo = usedHeap(); // the old matcher still referenced: the peak of a swap
    System.out.println("old version " + old.version() + " -> " + live.current().version());
    double before = rate(perSlice, 20, slice(start, changed));
    double during = rate(perSlice, slice(start, changed), slice(start, swapped) + 1);
    System.out.printf(
        "swap at %d names: change to swap (stat, read, parse, build) %d ms; change to first record"
            + " judged by the new catalog %d ms; matches/s before %.0f, during the swap %.0f (%.0f%%);"
            + " used heap with one matcher %d MB, with both during the swap %d MB%n",
        live.current().entries(), (swapped - changed) / 1_000_000,
        firstEffect.get() == 0 ? -1 : (firstEffect.get() - changed) / 1_000_000,
        before, during, 100 * during / before, heapOne >> 20, heapTwo >> 20);
    live.close();
  }

  private static int slice(long start, long at) {
    return (int) ((at - start) / 25_000_000L);
  }

  private static double rate(long[] slices, int from, int to) {
    long sum = 0;
    for (int i = from; i < to; i++) {
      sum += slices[i];
    }
    return to > from ? sum / ((to - from) * 0.025) : 0;
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
