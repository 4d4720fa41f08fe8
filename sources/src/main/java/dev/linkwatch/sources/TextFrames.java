package dev.linkwatch.sources;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One WebSocket connection with the JDK client that hands each complete text message, as UTF-8 bytes,
 * to a consumer on the client's thread, one at a time (it asks for the next message only after the
 * consumer returns, so a slow Kafka holds the server back instead of filling memory). {@link #closed()}
 * completes when the server closes or the connection fails.
 */
final class TextFrames implements StreamConnection {
  private final WebSocket socket;
  private final CompletableFuture<String> closed;
  private volatile long lastFrameNanos = System.nanoTime();

  private TextFrames(WebSocket socket, CompletableFuture<String> closed) {
    this.socket = socket;
    this.closed = closed;
  }

  /** Connects, or throws when the server cannot be reached or refuses the handshake within {@code timeout}. */
  static TextFrames open(
      HttpClient client, URI uri, Map<String, String> headers, Duration timeout, Consumer<byte[]> onMessage)
      throws InterruptedException, ExecutionException, TimeoutException {
    CompletableFuture<String> closed = new CompletableFuture<>();
    TextFrames[] self = new TextFrames[1];
    StringBuilder partial = new StringBuilder();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          @Override
          public void onOpen(WebSocket ws) {
            ws.request(1);
          }

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (self[0] != null) {
              self[0].lastFrameNanos = System.nanoTime();
            }
            partial.append(data);
            if (last) {
              byte[] bytes = partial.toString().getBytes(StandardCharsets.UTF_8);
              partial.setLength(0);
              try {
                onMessage.accept(bytes);
              } catch (RuntimeException e) {
                closed.completeExceptionally(e);
                ws.abort();
                return null;
              }
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onPing(WebSocket ws, java.nio.ByteBuffer message) {
            // A server's keep-alive: the connection is alive even when the stream is quiet. The JDK
            // answers the ping with a pong itself.
            if (self[0] != null) {
              self[0].lastFrameNanos = System.nanoTime();
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete("closed by the server (" + status + (reason.isEmpty() ? "" : " " + reason) + ")");
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            closed.complete("connection lost (" + error.getClass().getSimpleName() + ": " + error.getMessage() + ")");
          }
        };
    WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(timeout);
    headers.forEach(builder::header);
    WebSocket socket = builder.buildAsync(uri, listener).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    self[0] = new TextFrames(socket, closed);
    return self[0];
  }

  @Override
  public CompletableFuture<String> closed() {
    return closed;
  }

  @Override
  public long quietNanos() {
    return System.nanoTime() - lastFrameNanos;
  }

  @Override
  public void close() {
    socket.abort();
    closed.complete("closed by the bridge");
  }
}
