package dev.linkwatch.local.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

/**
 * A Mastodon server on loopback that replays recorded Statuses, for the bridge tests: the REST API
 * ({@code GET /api/v2/instance}, the public and hashtag timelines with {@code min_id}, {@code
 * since_id}, {@code max_id} and {@code limit}), the SSE stream ({@code /api/v1/streaming/public},
 * {@code public/local}, {@code public/remote}, {@code hashtag?tag=}) on the same port, and the
 * WebSocket stream ({@code /api/v1/streaming?stream=..&tag=..}) on a port of its own, which the
 * instance document names as {@code configuration.urls.streaming}, as a server with a separate
 * streaming host does.
 *
 * <p>Like Mastodon it puts on public streams only public Statuses that are not boosts; local ones are
 * those whose {@code account.acct} has no domain; a hashtag stream carries Statuses with that tag, any
 * case. A stream sends each selected Status, in id order, as an {@code update} frame ({@code
 * status.update} when it has {@code edited_at}), the payload being the recorded line as a JSON string,
 * then one {@code delete} frame, and stays open. A timeline returns the recorded lines unchanged in a
 * JSON array, newest first. Every request but the instance document needs {@code Authorization:
 * Bearer TOKEN}; a wrong or missing token gets HTTP 401.
 *
 * <p>Faults, for tests: {@link Faults#refuseFirst} answers that many stream requests with HTTP 503;
 * {@link Faults#dropAfter} ends the first stream connection after that many frames (WebSocket: TCP cut
 * without a close frame; SSE: the response ends); the next connection starts {@link
 * Faults#missedWhileAway} Statuses later, because those were posted while the client was away (only a
 * timeline backfill finds them); {@link Faults#frameDelay} paces every frame; {@link Faults#startAt}
 * starts the first connection later in the stream, as after a restart.
 */
public final class MastodonReplayServer implements AutoCloseable {
  /** The id of the delete frame every stream ends with (from the streaming API documentation's sample). */
  public static final String DELETED_ID = "106692867363994015";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Status> statuses;
  private final String token;
  private final Faults faults;
  private final HttpServer http;
  private final ExecutorService httpThreads;
  private final Ws ws;
  private final AtomicInteger streamRequests = new AtomicInteger();
  private final AtomicInteger served = new AtomicInteger();
  private final AtomicInteger unauthorized = new AtomicInteger();
  private final AtomicInteger firstConnectionSent = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  /** What can go wrong, on purpose, and where the live stream starts. */
  public record Faults(int refuseFirst, int dropAfter, int missedWhileAway, Duration frameDelay, int startAt) {
    public static Faults none() {
      return new Faults(0, -1, 0, Duration.ZERO, 0);
    }

    public Faults withRefuseFirst(int n) {
      return new Faults(n, dropAfter, missedWhileAway, frameDelay, startAt);
    }

    /** Ends the first stream connection after {@code frames}; the next one starts {@code missed} Statuses later. */
    public Faults withDropAfter(int frames, int missed) {
      return new Faults(refuseFirst, frames, missed, frameDelay, startAt);
    }

    public Faults withFrameDelay(Duration d) {
      return new Faults(refuseFirst, dropAfter, missedWhileAway, d, startAt);
    }

    /** The first connection's stream starts at this selected Status: the earlier ones were posted before it (a restart). */
    public Faults withLiveFrom(int index) {
      return new Faults(refuseFirst, dropAfter, missedWhileAway, frameDelay, index);
    }
  }

  /** A stream as the API names it: public, public:local, public:remote or hashtag (with a tag). */
  public record Stream(String name, String tag) {
    /** The {@code stream} member of this stream's frames: {@code ["public"]} or {@code ["hashtag","tag"]}. */
    List<String> frameStream() {
      return tag == null ? List.of(name) : List.of(name, tag);
    }
  }

  private record Status(String id, byte[] bytes, JsonNode tree) {}

