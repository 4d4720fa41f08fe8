package dev.linkwatch.core.unshorten;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.linkwatch.core.unshorten.Resolution.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves shortened links (bit.ly, t.co, ...) to where they point, so piracy matching sees the
 * real target instead of an opaque short code.
 *
 * <p>Design decisions:
 *
 * <ul>
 *   <li><b>Redirects are followed by hand</b> ({@link HttpClient.Redirect#NEVER}) so every hop
 *       passes the {@link AddressGuard} first and hops, loops and the deadline are ours to count.
 *       The guard judges every address a shortener's name resolves to, at every hop; only the exact
 *       origins in {@link UnshortenSettings#trustedOrigins()} skip it (none by default).
 *   <li><b>Only shortener hops are requested.</b> When a redirect points to a host that is not a
 *       known shortener we stop and report that URL as RESOLVED without contacting it: the target
 *       is all we need, and not touching the (possibly pirate) site saves requests, avoids
 *       tipping it off, and keeps us out of its logs. Its URL is still checked for what is
 *       visible without DNS (scheme, IP literals). A shortener that chains through a
 *       non-shortener interstitial therefore resolves only to the interstitial.
 *   <li><b>HEAD first, GET only on 405/501.</b> HEAD is cheap and enough for a Location header.
 *       A connection-level failure on HEAD is <em>not</em> retried with GET: it is almost always
 *       a dead or hostile host, and retrying would double load and latency. Hosts that refuse
 *       HEAD are remembered and get GET directly next time. Bodies are drained up to 16 KiB only
 *       (so small redirect bodies keep the connection reusable), then the stream is cancelled.
 *   <li><b>Deadline.</b> The {@code totalTimeout} clock starts when the resolution's first
 *       request is dispatched (time queued behind {@code maxInFlight} does not count, otherwise a
 *       burst would turn into a wave of TIMEOUTs that never sent a byte). From then on each
 *       request gets the remaining budget as its timeout and a timer completes the resolution
 *       with TIMEOUT and cancels the exchange, so slow-drip servers cannot hold it longer.
 *       Queueing is unbounded: callers provide back-pressure by waiting on their futures.
 *   <li><b>Cache.</b> Resolutions are cached by URL string in a Caffeine {@link AsyncCache}, so
 *       concurrent callers share one in-flight lookup. Definitive answers live for {@code
 *       cacheTtl}; transient ones (timeouts, I/O errors, 5xx, 408/429) only for {@link
 *       #TRANSIENT_TTL} so a flapping shortener is retried soon but not hammered.
 *   <li><b>DNS</b> lookups for the guard block, so they run on an internal pool under the same
 *       permit as the request. HttpClient re-resolves when connecting: see {@link AddressGuard}
 *       for the resulting DNS-rebinding window. The JVM default proxy selector is honoured; with
 *       a proxy the guard still checks our own resolution but the proxy connects.
 *   <li>Only hosts are logged, and only at DEBUG: full URLs may carry tokens.
 * </ul>
 *
 * <p>Not serializable: build one per worker (Beam {@code @Setup}) and {@link #close()} it in
 * {@code @Teardown}.
 */
public final class Unshortener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Unshortener.class);

  static final int BODY_CAP = 16 * 1024;
  static final Duration TRANSIENT_TTL = Duration.ofSeconds(30);
  private static final String USER_AGENT = "linkwatch-unshortener/0.1";
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final UnshortenSettings settings;
  private final Predicate<URI> guardExempt;
  private final AddressGuard.Resolver resolver;
  private final ExecutorService executor;
  private final ScheduledExecutorService timer;
  private final HttpClient client;
  private final RequestLimiter limiter;
  private final AsyncCache<String, Outcome> cache; // null when cacheSize == 0
  private final Cache<String, Boolean> headRefusingHosts;
  private final Set<Attempt> active = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Cached value: the answer plus whether it may change soon. */
  private record Outcome(Resolution resolution, boolean transientFailure) {}

  private Unshortener(
      UnshortenSettings settings, Predicate<URI> guardExempt, AddressGuard.Resolver resolver) {
    this.settings = settings;
    this.guardExempt = uri -> settings.isTrusted(uri) || guardExempt.test(uri);
    this.resolver = resolver;
    this.executor = Executors.newCachedThreadPool(daemon("unshorten-io"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("unshorten-deadline"));
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.connectTimeout())
            .version(HttpClient.Version.HTTP_1_1)
            .executor(executor)
            .build();
    this.limiter = new RequestLimiter(settings.maxInFlight());
    this.headRefusingHosts = Caffeine.newBuilder().maximumSize(10_000).build();
    this.cache = settings.cacheSize() == 0 ? null : buildCache(settings);
  }

  /** Builds an unshortener; it owns threads, so close it. */
  public static Unshortener create(UnshortenSettings settings) {
    return new Unshortener(settings, uri -> false, InetAddress::getAllByName);
  }

  /**
   * Test seam: URIs matching {@code guardExempt} skip the address guard, so a test can reach its
   * loopback "shortener" while proving that redirects to other loopback servers are refused.
   */
  static Unshortener create(UnshortenSettings settings, Predicate<URI> guardExempt) {
    return new Unshortener(settings, guardExempt, InetAddress::getAllByName);
  }

  /** Test seam: as above, with the guard's name resolution replaced (names with several addresses). */
  static Unshortener create(
      UnshortenSettings settings, Predicate<URI> guardExempt, AddressGuard.Resolver resolver) {
    return new Unshortener(settings, guardExempt, resolver);
  }

  private static AsyncCache<String, Outcome> buildCache(UnshortenSettings s) {
    long ttl = s.cacheTtl().toNanos();
    long transientTtl = Math.min(ttl, TRANSIENT_TTL.toNanos());
    return Caffeine.newBuilder()
        .maximumSize(s.cacheSize())
        .expireAfter(
            new Expiry<String, Outcome>() {
              @Override
              public long expireAfterCreate(String key, Outcome value, long currentTime) {
                return value.transientFailure() ? transientTtl : ttl;
              }

              @Override
              public long expireAfterUpdate(
                  String key, Outcome value, long currentTime, long currentDuration) {
                return expireAfterCreate(key, value, currentTime);
              }

              @Override
              public long expireAfterRead(
                  String key, Outcome value, long currentTime, long currentDuration) {
                return currentDuration;
              }
            })
        .buildAsync();
  }

  /** True when the URL's host, or one of its parent domains, is a configured shortener. */
  public boolean isShortened(String url) {
    return isShortened(settings.shortenerHosts(), url);
  }

  /**
   * True when the URL's host, or one of its parent domains, is one of {@code hosts}. Runs on every
   * link of every post: a plain http(s) URL that is on no shortener (nearly all) is answered from its
   * host as written, without {@link java.net.URI}; anything else takes the full parse, so the answer
   * is the same either way ({@code UnshortenerTest} compares both on real links).
   */
  public static boolean isShortened(Set<String> hosts, String url) {
    String plain = plainHost(url);
    if (plain != null && !onHosts(hosts, plain)) {
      return false;
    }
    return isShortenedParsed(hosts, url);
  }

  /**
   * {@link #isShortened} through {@link java.net.URI} and {@link AddressGuard#hostOf} for every link:
   * what it did before the fast answer, kept as the tests' reference and the bench's baseline.
   */
  public static boolean isShortenedParsed(Set<String> hosts, String url) {
    URI uri = parse(url);
    if (uri == null) {
      return false;
    }
    String host = AddressGuard.hostOf(uri);
    return host != null && !host.isEmpty() && onHosts(hosts, host);
  }

  /**
   * The host of an http or https URL whose authority is plain (ASCII letters, digits, dots and hyphens,
   * then an optional numeric port), lowercased and without leading or trailing dots as {@link
   * AddressGuard#hostOf} gives it; null for any other URL (user info, IP literals, escapes, other
   * schemes), which only the full parse may answer.
   */
  static String plainHost(String url) {
    if (url == null) {
      return null;
    }
    String s = url.trim();
    int start;
    if (s.regionMatches(true, 0, "https://", 0, 8)) {
      start = 8;
    } else if (s.regionMatches(true, 0, "http://", 0, 7)) {
      start = 7;
    } else {
      return null;
    }
    int colon = -1;
    int end = start;
    for (; end < s.length(); end++) {
      char c = s.charAt(end);
      if (c == '/' || c == '?' || c == '#') {
        break;
      }
      if (colon >= 0) {
        if (c < '0' || c > '9') {
          return null;
        }
      } else if (c == ':') {
        colon = end;
      } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
        return null;
      }
    }
    int from = start;
    int to = colon >= 0 ? colon : end;
    while (from < to && s.charAt(from) == '.') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == '.') {
      to--;
    }
    return from == to ? null : s.substring(from, to).toLowerCase(Locale.ROOT);
  }

  private static boolean onHosts(Set<String> hosts, String host) {
    if (hosts.contains(host)) {
      return true;
    }
    if (host.indexOf(':') >= 0) {
      return false; // IPv6 literal: no parent domains
    }
    for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
      if (hosts.contains(host.substring(dot + 1))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Resolves {@code url}. The future never completes exceptionally: every failure is a {@link
   * Resolution} status. Links that are not shortened (including null or unparseable ones, and
   * scheme-less "bit.ly/x") answer NOT_SHORTENED at once, also when disabled; shortened links
   * answer DISABLED at once when disabled. Each caller gets its own future, so cancelling it does not affect others
   * sharing the same lookup.
   */
  public CompletableFuture<Resolution> resolve(String url) {
    try {
      if (!isShortened(url)) {
        return done(url, Status.NOT_SHORTENED, "");
      }
      if (!settings.enabled()) {
        // After the shortener check, so DISABLED counts exactly the links left unresolved.
        return done(url, Status.DISABLED, "unshortening disabled");
      }
      if (closed) {
        return done(url, Status.FAILED, "unshortener closed");
      }
      String key = url.trim();
      if (cache == null) {
        return start(key, url).thenApply(Outcome::resolution);
      }
      return cache.get(key, (k, ex) -> start(k, url)).thenApply(Outcome::resolution);
    } catch (RuntimeException e) { // defensive: keep the "never exceptional" promise
      return done(url, Status.FAILED, "internal error: " + e.getClass().getSimpleName());
    }
  }

  private static CompletableFuture<Resolution> done(String url, Status status, String note) {
    return CompletableFuture.completedFuture(new Resolution(url, url, 0, status, note));
  }

  private CompletableFuture<Outcome> start(String key, String original) {
    URI uri = parse(key);
    Attempt attempt = new Attempt(original, uri);
    attempt.begin();
    return attempt.result;
  }

  /** Stops all threads; unfinished and later resolutions complete as FAILED. */
  @Override
  public void close() {
    closed = true;
    limiter.clear();
    for (Attempt a : List.copyOf(active)) {
      a.finish(Status.FAILED, a.lastReached, "unshortener closed", true);
    }
    timer.shutdownNow();
    executor.shutdownNow();
    if (cache != null) {
      cache.synchronous().invalidateAll();
    }
  }

  // ------------------------------------------------------------------ one resolution

  /**
   * State of one lookup. Hops run strictly one after another (each hop is started from the
   * previous hop's completion), so plain fields suffice; only the deadline timer and close()
   * run concurrently, and they only call the idempotent {@link #finish}.
   */
  private final class Attempt {
    final String original;
    final CompletableFuture<Outcome> result = new CompletableFuture<>();
    final Set<String> visited = new HashSet<>();
    final List<Drain> drains = new ArrayList<>();
    URI current;
    volatile String lastReached;
    volatile int hops;
    long deadlineNanos;
    boolean clockStarted;
    volatile ScheduledFuture<?> deadlineTask;
    volatile CompletableFuture<?> inFlight;

    Attempt(String original, URI uri) {
      this.original = original;
      this.current = uri;
      this.lastReached = original;
    }

    void begin() {
      if (current == null) {
        finish(Status.FAILED, original, "invalid URL", false);
        return;
      }
      current = withoutFragment(current);
      active.add(this);
      visited.add(current.toString());
      nextRequest(false);
    }

    void nextRequest(boolean get) {
      limiter.submit(permit -> dispatch(permit, get));
    }

    void dispatch(RequestLimiter.Permit permit, boolean get) {
      if (result.isDone()) {
        permit.release();
        return;
      }
      try {
        executor.execute(() -> send(permit, get));
      } catch (RejectedExecutionException e) {
        permit.release();
        finish(Status.FAILED, lastReached, "unshortener closed", true);
      }
    }

    /** Runs on the io pool: guard (may block on DNS), then hand the request to HttpClient. */
    void send(RequestLimiter.Permit permit, boolean get) {
      try {
        if (result.isDone()) {
          permit.release();
          return;
        }
        startClock();
        String host = AddressGuard.hostOf(current);
        if (!guardExempt.test(current)) {
          Optional<String> refusal;
          try {
            refusal = AddressGuard.refusal(
                current, settings.allowLoopback(), settings.allowPrivate(), true, resolver);
          } catch (UnknownHostException e) {
            permit.release();
            finish(Status.FAILED, lastReached, "unknown host " + host, true);
            return;
          }
          if (refusal.isPresent()) {
            permit.release();
            refuse(host, refusal.get());
            return;
          }
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
          permit.release();
          timeout();
          return;
        }
        HttpRequest request =
            HttpRequest.newBuilder(withoutUserInfo(current))
                .timeout(Duration.ofNanos(remaining))
                .header("User-Agent", USER_AGENT)
                .method(get ? "GET" : "HEAD", HttpRequest.BodyPublishers.noBody())
                .build();
        Drain drain = new Drain();
        synchronized (drains) {
          drains.add(drain);
        }
        LOG.debug("unshorten {} {} (hop {})", get ? "GET" : "HEAD", host, hops);
        CompletableFuture<HttpResponse<Void>> f = client.sendAsync(request, info -> drain);
        inFlight = f;
        f.whenComplete(
            (response, error) -> {
              permit.release();
              if (result.isDone()) {
                return;
              }
              try {
                if (error != null) {
                  onError(error);
                } else {
                  onResponse(response, get);
                }
              } catch (RuntimeException e) {
                finish(Status.FAILED, lastReached, "internal error: " + e.getClass().getSimpleName(), true);
              }
            });
      } catch (IllegalArgumentException e) { // HttpRequest rejects the URI
        permit.release();
        finish(Status.FAILED, lastReached, "invalid URL", false);
      } catch (RuntimeException e) {
        permit.release();
        finish(Status.FAILED, lastReached, "internal error: " + e.getClass().getSimpleName(), true);
      }
    }

    void onResponse(HttpResponse<Void> response, boolean get) {
      int code = response.statusCode();
      String host = AddressGuard.hostOf(current);
      if (!get && (code == 405 || code == 501)) {
        headRefusingHosts.put(host, Boolean.TRUE);
        nextRequest(true);
        return;
      }
      lastReached = current.toString();
      if (!REDIRECTS.contains(code)) {
        if (code >= 200 && code < 300) {
          finish(Status.RESOLVED, lastReached, "", false);
        } else if (hops == 0) {
          boolean retryable = code >= 500 || code == 408 || code == 429;
          finish(Status.FAILED, original, "HTTP " + code, retryable);
        } else {
          // A later hop answered: its URL is where the link points, even if that page is gone.
          finish(Status.RESOLVED, lastReached, "HTTP " + code, false);
        }
        return;
      }
      Optional<String> location = response.headers().firstValue("Location");
      if (location.isEmpty() || location.get().isBlank()) {
        finish(Status.FAILED, lastReached, "HTTP " + code + " without Location", false);
        return;
      }
      if (hops >= settings.maxHops()) {
        finish(Status.TOO_MANY_HOPS, lastReached,
            "more than " + settings.maxHops() + " redirects", false);
        return;
      }
      URI next = resolveLocation(current, location.get());
      if (next == null) {
        finish(Status.FAILED, lastReached, "invalid redirect Location", false);
        return;
      }
      hops++;
      if (!visited.add(next.toString())) {
        finish(Status.LOOP, lastReached, "redirect loop at hop " + hops, false);
        return;
      }
      if (!isShortened(next.toString())) {
        Optional<String> refusal;
        try {
          refusal = AddressGuard.refusal(next, settings.allowLoopback(), settings.allowPrivate(), false);
        } catch (UnknownHostException e) {
          refusal = Optional.empty(); // cannot happen without lookup
        }
        if (refusal.isPresent()) {
          refuse(AddressGuard.hostOf(next), refusal.get());
        } else {
          finish(Status.RESOLVED, next.toString(), "", false);
        }
        return;
      }
      current = next;
      nextRequest(headRefusingHosts.getIfPresent(AddressGuard.hostOf(next)) != null);
    }

    void refuse(String host, String reason) {
      String target = host == null || host.isEmpty() ? "URL without host" : host;
      if ("no scheme".equals(reason) || reason.startsWith("scheme ")) {
        target = "URL";
      }
      String what = hops == 0 ? "request to " : "redirect to ";
      finish(Status.BLOCKED, lastReached, what + target + " refused: " + reason, false);
    }

    void onError(Throwable error) {
      Throwable e = unwrap(error);
      if (e instanceof HttpConnectTimeoutException) {
        finish(Status.TIMEOUT, lastReached,
            "connect timed out after " + settings.connectTimeout().toMillis() + " ms", true);
      } else if (e instanceof HttpTimeoutException) {
        timeout();
      } else if (e instanceof ConnectException) {
        finish(Status.FAILED, lastReached, "connection refused", true);
      } else if (e instanceof SSLException) {
        finish(Status.FAILED, lastReached, "TLS error", true);
      } else if (e instanceof IOException) {
        finish(Status.FAILED, lastReached, "I/O error: " + e.getClass().getSimpleName(), true);
      } else {
        finish(Status.FAILED, lastReached, "error: " + e.getClass().getSimpleName(), true);
      }
    }

    void startClock() {
      if (clockStarted) {
        return;
      }
      clockStarted = true;
      long budget = settings.totalTimeout().toNanos();
      deadlineNanos = System.nanoTime() + budget;
      try {
        deadlineTask = timer.schedule(this::timeout, budget, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // closing: close() completes us
      }
    }

    void timeout() {
      finish(Status.TIMEOUT, lastReached,
          "timed out after " + settings.totalTimeout().toMillis() + " ms", true);
    }

    void finish(Status status, String finalUrl, String note, boolean transientFailure) {
      if (!result.complete(
          new Outcome(new Resolution(original, finalUrl, hops, status, note), transientFailure))) {
        return;
      }
      active.remove(this);
      ScheduledFuture<?> t = deadlineTask;
      if (t != null) {
        t.cancel(false);
      }
      CompletableFuture<?> f = inFlight;
      if (f != null) {
        f.cancel(true); // JDK 16+: aborts the exchange
      }
      synchronized (drains) {
        drains.forEach(Drain::cancel);
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Discards the body: lets the response complete on headers, reads at most {@link #BODY_CAP}
   * bytes in the background (keeps small redirect bodies from killing keep-alive), then cancels.
   * Whatever is still open when the resolution finishes is cancelled, bounding slow drips.
   */
  private static final class Drain implements BodySubscriber<Void> {
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;
    private long seen;

    @Override
    public CompletionStage<Void> getBody() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (cancelled) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        seen += b.remaining();
      }
      if (seen > BODY_CAP || cancelled) {
        subscription.cancel();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}

    void cancel() {
      cancelled = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Lenient parse: tweets and Location headers contain spaces and other unescaped junk. */
  static URI parse(String url) {
    if (url == null) {
      return null;
    }
    String s = url.trim();
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      try {
        return new URI(s.replace(" ", "%20").replace("|", "%7C").replace("\"", "%22"));
      } catch (URISyntaxException e2) {
        return null;
      }
    }
  }

  static URI resolveLocation(URI base, String location) {
    URI ref = parse(location);
    if (ref == null) {
      return null;
    }
    try {
      if (base.getRawPath() == null || base.getRawPath().isEmpty()) {
        base = base.resolve("/"); // URI.resolve("x") against "http://h" would yield "http://hx"
      }
      return withoutFragment(base.resolve(ref));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static URI withoutFragment(URI u) {
    if (u.getRawFragment() == null) {
      return u;
    }
    String s = u.toString();
    return URI.create(s.substring(0, s.indexOf('#')));
  }

  /** Userinfo is never needed to follow a redirect and must not be sent on. */
  private static URI withoutUserInfo(URI u) {
    if (u.getRawUserInfo() == null || u.getHost() == null) {
      return u;
    }
    StringBuilder sb = new StringBuilder(u.getScheme()).append("://").append(u.getHost());
    if (u.getPort() >= 0) {
      sb.append(':').append(u.getPort());
    }
    if (u.getRawPath() != null) {
      sb.append(u.getRawPath());
    }
    if (u.getRawQuery() != null) {
      sb.append('?').append(u.getRawQuery());
    }
    return URI.create(sb.toString());
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
