package dev.linkwatch.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog a worker JVM matches with now, kept current by a background thread.
 *
 * <p>One instance per feed and fuzzy setting per JVM ({@link #of}), shared by every DoFn instance
 * and thread. A daemon thread polls the feed every {@code refresh}; when the content changed it
 * builds the next {@link TermMatcher} on that thread and then replaces the {@link Current} pair in
 * one reference write. Readers take {@link #current()} once per record, so a record is judged by one
 * whole catalog and never waits for a build; while the new matcher is built the old one serves, so
 * two matchers are in memory for the length of a build.
 *
 * <p>A refused update (the feed cannot be read, does not parse, or is empty) leaves the current
 * catalog in place; it is logged once with its reason and counted ({@link #refusals()}). Only the
 * first read, at {@link #of}, fails the caller instead: a job must not start without a catalog.
 */
public final class LiveCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(LiveCatalog.class);
  private static final Map<String, LiveCatalog> BY_FEED = new ConcurrentHashMap<>();

  /** The catalog in use: its version and the matcher built from it. */
  public record Current(String version, TermMatcher matcher, int entries) {}

  private final CatalogFeed feed;
  private final boolean fuzzy;
  private final CatalogFeed.Reader reader;
  private final AtomicReference<Current> current = new AtomicReference<>();
  private final AtomicLong refusals = new AtomicLong();
  private final AtomicLong unreported = new AtomicLong();
  private volatile String lastRefusal;
  private ScheduledExecutorService refresher;

  private LiveCatalog(CatalogFeed feed, boolean fuzzy) {
    this.feed = feed;
    this.fuzzy = fuzzy;
    this.reader = feed.open();
  }

  /**
   * The live catalog of {@code feed} in this JVM, read and built on first use (a refused first read
   * throws {@link IllegalStateException} with the reason). {@code refresh} zero or negative: never
   * re-read. The first caller's refresh wins for the JVM.
   */
  public static LiveCatalog of(CatalogFeed feed, boolean fuzzy, Duration refresh) {
    return BY_FEED.computeIfAbsent(
        feed.key() + "|fuzzy=" + fuzzy,
        k -> {
          LiveCatalog live = new LiveCatalog(feed, fuzzy);
          if (!live.refresh()) {
            live.reader.close();
            throw new IllegalStateException("catalog: " + live.lastRefusal);
          }
          if (refresh != null && !refresh.isZero() && !refresh.isNegative()) {
            live.start(refresh);
          }
          return live;
        });
  }

  /** The live catalog of {@code feed} if this JVM has one (for tests that look inside a worker). */
  public static java.util.Optional<LiveCatalog> existing(CatalogFeed feed, boolean fuzzy) {
    return java.util.Optional.ofNullable(BY_FEED.get(feed.key() + "|fuzzy=" + fuzzy));
  }

  /** A live catalog outside the per-JVM registry, not refreshed unless {@link #refresh} is called. */
  public static LiveCatalog unshared(CatalogFeed feed, boolean fuzzy) {
    LiveCatalog live = new LiveCatalog(feed, fuzzy);
    if (!live.refresh()) {
      throw new IllegalStateException("catalog: " + live.lastRefusal);
    }
    return live;
  }

  private void start(Duration every) {
    refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "linkwatch-catalog-refresh");
              t.setDaemon(true);
              return t;
            });
    long millis = every.toMillis();
    refresher.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException | Error e) {
      // A thrown error must not end the schedule: the next poll may succeed.
      refuse("unexpected " + e);
    }
  }

  /**
   * Reads the feed once and swaps in its catalog if it is new; returns false when the update was
   * refused. Called by the refresher thread, or directly by tests and the first read.
   */
  public synchronized boolean refresh() {
    Catalog next;
    try {
      next = reader.poll();
    } catch (CatalogException e) {
      refuse(oneLine(e.getMessage()));
      return false;
    }
    if (next == null) {
      return true;
    }
    if (next.size() == 0) {
      refuse(feed.describe() + " holds no artist, album or track");
      return false;
    }
    String version = next.version();
    Current was = current.get();
    if (was != null && was.version().equals(version)) {
      return true;
    }
    long start = System.nanoTime();
    TermMatcher matcher = TermMatcher.build(next, fuzzy);
    current.set(new Current(version, matcher, next.size()));
    lastRefusal = null;
    LOG.info(
        "catalog {} in use: {} entries from {} (was {}; matcher built in {} ms)",
        version, next.size(), feed.describe(), was == null ? "none" : was.version(),
        (System.nanoTime() - start) / 1_000_000);
    return true;
  }

  private void refuse(String reason) {
    refusals.incrementAndGet();
    unreported.incrementAndGet();
    Current in = current.get();
    if (!reason.equals(lastRefusal)) {
      LOG.warn(
          "catalog update refused, {} stays in use: {}", in == null ? "nothing" : in.version(), reason);
    }
    lastRefusal = reason;
  }

  private static String oneLine(String s) {
    return s == null ? "unknown reason" : s.replace('\n', ' ').replace('\r', ' ');
  }

  /** The catalog to judge the next record with; never null. */
  public Current current() {
    return current.get();
  }

  /** Updates refused since this JVM started watching the feed. */
  public long refusals() {
    return refusals.get();
  }

  /** Refusals not yet taken by anyone; for a metric counted once per JVM whatever reads it. */
  public long takeUnreportedRefusals() {
    return unreported.getAndSet(0);
  }

  /** Why the last update was refused, null when the last one was taken. */
  public String lastRefusal() {
    return lastRefusal;
  }

  /** Stops the refresher and closes the reader; for tests and {@link #unshared} instances. */
  public void close() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
    synchronized (this) {
      reader.close();
    }
  }
}
