package dev.linkwatch.sources;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * One Server-Sent Events response read with the JDK client: each complete event ({@code event:} and
 * {@code data:} lines up to a blank line; several data lines joined with a newline, as the SSE spec
 * says) goes to a consumer on the client's thread, one at a time (the next line is asked for only after
 * the consumer returns, so a slow Kafka holds the server back). Comment lines ({@code :thump}) are
 * keep-alives: they count as activity and are not handed on.
 */
final class SseEvents implements StreamConnection {
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;
  private volatile long lastLineNanos = System.nanoTime();

  private SseEvents() {}

  /** The response was not a stream: {@code status} tells why. */
  static final class Refused extends IOException {
    final int status;

    Refused(int status, URI uri) {
      super("HTTP " + status + " from " + uri);
      this.status = status;
    }
  }

  /**
   * Connects; throws {@link Refused} when the server answers anything but 200, and an {@link
   * ExecutionException} or {@link TimeoutException} when it cannot be reached within {@code timeout}.
   */
  static SseEvents open(
      HttpClient client, URI uri, Map<String, String> headers, Duration timeout, BiConsumer<String, String> onEvent)
      throws InterruptedException, ExecutionException, TimeoutException, Refused {
    SseEvents self = new SseEvents();
    CompletableFuture<Integer> status = new CompletableFuture<>();
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
    headers.forEach(request::header);
    HttpResponse.BodyHandler<Void> handler =
        info -> {
          status.complete(info.statusCode());
          return info.statusCode() == 200
              ? HttpResponse.BodySubscribers.fromLineSubscriber(self.new Lines(onEvent), s -> null, StandardCharsets.UTF_8, null)
              : HttpResponse.BodySubscribers.discarding();
        };
    CompletableFuture<HttpResponse<Void>> response = client.sendAsync(request.build(), handler);
    CompletableFuture.anyOf(status, response).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    if (!status.isDone()) {
      response.get(); // failed before any answer: throws the cause
    }
    int code = status.get();
    if (code != 200) {
      throw new Refused(code, uri);
    }
    response.whenComplete((r, e) -> self.closed.complete(e == null ? "stream ended by the server" : "connection lost (" + e.getMessage() + ")"));
    return self;
  }

  @Override
  public CompletableFuture<String> closed() {
    return closed;
  }

  @Override
  public long quietNanos() {
    return System.nanoTime() - lastLineNanos;
  }

  @Override
  public void close() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    closed.complete("closed by the bridge");
  }

  /** Assembles events from lines (text/event-stream). */
  private final class Lines implements Flow.Subscriber<String> {
    private final BiConsumer<String, String> onEvent;
    private String event = "";
    private StringBuilder data;

    Lines(BiConsumer<String, String> onEvent) {
      this.onEvent = onEvent;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(String line) {
      lastLineNanos = System.nanoTime();
      try {
        line(line);
      } catch (RuntimeException e) {
        closed.completeExceptionally(e);
        subscription.cancel();
        return;
      }
      subscription.request(1);
    }

    private void line(String line) {
      if (line.isEmpty()) {
        if (data != null || !event.isEmpty()) {
          onEvent.accept(event.isEmpty() ? "message" : event, data == null ? null : data.toString());
        }
        event = "";
        data = null;
        return;
      }
      if (line.startsWith(":")) {
        return; // keep-alive comment
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> event = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> {} // id, retry: Mastodon sends neither
      }
    }

    @Override
    public void onError(Throwable t) {
      closed.complete("connection lost (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")");
    }

    @Override
    public void onComplete() {
      closed.complete("stream ended by the server");
    }
  }
}
