package dev.linkwatch.sources;

import dev.linkwatch.metrics.MetricsText;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Mastodon server's public or hashtag stream into one Kafka topic, over WebSocket or SSE: each
 * {@code update} / {@code status.update} as the Status's JSON bytes (the frame's payload string,
 * unchanged), keyed by the Status {@code uri} so an edit lands in the same partition as the post; each
 * {@code delete} as the WebSocket frame, keyed by the deleted Status's uri when this bridge wrote it
 * recently; anything else as the frame, without a key (see {@link MastodonEvent}).
 *
 * <p>Guarantees: at least once into Kafka for every Status the server's timeline lists, and no Status
 * version written twice within the overlap the bridge remembers. Mastodon's streams have no cursor: a
 * reconnect or a restart opens the stream and then fills the gap from the REST timeline, paging from
 * the last Status id written ({@code min_id}), each Status the same way; Statuses that both bring are
 * written once (see {@link WrittenStatuses}). The cursor (that id, plus the recent identities) is
 * saved every {@code checkpointEvery} and on stop, only after Kafka has acknowledged what it covers.
 *
 * <p>Connections: the streaming host is {@code configuration.urls.streaming} of the server's instance
 * document unless given. Reconnects wait a jittered, bounded, exponential delay ({@link Backoff}),
 * reset by a connection that delivered. A connection quiet for {@code idleTimeout} (keep-alives
 * count) is dropped and reopened. A token the server rejects stops the bridge with a {@link
 * TokenRejectedException}; a failed Kafka write stops it with an exception.
 */
public final class MastodonBridge {
  /** Streams a bridge can follow: the public ones and a hashtag's. */
  public static final List<String> STREAMS = List.of("public", "public:local", "public:remote", "hashtag");

  private static final int PAGE = 40;

  private final Settings settings;
  private final KafkaWriter kafka;
  private final PrintStream status;
  private final CursorStore store;
  private final Map<String, String> authorization;
  private final HttpClient http;
  private final MastodonApi api;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile StreamConnection current;
  private URI streamingBase;
  private WrittenStatuses written;

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong writtenCount = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong backfilled = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();

  /** {@code token} is the user access token: sent as {@code Authorization: Bearer}, never printed. */
  public MastodonBridge(Settings settings, String token, KafkaWriter kafka, PrintStream status) {
    this.settings = settings;
    this.kafka = kafka;
    this.status = status;
    this.store = new CursorStore(settings.cursorFile());
    this.authorization = Map.of("Authorization", "Bearer " + token);
    this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
    this.api = new MastodonApi(http, settings.server(), token, settings.connectTimeout());
  }

