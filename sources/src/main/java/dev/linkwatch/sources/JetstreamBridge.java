package dev.linkwatch.sources;

import dev.linkwatch.metrics.MetricsText;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bluesky Jetstream ({@code /subscribe}, v1 wire) into one Kafka topic: each event's bytes unchanged,
 * keyed by {@code did}.
 *
 * <p>Guarantees: at least once into Kafka, and no event written twice by a resume. It keeps a cursor
 * (the highest {@code time_us} acknowledged by Kafka, saved every {@code checkpointEvery} and on stop)
 * and resumes from it minus {@code overlap}, because Jetstream's times jitter and another instance's
 * times differ slightly; the events that overlap brings again are skipped when they are the same
 * did, collection, rkey, rev and operation as one already written (see {@link WrittenEvents}). A
 * bridge killed between an acknowledgement and the next cursor save writes that interval's events
 * again on restart: the pipeline sees them as new records.
 *
 * <p>Connections: endpoints are tried in order; one that fails or delivers nothing passes the turn to
 * the next. Reconnects wait a jittered, bounded, exponential delay ({@link Backoff}), reset by a
 * connection that delivered. A connection quiet for {@code idleTimeout} is dropped and resumed. A
 * failed Kafka write stops the bridge with an exception (its cursor stays before the lost record).
 */
public final class JetstreamBridge {
  /** The public Jetstream instances run by Bluesky. */
  public static final List<URI> PUBLIC_ENDPOINTS =
      List.of(
          URI.create("wss://jetstream1.us-east.bsky.network"),
          URI.create("wss://jetstream2.us-east.bsky.network"),
          URI.create("wss://jetstream1.us-west.bsky.network"),
          URI.create("wss://jetstream2.us-west.bsky.network"));

  /** Posts and reposts: the collections the pipeline's rules read. */
  public static final List<String> COLLECTIONS = List.of("app.bsky.feed.post", "app.bsky.feed.repost");

  private final Settings settings;
  private final KafkaWriter kafka;
  private final PrintStream status;
  private final CursorStore store;
  private final HttpClient http = HttpClient.newHttpClient();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile TextFrames current;
  private WrittenEvents written;

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong writtenCount = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong unkeyed = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();

  public JetstreamBridge(Settings settings, KafkaWriter kafka, PrintStream status) {
    this.settings = settings;
    this.kafka = kafka;
    this.status = status;
    this.store = new CursorStore(settings.cursorFile());
  }

  /**
   * Runs until {@link #stop()}, then saves the cursor and returns. Throws when Kafka refuses a record
   * or the cursor file cannot be read or written.
   */
  public void run() throws IOException, InterruptedException {
    Optional<CursorStore.Cursor> saved = store.load();
    written = new WrittenEvents(settings.overlap().toNanos() / 1000, saved.orElse(null));
    saved.ifPresent(c -> status.println("bluesky: resuming from cursor " + describe(c.timeUs()) + " (" + store.file() + ")"));
    Backoff backoff = new Backoff(settings.backoffBase(), settings.backoffMax());
    int turn = 0;
    while (!stopping) {
      URI endpoint = settings.endpoints().get(turn % settings.endpoints().size());
      long from;
      synchronized (written) {
        from = written.resumeFromUs();
      }
      URI uri = subscribeUri(endpoint, settings.collections(), from);
      long before = received.get();
      String why;
      try {
        current = TextFrames.open(http, uri, Map.of(), settings.connectTimeout(), this::onEvent);
        connections.incrementAndGet();
        status.println("bluesky: connected to " + endpoint + (from < 0 ? " (live)" : " from cursor " + describe(from)));
        why = pump(current);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        why = "cannot connect to " + endpoint + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
      } finally {
        if (current != null) {
          current.close();
          current = null;
        }
      }
      checkpoint();
      if (stopping) {
        break;
      }
      if (received.get() > before) {
        backoff.reset();
      } else {
        turn++; // nothing from this one: let the next endpoint try
      }
      Duration delay = backoff.next();
      status.println("bluesky: " + why + "; reconnecting in " + delay.toMillis() + " ms");
      stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    }
    checkpoint();
  }

  /** Asks {@link #run()} to save its cursor and return; safe from any thread, e.g. a shutdown hook. */
  public void stop() {
    stopping = true;
    stopped.countDown();
    TextFrames c = current;
    if (c != null) {
      c.close();
    }
  }

  /** Counts so far: frames received, records written, replays skipped, frames without did/time_us, connections. */
  public Stats stats() {
    return new Stats(received.get(), writtenCount.get(), skipped.get(), unkeyed.get(), connections.get());
  }

  /**
   * This bridge's part of /metrics: {@link BridgeMetrics}' series, frames without did or time_us, and
   * the cursor as Jetstream gives it ({@code time_us}, exact in a double until the year 2255).
   */
  public void metrics(MetricsText m, long nowMillis) {
    Stats s = stats();
    BridgeMetrics.counts(m, "bluesky", s.received(), s.written(), s.skipped(), s.connections());
    m.add("linkwatch_bridge_unkeyed_total", "counter", "Frames without did or time_us (written, never deduplicated).",
        s.unkeyed(), "bridge", "bluesky");
    long cursor = cursorUs();
    m.add("linkwatch_bridge_cursor_time_us", "gauge",
        "The Jetstream cursor a restart resumes after: the newest time_us Kafka acknowledged (-1: none yet).",
        cursor, "bridge", "bluesky");
    BridgeMetrics.cursorAge(m, "bluesky", cursor < 0 ? -1 : cursor / 1000, nowMillis);
  }

