package dev.linkwatch.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
 *
 * <p>{@link #of} lends the instance and {@link #release} gives it back. When the last user has given
 * it back and nobody takes it again within {@link #LINGER}, it leaves the registry and stops its
 * thread and reader. Without that a worker that outlives the job (a Flink session cluster's task
 * manager) kept the thread, the matcher, a catalog topic's consumer and so the job's class loader
 * for as long as it ran. The linger is there because Beam's Spark runner sets a DoFn up and tears it
 * down around every microbatch: each would otherwise read and build the catalog again.
 */
public final class LiveCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(LiveCatalog.class);
  /** How long an instance nobody uses is kept for the next user. */
  static final Duration LINGER = Duration.ofSeconds(60);
  /** Registry key → instance; also the lock for every instance's users and retirement. */
  private static final Map<String, LiveCatalog> BY_FEED = new HashMap<>();

  /** The catalog in use: its version and the matcher built from it. */
  public record Current(String version, TermMatcher matcher, int entries) {}

  private final CatalogFeed feed;
  private final boolean fuzzy;
  private final CatalogFeed.Reader reader;
  private final AtomicReference<Current> current = new AtomicReference<>();
  private final AtomicLong refusals = new AtomicLong();
  private final AtomicLong unreported = new AtomicLong();
  private volatile String lastRefusal;
  /** Runs the refreshes and the retirement; null for an {@link #unshared} instance. */
  private ScheduledExecutorService worker;
  /** Users of a registered instance, and its pending retirement; guarded by {@link #BY_FEED}. */
  private int users;
  private ScheduledFuture<?> retirement;
  private long lingerMillis;
  private volatile boolean closed;

  private LiveCatalog(CatalogFeed feed, boolean fuzzy) {
    this.feed = feed;
    this.fuzzy = fuzzy;
    this.reader = feed.open();
  }

  private static String keyOf(CatalogFeed feed, boolean fuzzy) {
    return feed.key() + "|fuzzy=" + fuzzy;
  }

  /**
   * Lends the live catalog of {@code feed} in this JVM, read and built on first use (a refused first
   * read throws {@link IllegalStateException} with the reason); give it back with {@link #release}.
   * {@code refresh} zero or negative: never re-read. The first caller's refresh wins for the JVM.
   */
  public static LiveCatalog of(CatalogFeed feed, boolean fuzzy, Duration refresh) {
    return of(feed, fuzzy, refresh, LINGER);
  }

  static LiveCatalog of(CatalogFeed feed, boolean fuzzy, Duration refresh, Duration linger) {
    String key = keyOf(feed, fuzzy);
    synchronized (BY_FEED) {
      LiveCatalog live = BY_FEED.get(key);
      if (live == null) {
        live = new LiveCatalog(feed, fuzzy);
        if (!live.refresh()) {
          live.reader.close();
          throw new IllegalStateException("catalog: " + live.lastRefusal);
        }
        live.start(refresh, linger);
        BY_FEED.put(key, live);
      }
      live.users++;
      if (live.retirement != null) {
        live.retirement.cancel(false);
        live.retirement = null;
      }
      return live;
    }
  }

  /** The live catalog of {@code feed} if this JVM has one (for tests that look inside a worker). */
  public static Optional<LiveCatalog> existing(CatalogFeed feed, boolean fuzzy) {
    synchronized (BY_FEED) {
      return Optional.ofNullable(BY_FEED.get(keyOf(feed, fuzzy)));
    }
  }

  /**
   * Gives back what {@link #of} lent. After the last user's release the instance is closed once
   * {@link #LINGER} has passed without a new user.
   */
  public void release() {
    synchronized (BY_FEED) {
      if (users == 0) {
        throw new IllegalStateException("released more often than lent: " + feed.describe());
      }
      if (--users == 0 && worker != null) {
        retirement = worker.schedule(this::retireIfUnused, lingerMillis, TimeUnit.MILLISECONDS);
      }
    }
  }

  private void retireIfUnused() {
    String key = keyOf(feed, fuzzy);
    synchronized (BY_FEED) {
      if (users > 0 || BY_FEED.get(key) != this) {
        return;
      }
      BY_FEED.remove(key);
    }
    LOG.info("catalog {} no longer in use in this JVM: stopped watching {}",
        current.get().version(), feed.describe());
    close();
  }

  /** Whether {@link #close} ran (for tests). */
  boolean isClosed() {
    return closed;
  }

  /** A live catalog outside the per-JVM registry, not refreshed unless {@link #refresh} is called. */
  public static LiveCatalog unshared(CatalogFeed feed, boolean fuzzy) {
    LiveCatalog live = new LiveCatalog(feed, fuzzy);
    if (!live.refresh()) {
      throw new IllegalStateException("catalog: " + live.lastRefusal);
    }
    return live;
  }

  /** The thread is made on the first task: none while a catalog that never refreshes is in use. */
  private void start(Duration every, Duration linger) {
    lingerMillis = linger.toMillis();
    worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "linkwatch-catalog-refresh");
              t.setDaemon(true);
              return t;
            });
    if (every != null && !every.isZero() && !every.isNegative()) {
      long millis = every.toMillis();
      worker.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
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

  /**
   * Stops the refresher and closes the reader, after a refresh in progress ends; for {@link
   * #unshared} instances, tests, and the retirement (which runs on the worker thread, so it must not
   * interrupt it: a Kafka client interrupted while closing throws).
   */
  public void close() {
    if (worker != null) {
      worker.shutdown();
    }
    synchronized (this) {
      if (!closed) {
        closed = true;
        reader.close();
      }
    }
  }
}
