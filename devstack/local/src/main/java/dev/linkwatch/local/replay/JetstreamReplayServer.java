package dev.linkwatch.local.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

/**
 * A Jetstream v1 {@code /subscribe} endpoint on loopback that replays recorded events, for the bridge
 * tests and the offline demo. Like Jetstream it honours {@code wantedCollections} (commits of other
 * collections are left out; identity and account events always pass) and {@code cursor} (only events
 * with {@code time_us} at or after it, in recorded order), sends each event as one text frame with its
 * bytes unchanged, and then keeps the connection open, as a quiet live stream would.
 *
 * <p>Faults, for tests: {@link Faults#refuseFirst} rejects that many handshakes (HTTP error), {@link
 * Faults#dropAfter} cuts the first connection's TCP stream without a close frame after that many frames,
 * and {@link Faults#frameDelay} paces every frame.
 */
public final class JetstreamReplayServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<byte[]> events;
  private final Faults faults;
  private final Server server;
  private final AtomicInteger handshakes = new AtomicInteger();
  private final AtomicInteger served = new AtomicInteger();
  private final AtomicInteger framesSent = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  /** What can go wrong, on purpose. */
  public record Faults(int refuseFirst, int dropAfter, Duration frameDelay) {
    public static Faults none() {
      return new Faults(0, -1, Duration.ZERO);
    }

    public Faults withRefuseFirst(int n) {
      return new Faults(n, dropAfter, frameDelay);
    }

    public Faults withDropAfter(int frames) {
      return new Faults(refuseFirst, frames, frameDelay);
    }

    public Faults withFrameDelay(Duration d) {
      return new Faults(refuseFirst, dropAfter, d);
    }
  }

  private JetstreamReplayServer(List<byte[]> events, Faults faults) {
    this.events = List.copyOf(events);
    this.faults = faults;
    this.server = new Server(new InetSocketAddress("127.0.0.1", 0));
  }

  /** Starts serving {@code events} (one Jetstream JSON object each) on a free loopback port. */
  public static JetstreamReplayServer start(List<byte[]> events, Faults faults) throws InterruptedException {
    JetstreamReplayServer s = new JetstreamReplayServer(events, faults);
    s.server.setReuseAddr(true);
    s.server.start();
    if (!s.server.started.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the Jetstream replay server did not start");
    }
    return s;
  }

  /** One of the bundled samples (see the README beside them), one event per line, bytes as recorded. */
  public static List<byte[]> bundled(String name) {
    try (InputStream in = JetstreamReplayServer.class.getResourceAsStream("/dev/linkwatch/local/replay/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no bundled sample " + name);
      }
      List<byte[]> lines = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          lines.add(line.getBytes(StandardCharsets.UTF_8));
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint to give a bridge: {@code ws://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("ws://127.0.0.1:" + server.getPort());
  }

  /** Handshakes seen, refused ones included. */
  public int handshakes() {
    return handshakes.get();
  }

  /** Connections that were served events. */
  public int served() {
    return served.get();
  }

  /** Frames sent over all connections. */
  public int framesSent() {
    return framesSent.get();
  }

  /** The resource (path and query) of every accepted connection, in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(2000);
  }

  /** The events a request for {@code resource} (path and query) gets, in recorded order. */
  public List<byte[]> select(String resource) {
    URI uri = URI.create(resource);
    List<String> wanted = new ArrayList<>();
    long cursor = -1;
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv.length == 2 && kv[0].equals("wantedCollections")) {
        wanted.add(java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
      } else if (kv.length == 2 && kv[0].equals("cursor")) {
        cursor = Long.parseLong(kv[1]);
      }
    }
    List<byte[]> out = new ArrayList<>();
    for (byte[] e : events) {
      JsonNode n;
      try {
        n = JSON.readTree(e);
      } catch (IOException ex) {
        out.add(e); // served as recorded: the bridge must cope with it
        continue;
      }
      if (cursor >= 0 && n.path("time_us").asLong() < cursor) {
        continue;
      }
      String collection = n.path("commit").path("collection").asText("");
      if (n.path("kind").asText().equals("commit") && !wanted.isEmpty() && !matches(wanted, collection)) {
        continue;
      }
      out.add(e);
    }
    return out;
  }

  private static boolean matches(List<String> wanted, String collection) {
    for (String w : wanted) {
      if (w.equals(collection) || (w.endsWith(".*") && collection.startsWith(w.substring(0, w.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  private final class Server extends WebSocketServer {
    final CountDownLatch started = new CountDownLatch(1);

    Server(InetSocketAddress address) {
      super(address);
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(
        WebSocket conn, Draft draft, ClientHandshake request) throws InvalidDataException {
      if (handshakes.incrementAndGet() <= faults.refuseFirst()) {
        throw new InvalidDataException(CloseFrame.TRY_AGAIN_LATER, "refused (replay fault)");
      }
      if (!URI.create(request.getResourceDescriptor()).getPath().equals("/subscribe")) {
        throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "only /subscribe is served");
      }
      return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      requests.add(handshake.getResourceDescriptor());
      int number = served.incrementAndGet();
      List<byte[]> selected = select(handshake.getResourceDescriptor());
      Thread sender =
          new Thread(
              () -> {
                int sent = 0;
                for (byte[] e : selected) {
                  if (!conn.isOpen()) {
                    return;
                  }
                  if (number == 1 && sent == faults.dropAfter()) {
                    // The socket is shut down first: closing a channel registered with the server's
                    // selector waits for the selector to wake, which on a quiet connection may be never.
                    if (((org.java_websocket.WebSocketImpl) conn).getChannel()
                        instanceof java.nio.channels.SocketChannel ch) {
                      try {
                        ch.shutdownOutput();
                        ch.shutdownInput();
                      } catch (java.io.IOException ex) {
                        // already gone
                      }
                    }
                    conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "dropped (replay fault)");
                    return;
                  }
                  if (!faults.frameDelay().isZero()) {
                    try {
                      Thread.sleep(faults.frameDelay().toMillis());
                    } catch (InterruptedException ie) {
                      return;
                    }
                  }
                  conn.send(new String(e, StandardCharsets.UTF_8));
                  framesSent.incrementAndGet();
                  sent++;
                }
              },
              "jetstream-replay-" + number);
      sender.setDaemon(true);
      sender.start();
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

    @Override
    public void onMessage(WebSocket conn, String message) {
      // Jetstream's options_update frames: nothing to do for a replay.
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
    return "JetstreamReplayServer" + Arrays.asList(endpoint(), events.size() + " events");
  }
}
