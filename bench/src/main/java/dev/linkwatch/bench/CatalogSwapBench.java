package dev.linkwatch.bench;

import dev.linkwatch.core.CatalogFiles;
import dev.linkwatch.core.LiveCatalog;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench catalog}: a catalog of N names (a folder, as {@code --catalog=DIR} reads it) changes
 * under a {@link LiveCatalog} while a thread keeps matching a post; reports the time from the change to
 * the swap (stat, read, parse, build, as the refresher does on its next tick) and to the first post
 * judged by the new catalog, the matching rate before and during the swap, and the heap with one
 * matcher and with both alive. In a job, add up to one {@code --catalogRefreshSeconds} for the tick.
 */
public final class CatalogSwapBench {
  /** What one run measured. */
  public record Result(
      int names,
      long firstBuildMillis,
      long changeToSwapMillis,
      long changeToFirstEffectMillis,
      double matchesPerSecondBefore,
      double matchesPerSecondDuring,
      long heapOneMatcherBytes,
      long heapTwoMatchersBytes) {}

  private static final long SLICE_NANOS = 25_000_000L;
  private static final String NEW_NAME = "zebra quokka anthem";

  private CatalogSwapBench() {}

  public static Result run(int names, Path workDir) throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("catalog-swap"));
    EndToEndBench.writeCatalog(dir.resolve("base.json"), names);
    String known = MatcherBench.scaled(MatcherBench.baseCatalog(), names).entries().get(7).value();
    long t0 = System.nanoTime();
    LiveCatalog live = LiveCatalog.unshared(new CatalogFiles(List.of(dir.toString()), null), false);
    long firstBuild = (System.nanoTime() - t0) / 1_000_000;
    long heapOne = usedHeap();
    // Names the new entry: the first post in which it is found was judged by the new catalog.
    String post = "DOWNLOAD MP3 " + NEW_NAME + " free zip https://t.co/x by " + known;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong firstEffect = new AtomicLong();
    long start = System.nanoTime();
    long[] perSlice = new long[800]; // matches per 25 ms, 20 s at most
    Thread worker =
        new Thread(
            () -> {
              while (!stop.get()) {
                boolean judgedByNew =
                    live.current().matcher().match(post).hits().stream()
                        .anyMatch(h -> h.value().equalsIgnoreCase(NEW_NAME));
                long now = System.nanoTime();
                int slice = (int) ((now - start) / SLICE_NANOS);
                if (slice < perSlice.length) {
                  perSlice[slice]++;
                }
                if (judgedByNew && firstEffect.get() == 0) {
                  firstEffect.set(now);
                }
              }
            },
            "lwbench-match");
    worker.start();
    Thread.sleep(3_000);
    // Held until the heap is read, as a record still being judged by it holds it in a job.
    LiveCatalog.Current old = live.current();
    Files.writeString(dir.resolve("added.csv"), "artist,track\n\"" + NEW_NAME + "\",\n");
    long changed = System.nanoTime();
    live.refresh();
    long swapped = System.nanoTime();
    Thread.sleep(2_000);
    stop.set(true);
    worker.join();
    long heapTwo = usedHeap();
    if (old.version().equals(live.current().version())) {
      throw new IllegalStateException("the catalog did not change: still " + old.version());
    }
    live.close();
    double before = rate(perSlice, 20, slice(start, changed));
    double during = rate(perSlice, slice(start, changed), slice(start, swapped) + 1);
    return new Result(
        names, firstBuild, (swapped - changed) / 1_000_000,
        firstEffect.get() == 0 ? -1 : (firstEffect.get() - changed) / 1_000_000, before, during, heapOne,
        heapTwo);
  }

  public static void print(Result r, PrintStream out) {
    out.printf("| catalog swap at %d names | figure |%n| --- | ---: |%n", r.names());
    out.printf("| first read and build | %d ms |%n", r.firstBuildMillis());
    out.printf("| change to swap (stat, read, parse, build) | %d ms |%n", r.changeToSwapMillis());
    out.printf("| change to the first post judged by the new catalog | %d ms |%n", r.changeToFirstEffectMillis());
    out.printf("| matches/s before the change | %.0f |%n", r.matchesPerSecondBefore());
    out.printf(
        "| matches/s during the swap | %.0f (%.0f %% of before) |%n",
        r.matchesPerSecondDuring(), 100 * r.matchesPerSecondDuring() / r.matchesPerSecondBefore());
    out.printf("| used heap, one matcher | %d MB |%n", r.heapOneMatcherBytes() >> 20);
    out.printf("| used heap, both matchers during the swap | %d MB |%n", r.heapTwoMatchersBytes() >> 20);
  }

  private static int slice(long start, long at) {
    return (int) ((at - start) / SLICE_NANOS);
  }

  private static double rate(long[] slices, int from, int to) {
    long sum = 0;
    for (int i = from; i < to && i < slices.length; i++) {
      sum += slices[i];
    }
    return to > from ? sum / ((to - from) * (SLICE_NANOS / 1e9)) : 0;
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
