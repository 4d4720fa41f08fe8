package dev.linkwatch.sources;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential from {@code base}, capped at {@code max}, with full jitter (a uniformly
 * random delay between half the step and the step), so many bridges cut off at once do not come back in
 * lockstep. {@link #reset()} after a connection that delivered events starts over from {@code base}.
 *
 * <p>Not thread-safe; one bridge loop owns one.
 */
public final class Backoff {
  private final long baseMs;
  private final long maxMs;
  private int failures;

  public Backoff(Duration base, Duration max) {
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("Backoff needs 0 < base <= max (was " + base + ", " + max + ")");
    }
    this.baseMs = base.toMillis();
    this.maxMs = max.toMillis();
  }

  /** The delay before the next attempt; each call counts one more failure. Never above {@code max}. */
  public Duration next() {
    long step = baseMs << Math.min(failures, 20);
    step = Math.min(step, maxMs);
    failures++;
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(step / 2, step + 1));
  }

  /** Failures counted since the last reset. */
  public int failures() {
    return failures;
  }

  public void reset() {
    failures = 0;
  }
}
