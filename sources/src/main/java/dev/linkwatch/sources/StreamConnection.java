package dev.linkwatch.sources;

import java.util.concurrent.CompletableFuture;

/** One open stream (a WebSocket or an SSE response) that hands its messages to a consumer. */
interface StreamConnection extends AutoCloseable {
  /** Completes with why the connection ended; completes exceptionally when the consumer threw. */
  CompletableFuture<String> closed();

  /** Nanoseconds since the last message or keep-alive (or the connect). */
  long quietNanos();

  /** Ends the connection; safe from any thread, more than once. */
  @Override
  void close();
}
