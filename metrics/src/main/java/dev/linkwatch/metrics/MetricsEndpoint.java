package dev.linkwatch.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * {@code GET /metrics} on one address, for a process that has nothing else to serve (a bridge): each
 * scrape asks {@code fill} for the process's samples as they are now. One thread serves scrapes; a
 * scrape that fails answers 500 with the reason, never a half-written page.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Serves on {@code host:port} (port 0: any free port) until closed. */
  public static MetricsEndpoint start(String host, int port, Consumer<MetricsText> fill) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "metrics-endpoint");
      t.setDaemon(true); // a scrape in flight never keeps the process alive
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", x -> {
      try (x) {
        if (!x.getRequestURI().getPath().equals("/metrics")) {
          send(x, 404, "text/plain; charset=utf-8", "only /metrics here\n");
        } else if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
          send(x, 405, "text/plain; charset=utf-8", "GET only\n");
        } else {
          String body;
          try {
            MetricsText m = new MetricsText();
            fill.accept(m);
            body = m.render();
          } catch (RuntimeException e) {
            send(x, 500, "text/plain; charset=utf-8", "metrics failed: " + e + "\n");
            return;
          }
          send(x, 200, MetricsText.CONTENT_TYPE, body);
        }
      }
    });
    server.start();
    return new MetricsEndpoint(server, executor);
  }

  private static void send(HttpExchange x, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Where scrapes go: {@code http://host:port/metrics}. */
  public URI url() {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getHostString() + ":" + a.getPort() + "/metrics");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow(); // the server does not own the executor it was given
  }
}
