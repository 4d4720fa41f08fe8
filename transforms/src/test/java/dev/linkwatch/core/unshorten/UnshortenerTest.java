package dev.linkwatch.core.unshorten;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.linkwatch.core.unshorten.Resolution.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the unshortener against real HTTP servers on 127.0.0.1 (ephemeral ports, no other I/O). */
class UnshortenerTest {

  /** Real HttpServer with scripted routes and request/concurrency counters. */
  static final class TestServer implements AutoCloseable {
    interface Route {
      void handle(HttpExchange ex) throws Exception;
    }

    final HttpServer server;
    final ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-http");
      t.setDaemon(true);
      return t;
    });
    final Map<String, Route> routes = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    volatile Route fallback = ex -> respond(ex, 404);

    TestServer() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
      server.setExecutor(pool);
      server.createContext("/", this::handle);
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    String url(String pathAndQuery) {
      return "http://127.0.0.1:" + port() + pathAndQuery;
    }

    TestServer redirect(String path, int code, String location) {
      routes.put(path, ex -> {
        ex.getResponseHeaders().add("Location", location);
        respond(ex, code);
      });
      return this;
    }

    TestServer status(String path, int code) {
      routes.put(path, ex -> respond(ex, code));
      return this;
    }

    int hits(String path) {
      AtomicInteger n = hits.get(path);
      return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange ex) throws IOException {
      int now = concurrent.incrementAndGet();
      maxConcurrent.accumulateAndGet(now, Math::max);
      requests.incrementAndGet();
      String path = ex.getRequestURI().getPath();
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      log.add(ex.getRequestMethod() + " " + ex.getRequestURI());
      try {
        routes.getOrDefault(path, fallback).handle(ex);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // client went away
      } finally {
        concurrent.decrementAndGet();
        ex.close();
      }
    }

    static void respond(HttpExchange ex, int code) throws IOException {
      ex.sendResponseHeaders(code, -1);
    }

    @Override
    public void close() {
      server.stop(0);
      pool.shutdownNow();
    }
  }

  private TestServer web;
  private final List<Unshortener> toClose = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    web = new TestServer();
  }

  @AfterEach
  void tearDown() {
    toClose.forEach(Unshortener::close);
    web.close();
  }

  private static UnshortenSettings loopbackSettings() {
    return UnshortenSettings.defaults()
        .withShortenerHosts(Set.of("127.0.0.1", "localhost"))
        .withAllowLoopback(true)
        .withConnectTimeout(Duration.ofSeconds(1))
        .withTotalTimeout(Duration.ofSeconds(3));
  }

  private Unshortener unshortener(UnshortenSettings s) {
    Unshortener u = Unshortener.create(s);
    toClose.add(u);
    return u;
  }

  private static Resolution await(CompletableFuture<Resolution> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ redirects

  @Test
  void followsChainOfThreeRedirects() throws Exception {
    web.redirect("/r1", 302, web.url("/r2"))
        .redirect("/r2", 301, "/r3")
        .redirect("/r3", 307, "final")
        .status("/final", 200);
    // exactly maxHops redirects is still fine
    Resolution r = await(unshortener(loopbackSettings().withMaxHops(3)).resolve(web.url("/r1")));
    assertThat(r.status()).isEqualTo(Status.RESOLVED);
    assertThat(r.hops()).isEqualTo(3);
    assertThat(r.finalUrl()).isEqualTo(web.url("/final"));
    assertThat(r.originalUrl()).isEqualTo(web.url("/r1"));
    assertThat(web.log).containsExactly("HEAD /r1", "HEAD /r2", "HEAD /r3", "HEAD /final");
  }

  @Test
  void resolvesRelativeLocations() throws Exception {
    web.redirect("/dir/a", 301, "../b?x=1")
        .redirect("/b", 308, "//127.0.0.1:" + web.port() + "/c#frag")
        .status("/c", 200);
    Resolution r = await(unshortener(loopbackSettings()).resolve(web.url("/dir/a")));
    assertThat(r.status()).isEqualTo(Status.RESOLVED);
    assertThat(r.hops()).isEqualTo(2);
    assertThat(r.finalUrl()).isEqualTo(web.url("/c"));
    assertThat(web.log).containsExactly("HEAD /dir/a", "HEAD /b?x=1", "HEAD /c");
  }

  @Test
  void detectsLoop() throws Exception {
    web.redirect("/a", 302, "/b").redirect("/b", 302, "/a");
    Resolution r = await(unshortener(loopbackSettings()).resolve(web.url("/a")));
    assertThat(r.status()).isEqualTo(Status.LOOP);
    assertThat(r.note()).isEqualTo("redirect loop at hop 2");
    assertThat(r.finalUrl()).isEqualTo(web.url("/b"));
    assertThat(web.requests.get()).isEqualTo(2);
  }

  @Test
  void stopsAfterMaxHops() throws Exception {
    web.fallback = ex -> {
      int n = Integer.parseInt(ex.getRequestURI().getPath().substring(3));
      ex.getResponseHeaders().add("Location", "/h/" + (n + 1));
      TestServer.respond(ex, 302);
    };
    Resolution r = await(unshortener(loopbackSettings().withMaxHops(3)).resolve(web.url("/h/0")));
    assertThat(r.status()).isEqualTo(Status.TOO_MANY_HOPS);
    assertThat(r.hops()).isEqualTo(3);
    assertThat(r.finalUrl()).isEqualTo(web.url("/h/3"));
    assertThat(web.requests.get()).isEqualTo(4);
  }

  @Test
  void fallsBackToGetWhenHeadRefused() throws Exception {
    web.routes.put("/g", ex -> {
      if (ex.getRequestMethod().equals("HEAD")) {
        TestServer.respond(ex, 405);
      } else {
        ex.getResponseHeaders().add("Location", "/done");
        TestServer.respond(ex, 302);
      }
    });
    web.status("/done", 200);
    Resolution r = await(unshortener(loopbackSettings()).resolve(web.url("/g")));
    assertThat(r.status()).isEqualTo(Status.RESOLVED);
    assertThat(r.hops()).isEqualTo(1);
    assertThat(r.finalUrl()).isEqualTo(web.url("/done"));
    // the host is remembered as HEAD-refusing, so the next hop goes straight to GET
    assertThat(web.log).containsExactly("HEAD /g", "GET /g", "GET /done");
  }

  @Test
  void stopsBeforeNonShortenerTargetWithoutContactingIt() throws Exception {
    web.redirect("/s", 301, "https://music.example/album?id=1");
    Resolution r = await(unshortener(loopbackSettings()).resolve(web.url("/s")));
    assertThat(r.status()).isEqualTo(Status.RESOLVED);
    assertThat(r.finalUrl()).isEqualTo("https://music.example/album?id=1");
    assertThat(r.hops()).isEqualTo(1);
  }

  @Test
  void publicIpLiteralTargetIsReportedNotContacted() throws Exception {
    web.redirect("/ip", 302, "http://203.0.114.7:8080/track.mp3");
    Resolution r = await(unshortener(loopbackSettings()).resolve(web.url("/ip")));
    assertThat(r.status()).isEqualTo(Status.RESOLVED);
    assertThat(r.finalUrl()).isEqualTo("http://203.0.114.7:8080/track.mp3");
  }

  @Test
  void connectionRefusedFails() throws Exception {
    int deadPort;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      deadPort = ss.getLocalPort();
    }
    Resolution r = await(unshortener(loopbackSettings()).resolve("http://127.0.0.1:" + deadPort + "/x"));
    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.note()).isEqualTo("connection refused");
    assertThat(r.finalUrl()).isEqualTo("http://127.0.0.1:" + deadPort + "/x");
  }

  @Test
  void httpErrorAtFirstHopFailsButLaterHopIsTheTarget() throws Exception {
    web.status("/gone", 404).redirect("/ok", 302, "/gone");
    Unshortener u = unshortener(loopbackSettings());
    Resolution first = await(u.resolve(web.url("/gone")));
    assertThat(first.status()).isEqualTo(Status.FAILED);
    assertThat(first.note()).isEqualTo("HTTP 404");
    assertThat(first.finalUrl()).isEqualTo(web.url("/gone"));
    Resolution later = await(u.resolve(web.url("/ok")));
    assertThat(later.status()).isEqualTo(Status.RESOLVED);
    assertThat(later.finalUrl()).isEqualTo(web.url("/gone"));
    assertThat(later.note()).isEqualTo("HTTP 404");
  }

  // ------------------------------------------------------------------ time limits

  @Test
  void serverThatNeverAnswersTimesOut() throws Exception {
    web.routes.put("/hang", ex -> Thread.sleep(60_000));
    UnshortenSettings s = loopbackSettings().withTotalTimeout(Duration.ofSeconds(1));
    long t0 = System.nanoTime();
    Resolution r = await(unshortener(s).resolve(web.url("/hang")));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.status()).isEqualTo(Status.TIMEOUT);
    assertThat(r.note()).isEqualTo("timed out after 1000 ms");
    assertThat(r.finalUrl()).isEqualTo(web.url("/hang"));
    assertThat(ms).isGreaterThanOrEqualTo(900).isLessThan(10_000);
  }

  @Test
  void headerDripTimesOut() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Thread dripper = new Thread(() -> {
        try (Socket s = ss.accept()) {
          OutputStream out = s.getOutputStream();
          byte[] msg = "HTTP/1.1 301 Moved Permanently\r\nLocation: /next\r\nX-Pad: "
              .concat("a".repeat(1000)).getBytes(StandardCharsets.US_ASCII);
          for (byte b : msg) {
            out.write(b);
            out.flush();
            Thread.sleep(100);
          }
        } catch (Exception e) {
          // client hung up, as intended
        }
      });
      dripper.setDaemon(true);
      dripper.start();
      UnshortenSettings s = loopbackSettings().withTotalTimeout(Duration.ofSeconds(1));
      long t0 = System.nanoTime();
      Resolution r = await(unshortener(s).resolve("http://127.0.0.1:" + ss.getLocalPort() + "/x"));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.status()).isEqualTo(Status.TIMEOUT);
      assertThat(ms).isLessThan(10_000);
    }
  }

  @Test
  void slowBodyIsNotWaitedFor() throws Exception {
    CountDownLatch bodyStarted = new CountDownLatch(1);
    web.routes.put("/drip", ex -> {
      if (ex.getRequestMethod().equals("HEAD")) {
        TestServer.respond(ex, 405);
        return;
      }
      ex.sendResponseHeaders(200, 0);
      bodyStarted.countDown();
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 600; i++) {
          out.write('x');
          out.flush();
          Thread.sleep(100);
        }
      }
    });
    long t0 = System.nanoTime();
    Resolution r = await(unshortener(loopbackSettings()).resolve(web.url("/drip")));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.status()).isEqualTo(Status.RESOLVED);
    assertThat(r.finalUrl()).isEqualTo(web.url("/drip"));
    assertThat(ms).isLessThan(10_000);
  }

  // ------------------------------------------------------------------ SSRF guard

  @Test
  void loopbackRefusedByDefaultAndServerSeesNothing() throws Exception {
    web.status("/s", 200);
    UnshortenSettings s = loopbackSettings().withAllowLoopback(false);
    Resolution r = await(unshortener(s).resolve(web.url("/s")));
    assertThat(r.status()).isEqualTo(Status.BLOCKED);
    assertThat(r.note()).isEqualTo("request to 127.0.0.1 refused: loopback address");
    assertThat(r.finalUrl()).isEqualTo(web.url("/s"));
    assertThat(r.hops()).isZero();
    assertThat(web.requests.get()).isZero();
  }

  @Test
  void localhostNameRefusedAfterDnsLookup() throws Exception {
    UnshortenSettings s = loopbackSettings().withAllowLoopback(false);
    Resolution r = await(unshortener(s).resolve("http://localhost:" + web.port() + "/s"));
    assertThat(r.status()).isEqualTo(Status.BLOCKED);
    assertThat(r.note()).contains("loopback");
    assertThat(web.requests.get()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "http://127.0.0.1:{internal}/secret",
    "http://localhost:{internal}/secret",
    "http://[::1]:{internal}/secret",
    "http://169.254.169.254/latest/meta-data/",
    "http://2130706433:{internal}/",
    "http://0x7f000001:{internal}/",
    "http://[::ffff:127.0.0.1]:{internal}/",
    "http://public.example@127.0.0.1:{internal}/",
    "http://127.0.0.1:{internal}@127.0.0.1:{internal}/",
    "file:///etc/passwd",
    "http://10.0.0.1/not-a-shortener",
  })
  void redirectToInternalTargetIsBlocked(String target) throws Exception {
    try (TestServer internal = new TestServer()) {
      internal.status("/secret", 200);
      internal.fallback = ex -> TestServer.respond(ex, 200);
      String location = target.replace("{internal}", String.valueOf(internal.port()));
      web.redirect("/evil", 302, location);
      UnshortenSettings s = loopbackSettings()
          .withAllowLoopback(false)
          .withShortenerHosts(Set.of(
              "127.0.0.1", "localhost", "::1", "169.254.169.254", "2130706433", "0x7f000001",
              "::ffff:127.0.0.1"));
      // Only the scripted "shortener" is exempt from the guard; the internal server is not.
      int publicPort = web.port();
      Unshortener u = Unshortener.create(s, uri -> uri.getPort() == publicPort);
      toClose.add(u);

      Resolution r = await(u.resolve(web.url("/evil")));

      assertThat(r.status()).as(r.toString()).isEqualTo(Status.BLOCKED);
      assertThat(r.note()).startsWith("redirect to ").contains(" refused: ");
      assertThat(r.finalUrl()).isEqualTo(web.url("/evil"));
      assertThat(r.hops()).isEqualTo(1);
      assertThat(web.hits("/evil")).isEqualTo(1);
      assertThat(internal.requests.get()).isZero();
    }
  }

  @Test
  void everyResolvedAddressOfEveryHopIsChecked() throws Exception {
    try (TestServer internal = new TestServer()) {
      internal.fallback = ex -> TestServer.respond(ex, 200);
      // A shortener name with a public address first and the internal one second, at hop 0 and hop 1.
      AddressGuard.Resolver dns = host -> host.equals("multi.test")
          ? new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")}
          : InetAddress.getAllByName(host);
      web.redirect("/via-multi", 302, "http://multi.test:" + internal.port() + "/secret");
      int publicPort = web.port();
      Unshortener u = Unshortener.create(
          loopbackSettings().withAllowLoopback(false).withShortenerHosts(Set.of("127.0.0.1", "multi.test")),
          uri -> uri.getPort() == publicPort, dns);
      toClose.add(u);

      Resolution first = await(u.resolve("http://multi.test:" + internal.port() + "/direct"));
      assertThat(first.status()).isEqualTo(Status.BLOCKED);
      assertThat(first.note()).isEqualTo("request to multi.test refused: loopback address");
      Resolution second = await(u.resolve(web.url("/via-multi")));
      assertThat(second.status()).isEqualTo(Status.BLOCKED);
      assertThat(second.hops()).isEqualTo(1);
      assertThat(second.note()).isEqualTo("redirect to multi.test refused: loopback address");
      assertThat(internal.requests.get()).isZero();
    }
  }

  @Test
  void aTrustedOriginIsTheOnlyExemption() throws Exception {
    try (TestServer internal = new TestServer()) {
      internal.fallback = ex -> TestServer.respond(ex, 200);
      web.redirect("/in", 302, internal.url("/secret"))
          .redirect("/user", 302, "http://user@127.0.0.1:" + web.port() + "/ok")
          .redirect("/self", 302, web.url("/ok"))
          .status("/ok", 200);
      // No test seam: the production guard with exactly the shortener's origin trusted.
      Unshortener u = unshortener(
          loopbackSettings().withAllowLoopback(false)
              .withTrustedOrigins(Set.of("http://127.0.0.1:" + web.port())));
      assertThat(await(u.resolve(web.url("/self"))).status()).isEqualTo(Status.RESOLVED);
      Resolution in = await(u.resolve(web.url("/in")));
      assertThat(in.status()).isEqualTo(Status.BLOCKED);
      assertThat(in.note()).isEqualTo("redirect to 127.0.0.1 refused: loopback address");
      Resolution user = await(u.resolve(web.url("/user")));
      assertThat(user.status()).as("userinfo is never trusted").isEqualTo(Status.BLOCKED);
      assertThat(internal.requests.get()).isZero();
      assertThat(web.hits("/ok")).isEqualTo(1);
    }
  }

  @Test
  void anEndlessRedirectBodyIsCutOff() throws Exception {
    java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    CountDownLatch handlerDone = new CountDownLatch(1);
    long endless = 256L * 1024 * 1024;
    web.routes.put("/big", ex -> {
      try {
        if (ex.getRequestMethod().equals("HEAD")) {
          TestServer.respond(ex, 405);
          return;
        }
        ex.getResponseHeaders().add("Location", "/done");
        ex.sendResponseHeaders(302, 0);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = ex.getResponseBody()) {
          while (written.get() < endless) {
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
        }
      } finally {
        handlerDone.countDown();
      }
    });
    // The next hop takes its time, so an uncapped drain would keep reading the first body meanwhile.
    java.util.concurrent.atomic.AtomicLong writtenWhileWaiting = new java.util.concurrent.atomic.AtomicLong();
    web.routes.put("/done", ex -> {
      Thread.sleep(2_000);
      writtenWhileWaiting.set(written.get());
      TestServer.respond(ex, 200);
    });
    Resolution r = await(unshortener(loopbackSettings()).resolve(web.url("/big")));
    assertThat(r.status()).isEqualTo(Status.RESOLVED);
    assertThat(r.finalUrl()).isEqualTo(web.url("/done"));
    // Only socket buffers' worth was written past the 16 KiB the client reads; then the client hung up.
    assertThat(writtenWhileWaiting.get()).isLessThan(32L * 1024 * 1024);
    assertThat(handlerDone.await(30, TimeUnit.SECONDS)).as("server still writing").isTrue();
    assertThat(written.get()).isLessThan(endless / 4);
  }

  @Test
  void blockedNoteNamesHostAndReason() throws Exception {
    web.redirect("/m", 302, "http://169.254.169.254/latest/meta-data/");
    int publicPort = web.port();
    Unshortener u = Unshortener.create(
        loopbackSettings().withAllowLoopback(false)
            .withShortenerHosts(Set.of("127.0.0.1", "169.254.169.254")),
        uri -> uri.getPort() == publicPort);
    toClose.add(u);
    Resolution r = await(u.resolve(web.url("/m")));
    assertThat(r.note()).isEqualTo("redirect to 169.254.169.254 refused: link-local address");
  }

  // ------------------------------------------------------------------ cache & concurrency

  @Test
  void cacheFetchesSameShortLinkOnce() throws Exception {
    web.routes.put("/c", ex -> {
      Thread.sleep(100);
      ex.getResponseHeaders().add("Location", "http://music.example/x");
      TestServer.respond(ex, 301);
    });
    Unshortener u = unshortener(loopbackSettings());
    Resolution a = await(u.resolve(web.url("/c")));
    Resolution b = await(u.resolve(web.url("/c")));
    assertThat(a).isEqualTo(b);
    assertThat(a.finalUrl()).isEqualTo("http://music.example/x");
    assertThat(web.hits("/c")).isEqualTo(1);
  }

  @Test
  void cachedResolutionExpiresAfterTtl() throws Exception {
    web.redirect("/t", 301, "http://music.example/t");
    Unshortener u = unshortener(loopbackSettings().withCacheTtl(Duration.ofMillis(200)));
    await(u.resolve(web.url("/t")));
    Thread.sleep(600);
    await(u.resolve(web.url("/t")));
    assertThat(web.hits("/t")).isEqualTo(2);
  }

  @Test
  void concurrentCallersShareOneLookup() throws Exception {
    web.routes.put("/cc", ex -> {
      Thread.sleep(300);
      ex.getResponseHeaders().add("Location", "http://music.example/y");
      TestServer.respond(ex, 302);
    });
    Unshortener u = unshortener(loopbackSettings());
    ExecutorService callers = Executors.newFixedThreadPool(20);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<CompletableFuture<Resolution>>> calls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return u.resolve(web.url("/cc"));
        }, callers));
      }
      go.countDown();
      for (CompletableFuture<CompletableFuture<Resolution>> c : calls) {
        Resolution r = await(c.get(20, TimeUnit.SECONDS));
        assertThat(r.status()).isEqualTo(Status.RESOLVED);
        assertThat(r.finalUrl()).isEqualTo("http://music.example/y");
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(web.hits("/cc")).isEqualTo(1);
  }

  @Test
  void cancellingOneCallerDoesNotAffectOthers() throws Exception {
    web.routes.put("/k", ex -> {
      Thread.sleep(200);
      TestServer.respond(ex, 200);
    });
    Unshortener u = unshortener(loopbackSettings());
    CompletableFuture<Resolution> first = u.resolve(web.url("/k"));
    CompletableFuture<Resolution> second = u.resolve(web.url("/k"));
    first.cancel(true);
    assertThat(await(second).status()).isEqualTo(Status.RESOLVED);
  }

  @Test
  void respectsMaxInFlight() throws Exception {
    web.fallback = ex -> {
      Thread.sleep(150);
      TestServer.respond(ex, 200);
    };
    Unshortener u = unshortener(loopbackSettings().withMaxInFlight(2).withTotalTimeout(Duration.ofSeconds(5)));
    List<CompletableFuture<Resolution>> all = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      all.add(u.resolve(web.url("/p/" + i)));
    }
    long submitMs = (System.nanoTime() - t0) / 1_000_000;
    for (CompletableFuture<Resolution> f : all) {
      assertThat(await(f).status()).isEqualTo(Status.RESOLVED);
    }
    assertThat(submitMs).as("resolve() must not block the caller").isLessThan(1_000);
    assertThat(web.requests.get()).isEqualTo(10);
    assertThat(web.maxConcurrent.get()).isBetween(1, 2);
  }

  // ------------------------------------------------------------------ cheap paths

  @Test
  void nonShortenerIsNotRequested() throws Exception {
    web.status("/x", 200);
    Unshortener u = unshortener(loopbackSettings().withShortenerHosts(Set.of("bit.ly")));
    CompletableFuture<Resolution> f = u.resolve(web.url("/x"));
    assertThat(f).isDone();
    assertThat(f.get().status()).isEqualTo(Status.NOT_SHORTENED);
    assertThat(f.get().finalUrl()).isEqualTo(web.url("/x"));
    assertThat(u.resolve("https://music.example/a").get().status()).isEqualTo(Status.NOT_SHORTENED);
    assertThat(u.resolve(null).get().status()).isEqualTo(Status.NOT_SHORTENED);
    assertThat(u.resolve("::not a url::").get().status()).isEqualTo(Status.NOT_SHORTENED);
    assertThat(web.requests.get()).isZero();
  }

  @Test
  void disabledDoesNothing() throws Exception {
    Unshortener u = unshortener(loopbackSettings().withEnabled(false));
    Resolution r = u.resolve(web.url("/x")).get();
    assertThat(r.status()).isEqualTo(Status.DISABLED);
    assertThat(r.finalUrl()).isEqualTo(web.url("/x"));
    assertThat(u.resolve("https://music.example/a").get().status()).isEqualTo(Status.NOT_SHORTENED);
    assertThat(web.requests.get()).isZero();
  }

  @Test
  void isShortenedMatchesHostAndParentDomainsCaseInsensitively() {
    Unshortener u = unshortener(UnshortenSettings.defaults());
    assertThat(u.isShortened("https://bit.ly/abc")).isTrue();
    assertThat(u.isShortened("HTTPS://BIT.LY/abc")).isTrue();
    assertThat(u.isShortened("http://www.Bit.Ly/abc")).isTrue();
    assertThat(u.isShortened("https://t.co./x")).isTrue();
    assertThat(u.isShortened("http://user@t.co/x")).isTrue();
    assertThat(u.isShortened("http://bit.ly:80/x")).isTrue();
    assertThat(u.isShortened("http://notbit.ly/x")).isFalse();
    assertThat(u.isShortened("http://bit.ly.evil.example/x")).isFalse();
    assertThat(u.isShortened("http://evil.example/bit.ly")).isFalse();
    assertThat(u.isShortened("http://bit.ly@evil.example/x")).isFalse();
    assertThat(u.isShortened("bit.ly/abc")).isFalse(); // no scheme: not a URL we were given
    assertThat(u.isShortened(null)).isFalse();
    assertThat(u.isShortened("")).isFalse();
  }

  /**
   * The fast answer (the host as written) and the full parse agree on every link of the real tweets,
   * Bluesky and Mastodon samples, and on variants of each that a plain-host reading could get wrong:
   * case, ports, user info, trailing dots, IP literals, escapes, spaces, other schemes. The shortener
   * set holds the defaults plus the host of every fifth link, so both answers are exercised.
   */
  @Test
  void theFastAnswerAgreesWithTheFullParseOnRealLinksAndTheirVariants() throws Exception {
    List<String> links = new ArrayList<>();
    java.util.regex.Pattern url = java.util.regex.Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://[^\"\\s<>]+");
    for (String file : List.of("/tweets/tweets_v1.jsonl", "/tweets/tweets_v2.jsonl",
        "/tweets/twitter4j_streamingapi-testcase.raw.jsonl", "/sources/bluesky_jetstream_posts_reposts_deletes.jsonl",
        "/sources/mastodon_statuses.jsonl")) {
      String text = new String(getClass().getResourceAsStream(file).readAllBytes(), StandardCharsets.UTF_8)
          .replace("\\/", "/");
      java.util.regex.Matcher m = url.matcher(text);
      while (m.find()) {
        links.add(m.group());
      }
    }
    assertThat(links).hasSizeGreaterThan(1_000);
    Set<String> hosts = new java.util.HashSet<>(UnshortenSettings.defaults().shortenerHosts());
    for (int i = 0; i < links.size(); i += 5) {
      java.net.URI u = Unshortener.parse(links.get(i));
      String h = u == null ? null : AddressGuard.hostOf(u);
      if (h != null && !h.isEmpty()) {
        hosts.add(h);
      }
    }
    int checked = 0;
    int shortened = 0;
    for (String link : links) {
      int slashes = link.indexOf("://") + 3;
      int end = link.indexOf('/', slashes);
      String host = end < 0 ? link.substring(slashes) : link.substring(slashes, end);
      String rest = end < 0 ? "" : link.substring(end);
      String scheme = link.substring(0, slashes);
      for (String v : List.of(link, link.toUpperCase(java.util.Locale.ROOT), " " + link + " ",
          scheme + host + ":8080" + rest, scheme + host + ":" + rest, scheme + host + ":x" + rest,
          scheme + "user@" + host + rest, scheme + host + "@evil.example" + rest, scheme + host + "." + rest,
          scheme + "." + host + rest, scheme + "[::1]" + rest, scheme + host + "%2e" + rest, scheme + "a_b." + host + rest,
          scheme + host + "/a b|c", "ftp://" + host + rest, host + rest, scheme + rest)) {
        assertThat(Unshortener.isShortened(hosts, v)).as(v).isEqualTo(Unshortener.isShortenedParsed(hosts, v));
        checked++;
        shortened += Unshortener.isShortenedParsed(hosts, v) ? 1 : 0;
      }
    }
    assertThat(shortened).as("links on the shortener set among " + checked).isGreaterThan(checked / 20);
  }

  @Test
  void closedUnshortenerAnswersFailed() throws Exception {
    Unshortener u = Unshortener.create(loopbackSettings());
    u.close();
    assertThat(u.resolve(web.url("/x")).get().status()).isEqualTo(Status.FAILED);
  }
}