  private MastodonReplayServer(List<byte[]> lines, String token, Faults faults) throws IOException {
    List<Status> list = new ArrayList<>();
    for (byte[] line : lines) {
      JsonNode tree = JSON.readTree(line);
      list.add(new Status(tree.path("id").asText(), line, tree));
    }
    list.sort(Comparator.comparing(Status::id, MastodonReplayServer::compareIds));
    this.statuses = List.copyOf(list);
    this.token = token;
    this.faults = faults;
    this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    this.httpThreads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "mastodon-replay-http");
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(httpThreads);
    http.createContext("/", this::handle);
    this.ws = new Ws(new InetSocketAddress("127.0.0.1", 0));
  }

  /** Starts serving {@code statuses} (one Status JSON object each) on two free loopback ports. */
  public static MastodonReplayServer start(List<byte[]> statuses, String token, Faults faults)
      throws IOException, InterruptedException {
    MastodonReplayServer s = new MastodonReplayServer(statuses, token, faults);
    s.http.start();
    s.ws.setReuseAddr(true);
    s.ws.start();
    if (!s.ws.started.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the Mastodon replay server did not start");
    }
    return s;
  }

  /** The bundled Statuses (see the README beside them). */
  public static List<byte[]> bundledStatuses() {
    return JetstreamReplayServer.bundled("mastodon_statuses.jsonl");
  }

  /** The API server to give a bridge, {@code http://127.0.0.1:PORT}; it also serves SSE. */
  public URI apiBase() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  /** The streaming host the instance document names: {@code ws://127.0.0.1:PORT} (WebSocket only). */
  public URI websocketBase() {
    return URI.create("ws://127.0.0.1:" + ws.getPort());
  }

  /** Stream requests seen (both transports), refused and unauthorized ones included. */
  public int streamRequests() {
    return streamRequests.get();
  }

  /** Stream connections that were served frames. */
  public int served() {
    return served.get();
  }

  /** Requests turned away with 401. */
  public int unauthorized() {
    return unauthorized.get();
  }

  /** Every request served (method-less: path and query), both ports, in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** The Statuses a stream carries, as recorded, in the order it sends them. */
  public List<byte[]> select(Stream stream) {
    List<byte[]> out = new ArrayList<>();
    for (Status s : selected(stream)) {
      out.add(s.bytes());
    }
    return out;
  }

  /** The delete frame a WebSocket stream ends with, as sent. */
  public byte[] deleteFrame(Stream stream) {
    return frame(stream, "delete", DELETED_ID);
  }

  @Override
  public void close() throws InterruptedException {
    http.stop(0);
    httpThreads.shutdownNow();
    ws.stop(2000);
  }

  private List<Status> selected(Stream stream) {
    List<Status> out = new ArrayList<>();
    for (Status s : statuses) {
      JsonNode n = s.tree();
      if (!isPublicWithoutReblog(n)) {
        continue;
      }
      boolean local = !n.path("account").path("acct").asText().contains("@");
      boolean keep =
          switch (stream.name()) {
            case "public" -> true;
            case "public:local" -> local;
            case "public:remote" -> !local;
            case "hashtag" -> hasTag(n, stream.tag());
            default -> false;
          };
      if (keep) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean isPublicWithoutReblog(JsonNode n) {
    // 2017 Statuses have no reblog member at all: not a boost.
    return n.path("visibility").asText().equals("public") && (n.get("reblog") == null || n.get("reblog").isNull());
  }

  private static boolean hasTag(JsonNode n, String tag) {
    for (JsonNode t : n.path("tags")) {
      if (tag != null && t.path("name").asText().equalsIgnoreCase(tag)) {
        return true;
      }
    }
    return false;
  }

  /** The frames one stream connection sends: each selected Status from {@code from}, then the delete. */
  private List<byte[]> frames(Stream stream, int from) {
    List<Status> chosen = selected(stream);
    List<byte[]> out = new ArrayList<>();
    for (Status s : chosen.subList(Math.min(from, chosen.size()), chosen.size())) {
      boolean edited = s.tree().hasNonNull("edited_at");
      out.add(frame(stream, edited ? "status.update" : "update", new String(s.bytes(), StandardCharsets.UTF_8)));
    }
    out.add(frame(stream, "delete", DELETED_ID));
    return out;
  }

  private static byte[] frame(Stream stream, String event, String payload) {
    ObjectNode f = JSON.createObjectNode();
    stream.frameStream().forEach(f.putArray("stream")::add);
    f.put("event", event);
    f.put("payload", payload);
    try {
      return JSON.writeValueAsBytes(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where connection {@code number} starts in its stream: after what the first one sent and what was missed. */
  private int startOf(int number) {
    return faults.startAt() + (number == 1 ? 0 : firstConnectionSent.get() + faults.missedWhileAway());
  }

  private boolean authorized(String header) {
    return header != null && header.equals("Bearer " + token);
  }

  // ---- REST and SSE ------------------------------------------------------------------------------

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      URI uri = ex.getRequestURI();
      requests.add(uri.toString());
      String path = uri.getPath();
      Map<String, String> query = query(uri.getRawQuery());
      if (path.equals("/api/v2/instance")) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("domain", "replay.invalid");
        doc.putObject("configuration").putObject("urls").put("streaming", websocketBase().toString());
        send(ex, 200, "application/json", JSON.writeValueAsBytes(doc));
        return;
      }
      boolean streaming = path.startsWith("/api/v1/streaming/");
      if (streaming) {
        streamRequests.incrementAndGet();
      }
      if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
        unauthorized.incrementAndGet();
        send(ex, 401, "application/json", "{\"error\":\"The access token is invalid\"}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (path.startsWith("/api/v1/timelines/")) {
        timeline(ex, path, query);
      } else if (streaming) {
        if (streamRequests.get() <= faults.refuseFirst()) {
          send(ex, 503, "text/plain", "refused (replay fault)".getBytes(StandardCharsets.UTF_8));
          return;
        }
        Stream stream =
            switch (path.substring("/api/v1/streaming/".length())) {
              case "public" -> new Stream("public", null);
              case "public/local" -> new Stream("public:local", null);
              case "public/remote" -> new Stream("public:remote", null);
              case "hashtag" -> new Stream("hashtag", query.get("tag"));
              default -> null;
            };
        if (stream == null) {
          send(ex, 404, "application/json", "{\"error\":\"Not found\"}".getBytes(StandardCharsets.UTF_8));
          return;
        }
        sse(ex, stream);
      } else {
        send(ex, 404, "application/json", "{\"error\":\"Not found\"}".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private void timeline(HttpExchange ex, String path, Map<String, String> q) throws IOException {
    Stream stream;
    if (path.startsWith("/api/v1/timelines/tag/")) {
      stream = new Stream("hashtag", URLDecoder.decode(path.substring("/api/v1/timelines/tag/".length()), StandardCharsets.UTF_8));
    } else if (path.equals("/api/v1/timelines/public")) {
      boolean local = "true".equals(q.get("local"));
      boolean remote = "true".equals(q.get("remote"));
      stream = new Stream(local ? "public:local" : remote ? "public:remote" : "public", null);
    } else {
      send(ex, 404, "application/json", "{\"error\":\"Not found\"}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    int limit = Math.min(40, Integer.parseInt(q.getOrDefault("limit", "20")));
    List<Status> all = new ArrayList<>();
    for (Status s : selected(stream)) {
      if ((q.get("min_id") == null || compareIds(s.id(), q.get("min_id")) > 0)
          && (q.get("since_id") == null || compareIds(s.id(), q.get("since_id")) > 0)
          && (q.get("max_id") == null || compareIds(s.id(), q.get("max_id")) < 0)) {
        all.add(s);
      }
    }
    // min_id: the page just above it; otherwise the newest page. Either way newest first.
    List<Status> page =
        q.get("min_id") != null
            ? all.subList(0, Math.min(limit, all.size()))
            : all.subList(Math.max(0, all.size() - limit), all.size());
    List<Status> newestFirst = new ArrayList<>(page);
    java.util.Collections.reverse(newestFirst);
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.write('[');
    for (int i = 0; i < newestFirst.size(); i++) {
      if (i > 0) {
        body.write(',');
      }
      body.write(newestFirst.get(i).bytes());
    }
    body.write(']');
    send(ex, 200, "application/json", body.toByteArray());
  }

  private void sse(HttpExchange ex, Stream stream) throws IOException {
    int number = served.incrementAndGet();
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    out.write(":)\n".getBytes(StandardCharsets.UTF_8)); // Mastodon's first comment line
    out.flush();
    int sent = 0;
    for (byte[] f : frames(stream, startOf(number))) {
      if (number == 1 && sent == faults.dropAfter()) {
        return; // the response ends: the client sees its stream close
      }
      if (!pause()) {
        return;
      }
      JsonNode frame = JSON.readTree(f);
      String data = frame.path("payload").asText();
      out.write(("event: " + frame.path("event").asText() + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
      out.write(":thump\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      sent++;
      if (number == 1) {
        firstConnectionSent.set(sent);
      }
    }
    // Then a quiet live stream: heartbeats until the client goes away or the server stops.
    while (true) {
      try {
        Thread.sleep(500);
        out.write(":thump\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (InterruptedException e) {
        return;
      } catch (IOException gone) {
        return;
      }
    }
  }

  private boolean pause() {
    if (faults.frameDelay().isZero()) {
      return true;
    }
    try {
      Thread.sleep(faults.frameDelay().toMillis());
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new TreeMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv.length == 2) {
        out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Mastodon ids are decimal strings of any length: longer is newer, then by text. */
  static int compareIds(String a, String b) {
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }

  // ---- WebSocket ---------------------------------------------------------------------------------

  private final class Ws extends WebSocketServer {
    final CountDownLatch started = new CountDownLatch(1);

    Ws(InetSocketAddress address) {
      super(address);
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(
        WebSocket conn, Draft draft, ClientHandshake request) throws InvalidDataException {
      requests.add(request.getResourceDescriptor());
      URI uri = URI.create(request.getResourceDescriptor());
      if (!uri.getPath().equals("/api/v1/streaming")) {
        throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "only /api/v1/streaming is served");
      }
      streamRequests.incrementAndGet();
      String auth = request.hasFieldValue("Authorization") ? request.getFieldValue("Authorization") : null;
      if (!authorized(auth)) {
        unauthorized.incrementAndGet();
        refuse(conn, "401 Unauthorized");
      }
      if (streamRequests.get() <= faults.refuseFirst()) {
        refuse(conn, "503 Service Unavailable");
      }
      return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
    }

    /**
     * Answers the handshake with {@code status}. Java-WebSocket answers every rejected handshake with
     * 404, so the status line is written to the socket first; the library's own answer after it is
     * never read, as the client has its response and the connection closes.
     */
    private void refuse(WebSocket conn, String status) throws InvalidDataException {
      byte[] response =
          ("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      try {
        ByteBuffer buf = ByteBuffer.wrap(response);
        while (buf.hasRemaining()) {
          ((WebSocketImpl) conn).getChannel().write(buf);
        }
      } catch (IOException e) {
        // The client went away: nothing to answer.
      }
      throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, status);
    }

    /**
     * Cuts the TCP stream without a close frame. The socket is shut down first: closing a channel
     * that is registered with the server's selector is deferred until the selector next wakes, which
     * on a quiet connection may be never, and the client would not see the cut.
     */
    private void cut(WebSocket conn) {
      if (((WebSocketImpl) conn).getChannel() instanceof java.nio.channels.SocketChannel ch) {
        try {
          ch.shutdownOutput();
          ch.shutdownInput();
        } catch (IOException e) {
          // already gone
        }
      }
      conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "dropped (replay fault)");
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      Map<String, String> q = query(URI.create(handshake.getResourceDescriptor()).getRawQuery());
      Stream stream = new Stream(q.getOrDefault("stream", ""), q.get("tag"));
      int number = served.incrementAndGet();
      List<byte[]> frames = frames(stream, startOf(number));
      Thread sender =
          new Thread(
              () -> {
                int sent = 0;
                for (byte[] f : frames) {
                  if (!conn.isOpen()) {
                    return;
                  }
                  if (number == 1 && sent == faults.dropAfter()) {
                    cut(conn);
                    return;
                  }
                  if (!pause()) {
                    return;
                  }
                  conn.send(new String(f, StandardCharsets.UTF_8));
                  sent++;
                  if (number == 1) {
                    firstConnectionSent.set(sent);
                  }
                }
              },
              "mastodon-replay-" + number);
      sender.setDaemon(true);
      sender.start();
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

    @Override
    public void onMessage(WebSocket conn, String message) {
      // Subscribe/unsubscribe messages: the replay serves the stream named in the URL only.
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {}

    @Override
    public void onStart() {
      started.countDown();
    }
  }

  @Override
  public String toString() {
    return "MastodonReplayServer[" + apiBase() + ", " + websocketBase() + ", " + statuses.size() + " statuses]";
  }
}