  /**
   * Reads an access token from {@code file}: its content, trimmed. Warns on {@code warnings} when the
   * file is readable by group or others (the token gives access to the account).
   */
  public static String readToken(Path file, PrintStream warnings) throws IOException {
    String token = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
      throw new IOException("the token file " + file + " must hold one access token");
    }
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
        warnings.println("mastodon: warning: the token file " + file + " is readable by others; chmod 600 it");
      }
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to check.
    }
    return token;
  }

  /**
   * Runs until {@link #stop()}, then saves the cursor and returns. Throws {@link
   * TokenRejectedException} when the server rejects the token, and an exception when Kafka refuses a
   * record or the cursor file cannot be read or written.
   */
  public void run() throws IOException, InterruptedException {
    Optional<com.fasterxml.jackson.databind.JsonNode> saved = store.loadTree();
    written = new WrittenStatuses(settings.keepRecent(), saved.orElse(null));
    if (saved.isPresent()) {
      status.println("mastodon: resuming after status id " + written.cursorId() + " (" + store.file() + ")");
    }
    Backoff backoff = new Backoff(settings.backoffBase(), settings.backoffMax());
    while (!stopping) {
      long before = received.get();
      String why;
      try {
        URI uri = streamUri();
        String gap;
        synchronized (written) {
          // Before the stream opens: once it writes, the highest id written is past the gap.
          gap = written.openGap();
        }
        current = connect(uri);
        connections.incrementAndGet();
        status.println("mastodon: connected to " + uri + " (" + settings.transport() + ")");
        if (gap != null) {
          backfill(gap);
        }
        why = pump(current);
      } catch (TokenRejectedException e) {
        throw e;
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        why = "cannot connect (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
      } catch (IOException e) {
        why = e.getMessage();
      } finally {
        StreamConnection c = current;
        if (c != null) {
          c.close();
          current = null;
        }
      }
      checkpoint();
      if (stopping) {
        break;
      }
      if (received.get() > before) {
        backoff.reset();
      }
      Duration delay = backoff.next();
      status.println("mastodon: " + why + "; reconnecting in " + delay.toMillis() + " ms");
      stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    }
    checkpoint();
  }

  /** Asks {@link #run()} to save its cursor and return; safe from any thread, e.g. a shutdown hook. */
  public void stop() {
    stopping = true;
    stopped.countDown();
    StreamConnection c = current;
    if (c != null) {
      c.close();
    }
  }

  /**
   * This bridge's part of /metrics: {@link BridgeMetrics}' series, Statuses backfilled, and the cursor
   * as a label (Status ids pass 2^53, so a sample value would round them). Its age comes from the id:
   * Mastodon's ids carry their creation time in milliseconds above the low 16 bits.
   */
  public void metrics(MetricsText m, long nowMillis) {
    Stats s = stats();
    BridgeMetrics.counts(m, "mastodon", s.received(), s.written(), s.skipped(), s.connections());
    m.add("linkwatch_bridge_backfilled_total", "counter", "Statuses fetched from the REST timeline to fill a gap.",
        s.backfilled(), "bridge", "mastodon");
    String cursor;
    synchronized (written) {
      cursor = written.cursorId();
    }
    m.declare("linkwatch_bridge_cursor_info", "gauge", "The Status id a restart resumes after, as a label (no sample before the first write).");
    if (cursor != null) {
      m.add("linkwatch_bridge_cursor_info", "gauge", "", 1, "bridge", "mastodon", "status_id", cursor);
    }
    BridgeMetrics.cursorAge(m, "mastodon", idMillis(cursor), nowMillis);
  }

  /** The creation time a Mastodon id carries, or -1 when it is not such an id (old servers count up from 1). */
  static long idMillis(String id) {
    if (id == null) {
      return -1;
    }
    try {
      long millis = Long.parseLong(id) >>> 16;
      return millis > 1_451_606_400_000L ? millis : -1; // after 2016: Mastodon's ids began in 2017
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Counts so far. */
  public Stats stats() {
    return new Stats(received.get(), writtenCount.get(), skipped.get(), backfilled.get(), connections.get());
  }

  private URI streamUri() throws IOException, InterruptedException {
    if (streamingBase == null) {
      streamingBase = settings.streamingUrl() != null ? settings.streamingUrl() : api.streamingBase();
    }
    return settings.transport().equals("sse")
        ? MastodonApi.sseUri(streamingBase, settings.stream(), settings.tag())
        : MastodonApi.websocketUri(streamingBase, settings.stream(), settings.tag());
  }

  private StreamConnection connect(URI uri)
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    if (settings.transport().equals("sse")) {
      List<String> frameStream = settings.tag() == null ? List.of(settings.stream()) : List.of(settings.stream(), settings.tag());
      try {
        return SseEvents.open(
            http, uri, authorization, settings.connectTimeout(), (event, data) -> write(MastodonEvent.fromSse(event, data, frameStream), false));
      } catch (SseEvents.Refused e) {
        if (e.status == 401 || e.status == 403) {
          throw new TokenRejectedException(settings.server(), e.status);
        }
        throw e;
      }
    }
    try {
      return TextFrames.open(http, uri, authorization, settings.connectTimeout(), bytes -> write(MastodonEvent.fromFrame(bytes), false));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        int code = h.getResponse().statusCode();
        if (code == 401 || code == 403) {
          throw new TokenRejectedException(settings.server(), code);
        }
        throw new IOException("the streaming server refused the connection (HTTP " + code + ")");
      }
      throw e;
    }
  }

  /** Fills the gap after {@code afterId} from the timeline, oldest first, page by page. */
  private void backfill(String afterId) throws IOException, InterruptedException {
    String from = afterId;
    long before = backfilled.get();
    for (int pages = 0; !stopping; pages++) {
      if (pages == settings.backfillPages()) {
        status.println("mastodon: backfill stopped after " + pages + " pages at id " + from + "; older Statuses of the gap are not fetched");
        break;
      }
      List<byte[]> page = api.timelineAfter(settings.stream(), settings.tag(), from, PAGE);
      if (page.isEmpty()) {
        break;
      }
      for (byte[] s : page) {
        MastodonEvent e = MastodonEvent.fromTimeline(s);
        if (e == null || e.id() == null) {
          throw new IOException("backfill: a timeline entry is not a Status with an id");
        }
        write(e, true);
        if (WrittenStatuses.compareIds(e.id(), from) > 0) {
          from = e.id();
        }
      }
    }
    if (!stopping) {
      synchronized (written) {
        written.gapClosed();
      }
      status.println("mastodon: backfilled " + (backfilled.get() - before) + " statuses after id " + afterId);
    }
  }

  private void write(MastodonEvent e, boolean fromBackfill) {
    received.incrementAndGet();
    synchronized (written) {
      switch (e.kind()) {
        case STATUS -> {
          if (written.alreadyWritten(e.identity())) {
            skipped.incrementAndGet();
            return;
          }
          kafka.send(e.uri() == null ? null : e.uri().getBytes(StandardCharsets.UTF_8), e.value());
          written.written(e.identity(), e.id());
          if (fromBackfill) {
            backfilled.incrementAndGet();
          }
        }
        case DELETE -> {
          String uri = written.uriOf(e.id());
          kafka.send(uri == null ? null : uri.getBytes(StandardCharsets.UTF_8), e.value());
        }
        case OTHER -> kafka.send(null, e.value());
      }
    }
    writtenCount.incrementAndGet();
  }

  private String pump(StreamConnection connection) throws IOException, InterruptedException {
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

  /** Saves the cursor of everything sent so far, once Kafka has acknowledged it. */
  private void checkpoint() throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode cursor;
    synchronized (written) {
      if (written.cursorId() == null) {
        return;
      }
      cursor = written.snapshot(); // taken before the flush: it covers only records sent before it
    }
    kafka.flush();
    store.saveTree(cursor);
  }

  String statusLine(double perSecond) {
    String cursor;
    synchronized (written) {
      cursor = written.cursorId();
    }
    return String.format(
        "mastodon: %.0f events/s, cursor id %s; written %d, backfilled %d, duplicates skipped %d",
        perSecond, cursor == null ? "-" : cursor, writtenCount.get(), backfilled.get(), skipped.get());
  }

  /** What a bridge run has done: messages received (stream and backfill), records written, duplicates skipped, Statuses backfilled, connections. */
  public record Stats(long received, long written, long skipped, long backfilled, long connections) {}

  /**
   * A bridge's settings. {@link #defaults} gives the public stream over WebSocket, the streaming host
   * from the instance document, and the back-off, timeouts, save and status intervals and backfill
   * and dedupe bounds that docs/sources.md lists; the idle timeout is long, because a quiet hashtag
   * stream is normal. A zero {@code statusEvery} prints no status lines.
   */
  public record Settings(
      URI server,
      URI streamingUrl,
      String stream,
      String tag,
      String transport,
      Path cursorFile,
      Duration backoffBase,
      Duration backoffMax,
      Duration connectTimeout,
      Duration idleTimeout,
      Duration checkpointEvery,
      Duration statusEvery,
      int backfillPages,
      int keepRecent) {
    public Settings {
      if (!STREAMS.contains(stream)) {
        throw new IllegalArgumentException("stream must be one of " + STREAMS + " (was " + stream + ")");
      }
      if (stream.equals("hashtag") != (tag != null)) {
        throw new IllegalArgumentException("a tag goes with the hashtag stream, and only with it");
      }
      if (!transport.equals("websocket") && !transport.equals("sse")) {
        throw new IllegalArgumentException("transport must be websocket or sse (was " + transport + ")");
      }
      if (backfillPages < 1 || keepRecent < 1) {
        throw new IllegalArgumentException("backfillPages and keepRecent must be positive");
      }
    }

    /** {@code server}: a host name ({@code mastodon.social}) or an http(s) URL. */
    public static Settings defaults(String server, Path cursorFile) {
      return new Settings(
          MastodonApi.serverUri(server),
          null,
          "public",
          null,
          "websocket",
          cursorFile,
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          Duration.ofSeconds(10),
          Duration.ofMinutes(5),
          Duration.ofSeconds(1),
          Duration.ofSeconds(10),
          250,
          5000);
    }

    public Settings withStreamingUrl(URI value) {
      return new Settings(server, value, stream, tag, transport, cursorFile, backoffBase, backoffMax, connectTimeout, idleTimeout, checkpointEvery, statusEvery, backfillPages, keepRecent);
    }

    /** {@code tag} (without the #) for the hashtag stream, else null. */
    public Settings withStream(String name, String hashtag) {
      return new Settings(server, streamingUrl, name, hashtag, transport, cursorFile, backoffBase, backoffMax, connectTimeout, idleTimeout, checkpointEvery, statusEvery, backfillPages, keepRecent);
    }

    public Settings withTransport(String value) {
      return new Settings(server, streamingUrl, stream, tag, value, cursorFile, backoffBase, backoffMax, connectTimeout, idleTimeout, checkpointEvery, statusEvery, backfillPages, keepRecent);
    }

    public Settings withBackoff(Duration base, Duration max) {
      return new Settings(server, streamingUrl, stream, tag, transport, cursorFile, base, max, connectTimeout, idleTimeout, checkpointEvery, statusEvery, backfillPages, keepRecent);
    }

    public Settings withIdleTimeout(Duration value) {
      return new Settings(server, streamingUrl, stream, tag, transport, cursorFile, backoffBase, backoffMax, connectTimeout, value, checkpointEvery, statusEvery, backfillPages, keepRecent);
    }

    public Settings withStatusEvery(Duration value) {
      return new Settings(server, streamingUrl, stream, tag, transport, cursorFile, backoffBase, backoffMax, connectTimeout, idleTimeout, checkpointEvery, value, backfillPages, keepRecent);
    }
  }
}
