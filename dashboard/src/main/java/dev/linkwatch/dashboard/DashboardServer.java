package dev.linkwatch.dashboard;

import dev.linkwatch.metrics.MetricsText;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard's HTTP side on the JDK's own server: the page and its assets from the jar, {@code
 * /events} (server-sent events: a snapshot on connect, then each match as it is read and the counts
 * and status every second when they changed), {@code /domains/<d>.json} and {@code .csv}, and {@code
 * /metrics}. Every response forbids framing and sniffing, and the page's Content-Security-Policy lets
 * only the jar's own scripts run.
 */
final class DashboardServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WEB = "/dev/linkwatch/dashboard/web/";
  private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + webjarVersion("uplot") + "/";
  /** The files the page may load, by path; nothing else from the jar is served. */
  private static final Map<String, String[]> ASSETS =
      Map.of(
          "/", new String[] {WEB + "index.html", "text/html; charset=utf-8"},
          "/app.js", new String[] {WEB + "app.js", "text/javascript; charset=utf-8"},
          "/app.css", new String[] {WEB + "app.css", "text/css; charset=utf-8"},
          "/vendor/uPlot.iife.min.js", new String[] {UPLOT + "dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
          "/vendor/uPlot.min.css", new String[] {UPLOT + "dist/uPlot.min.css", "text/css; charset=utf-8"},
          "/vendor/uPlot.LICENSE", new String[] {UPLOT + "LICENSE", "text/plain; charset=utf-8"});
  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final int MAX_CLIENTS = 32;

  private final HttpServer http;
  private final DashboardState state;
  private final LagProbe lag;
  private final long staleMillis;
  private final ExecutorService workers;
  private final ScheduledExecutorService ticker;
  private final List<BlockingQueue<String>> clients = new CopyOnWriteArrayList<>();
  private long pushedVersion = -1;

  DashboardServer(String host, int port, DashboardState state, LagProbe lag, long staleMillis) throws IOException {
    this.state = state;
    this.lag = lag;
    this.staleMillis = staleMillis;
    this.http = HttpServer.create(new InetSocketAddress(host, port), 0);
    this.workers = Executors.newCachedThreadPool(daemon("dashboard-http"));
    this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("dashboard-push"));
    http.setExecutor(workers);
    http.createContext("/", this::handle);
    state.onMatch(m -> broadcast(event("match", m)));
  }

  /** The version of npm webjar {@code name} on the classpath (its folder inside the jar is named by it). */
  private static String webjarVersion(String name) {
    try (InputStream in = DashboardServer.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/" + name + "/pom.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "missing");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  void start() {
    http.start();
    ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  URI url() {
    InetSocketAddress a = http.getAddress();
    String host = a.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
  }

  private void tick() {
    long now = System.currentTimeMillis();
    long v = state.version();
    if (v != pushedVersion) {
      pushedVersion = v;
      broadcast(event("counts", state.countsView(now, staleMillis)));
    } else {
      broadcast(event("status", state.status(now, staleMillis)));
    }
  }

  private static String event(String name, Object data) {
    try {
      // JSON has no raw line breaks, so the data is one "data:" line.
      return "event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void broadcast(String message) {
    for (BlockingQueue<String> q : clients) {
      if (!q.offer(message)) {
        clients.remove(q); // a page that stopped reading: its handler ends at the next heartbeat
        q.clear();
        q.offer("");
      }
    }
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getRawPath();
      x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      x.getResponseHeaders().set("X-Frame-Options", "DENY");
      x.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
        send(x, 405, "text/plain; charset=utf-8", "GET only\n");
      } else if (ASSETS.containsKey(path)) {
        asset(x, ASSETS.get(path));
      } else if (path.equals("/events")) {
        events(x);
      } else if (path.equals("/metrics")) {
        MetricsText m = new MetricsText();
        state.metrics(m, System.currentTimeMillis(), staleMillis);
        lag.metrics(m);
        send(x, 200, MetricsText.CONTENT_TYPE, m.render());
      } else if (path.startsWith("/domains/") && (path.endsWith(".json") || path.endsWith(".csv"))) {
        domain(x, path);
      } else {
        send(x, 404, "text/plain; charset=utf-8", "not found\n");
      }
    }
  }

  private void asset(HttpExchange x, String[] asset) throws IOException {
    try (InputStream in = DashboardServer.class.getResourceAsStream(asset[0])) {
      if (in == null) {
        send(x, 500, "text/plain; charset=utf-8", "missing from the jar: " + asset[0] + "\n");
        return;
      }
      x.getResponseHeaders().set("Content-Security-Policy", CSP);
      x.getResponseHeaders().set("Cache-Control", "no-cache");
      send(x, 200, asset[1], in.readAllBytes());
    }
  }

  private void domain(HttpExchange x, String path) throws IOException {
    boolean csv = path.endsWith(".csv");
    String name = URLDecoder.decode(
        path.substring("/domains/".length(), path.length() - (csv ? 4 : 5)), StandardCharsets.UTF_8);
    if (csv) {
      String body = state.domainCsv(name);
      if (body == null) {
        send(x, 404, "text/plain; charset=utf-8", "no evidence for that domain\n");
        return;
      }
      String file = name.replaceAll("[^A-Za-z0-9.-]", "_");
      x.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"linkwatch-" + file + ".csv\"");
      send(x, 200, "text/csv; charset=utf-8; header=present", body);
    } else {
      ObjectNode view = state.domainView(name);
      if (view == null) {
        send(x, 404, "application/json", "{\"error\":\"no evidence for that domain\"}");
        return;
      }
      send(x, 200, "application/json", JSON.writeValueAsBytes(view));
    }
  }

  private void events(HttpExchange x) throws IOException {
    if (clients.size() >= MAX_CLIENTS) {
      send(x, 503, "text/plain; charset=utf-8", "too many open pages\n");
      return;
    }
    BlockingQueue<String> queue = new ArrayBlockingQueue<>(1_000);
    x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    x.getResponseHeaders().set("Cache-Control", "no-cache");
    x.sendResponseHeaders(200, 0);
    OutputStream out = x.getResponseBody();
    long now = System.currentTimeMillis();
    ObjectNode snapshot = JSON.createObjectNode();
    // Registered before the snapshot is taken: a match read meanwhile comes twice, and the page drops
    // the copy by its sequence number, rather than not at all.
    clients.add(queue);
    try {
      snapshot.set("counts", state.countsView(now, staleMillis));
      snapshot.set("matches", state.recentMatches());
      write(out, "retry: 2000\n\n" + event("snapshot", snapshot));
      while (clients.contains(queue)) {
        String message = queue.poll(15, TimeUnit.SECONDS);
        write(out, message == null ? ": keep-alive\n\n" : message);
      }
    } catch (IOException | InterruptedException e) {
      // the page went away
    } finally {
      clients.remove(queue);
    }
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void send(HttpExchange x, int status, String type, String body) throws IOException {
    send(x, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head) {
      x.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    clients.forEach(q -> q.offer(""));
    clients.clear();
    http.stop(0);
    workers.shutdownNow();
  }
}
