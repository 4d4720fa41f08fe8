package dev.linkwatch.bench;

import java.util.List;
import java.util.function.LongSupplier;

/** How the micro benchmarks time one pass of work: repeat it for at least half a second. */
final class Timing {
  private Timing() {}

  /** {@code unitsPerPass} (records, characters) per second over repeated passes of {@code work}. */
  static double perSecond(long unitsPerPass, LongSupplier work) {
    long passes = 0;
    long sink = 0;
    long start = System.nanoTime();
    long elapsed;
    do {
      sink += work.getAsLong();
      passes++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < 500_000_000L);
    if (sink == Long.MIN_VALUE) {
      System.out.print(""); // keeps the work observable to the JIT
    }
    return unitsPerPass * passes / (elapsed / 1e9);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new java.util.ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }
}