  /** The position a restart would resume after ({@code time_us}), -1 before the first write. */
  public long cursorUs() {
    synchronized (written) {
      return written.highestUs();
    }
  }

  private String pump(TextFrames connection) throws IOException, InterruptedException {
    return ConnectionWatch.until(
        connection,
        () -> stopping,
        settings.idleTimeout(),
        settings.checkpointEvery(),
        this::checkpoint,
        settings.statusEvery(),
        received::get,
        rate -> status.println(statusLine(rate)));
  }

  private void onEvent(byte[] bytes) {
    received.incrementAndGet();
    JetstreamEvent event = JetstreamEvent.read(bytes);
    if (event == null) {
      // Not an event we can key or place: still written, so the pipeline's error route accounts for it.
      unkeyed.incrementAndGet();
      kafka.send(null, bytes);
      writtenCount.incrementAndGet();
      return;
    }
    synchronized (written) {
      if (written.alreadyWritten(event.identity(), event.timeUs())) {
        skipped.incrementAndGet();
        return;
      }
      kafka.send(event.did().getBytes(StandardCharsets.UTF_8), bytes);
      written.written(event.identity(), event.timeUs());
    }
    writtenCount.incrementAndGet();
  }

  /** Saves the cursor of everything sent so far, once Kafka has acknowledged it. */
  private void checkpoint() throws IOException {
    CursorStore.Cursor cursor;
    synchronized (written) {
      if (written.highestUs() < 0) {
        return;
      }
      cursor = written.snapshot(); // taken before the flush: it covers only records sent before it
    }
    kafka.flush();
    store.save(cursor);
  }

  String statusLine(double perSecond) {
    long cursor = cursorUs();
    String lag = cursor < 0 ? "-" : String.format("%.1f s", (System.currentTimeMillis() * 1000 - cursor) / 1e6);
    return String.format(
        "bluesky: %.0f events/s, lag %s, cursor %s; written %d, replays skipped %d",
        perSecond, lag, cursor < 0 ? "-" : describe(cursor), writtenCount.get(), skipped.get());
  }

  private static String describe(long timeUs) {
    return timeUs + " (" + Instant.ofEpochSecond(timeUs / 1_000_000, (timeUs % 1_000_000) * 1000) + ")";
  }

  /** {@code endpoint/subscribe?wantedCollections=..&cursor=..}; an endpoint that names a path keeps it. */
  public static URI subscribeUri(URI endpoint, List<String> collections, long cursorUs) {
    String base = endpoint.toString();
    if (endpoint.getPath() == null || endpoint.getPath().isEmpty() || endpoint.getPath().equals("/")) {
      base = base.replaceAll("/$", "") + "/subscribe";
    }
    List<String> query = new ArrayList<>();
    for (String c : collections) {
      query.add("wantedCollections=" + URLEncoder.encode(c, StandardCharsets.UTF_8));
    }
    if (cursorUs >= 0) {
      query.add("cursor=" + cursorUs);
    }
    return URI.create(base + (query.isEmpty() ? "" : (base.contains("?") ? "&" : "?") + String.join("&", query)));
  }

  /** What a bridge run has done; see {@link #stats()}. */
  public record Stats(long received, long written, long skipped, long unkeyed, long connections) {}

  /**
   * A bridge's settings. {@link #defaults(Path)} gives the public endpoints, posts and reposts, a 3 s
   * overlap, back-off from 1 s to 60 s, 10 s to connect, 60 s idle, a cursor save every second and a
   * status line every 10 s (zero: none).
   */
  public record Settings(
      List<URI> endpoints,
      List<String> collections,
      Path cursorFile,
      Duration overlap,
      Duration backoffBase,
      Duration backoffMax,
      Duration connectTimeout,
      Duration idleTimeout,
      Duration checkpointEvery,
      Duration statusEvery) {
    public Settings {
      if (endpoints.isEmpty()) {
        throw new IllegalArgumentException("at least one Jetstream endpoint is needed");
      }
      endpoints = List.copyOf(endpoints);
      collections = List.copyOf(collections);
    }

    public static Settings defaults(Path cursorFile) {
      return new Settings(
          PUBLIC_ENDPOINTS,
          COLLECTIONS,
          cursorFile,
          Duration.ofSeconds(3),
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          Duration.ofSeconds(1),
          Duration.ofSeconds(10));
    }

    public Settings withEndpoints(List<URI> value) {
      return new Settings(value, collections, cursorFile, overlap, backoffBase, backoffMax, connectTimeout, idleTimeout, checkpointEvery, statusEvery);
    }

    public Settings withOverlap(Duration value) {
      return new Settings(endpoints, collections, cursorFile, value, backoffBase, backoffMax, connectTimeout, idleTimeout, checkpointEvery, statusEvery);
    }

    public Settings withBackoff(Duration base, Duration max) {
      return new Settings(endpoints, collections, cursorFile, overlap, base, max, connectTimeout, idleTimeout, checkpointEvery, statusEvery);
    }

    public Settings withIdleTimeout(Duration value) {
      return new Settings(endpoints, collections, cursorFile, overlap, backoffBase, backoffMax, connectTimeout, value, checkpointEvery, statusEvery);
    }

    public Settings withStatusEvery(Duration value) {
      return new Settings(endpoints, collections, cursorFile, overlap, backoffBase, backoffMax, connectTimeout, idleTimeout, checkpointEvery, value);
    }
  }
}
