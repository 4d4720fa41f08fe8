package dev.linkwatch.transforms;

import static org.junit.Assert.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.core.DomainList;
import dev.linkwatch.core.Tweet;
import dev.linkwatch.core.TweetParser;
import dev.linkwatch.core.unshorten.UnshortenSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;

/**
 * ClassifyUrls with a real local HTTP server acting as a shortener: a short link that leads to a
 * whitelisted site makes the tweet whitelisted; one that fails keeps its URL and the tweet is judged.
 */
public class ClassifyUrlsShortenerTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private HttpServer server;
  private static final AtomicInteger REQUESTS = new AtomicInteger();

  @Before
  public void start() throws Exception {
    REQUESTS.set(0);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    server.createContext(
        "/",
        exchange -> {
          REQUESTS.incrementAndGet();
          String path = exchange.getRequestURI().getPath();
          switch (path) {
            case "/to-spotify" -> {
              exchange.getResponseHeaders().add("Location", "https://open.spotify.com/album/1");
              exchange.sendResponseHeaders(301, -1);
            }
            case "/to-pirates" -> {
              exchange.getResponseHeaders().add("Location", "http://www.mp3-leaks.co.uk/gd.zip");
              exchange.sendResponseHeaders(302, -1);
            }
            default -> exchange.sendResponseHeaders(404, -1);
          }
          exchange.close();
        });
    server.start();
  }

  @After
  public void stop() {
    server.stop(0);
  }

  private SourceRecord tweet(long offset, String url) {
    String json =
        "{\"id_str\":\"" + offset + "\",\"text\":\"Little Mix Touch https://t.co/x\",\"entities\":{\"urls\":[{\"url\":\"https://t.co/x\",\"expanded_url\":\""
            + url + "\"}]}}";
    return new SourceRecord("tweets", 0, offset, 0L, null, json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  public void shortLinksAreFollowedBeforeTheWhitelistIsApplied() {
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    List<SourceRecord> input = new ArrayList<>();
    input.add(tweet(0, base + "/to-spotify"));
    input.add(tweet(1, base + "/to-pirates"));
    input.add(tweet(2, base + "/gone"));
    UnshortenSettings settings =
        UnshortenSettings.defaults()
            .withShortenerHosts(Set.of("127.0.0.1"))
            .withAllowLoopback(true)
            .withTotalTimeout(Duration.ofSeconds(5));
    ParseTweet parse = ParseTweet.create();
    ParseTweet.Result parsed = p.apply(Create.of(input).withCoder(SourceRecord.coder())).apply(parse);
    PAssert.that(
            parsed
                .posts()
                .apply(ClassifyUrls.create().withUnshortening(settings))
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            j ->
                                j.record().source().offset()
                                    + ":" + j.verdict().code()
                                    + ":" + j.links().get(0).primaryDomain()
                                    + ":" + j.links().get(0).resolution().replaceAll(":.*", ""))))
        .containsInAnyOrder(
            "0:-8:spotify.com:resolved",
            "1:0:mp3-leaks.co.uk:resolved",
            // a failed lookup keeps the URL as it was, and the tweet is still judged
            "2:0:127.0.0.1:failed");
    p.run();
  }
  /**
   * A shortener link that could not be followed (the local shortener answers 404; or unshortening is
   * off) keeps its URL and the reason, is never counted as a domain, and is counted as unresolved; a
   * resolved one counts its target's domain. A lookup is counted whatever its outcome, a failure only
   * when it failed, and neither when unshortening is off (no lookup was made).
   */
  @Test
  public void unresolvedShortenerLinksAreNeverCountedAsDomains() throws Exception {
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    UnshortenSettings settings =
        UnshortenSettings.defaults()
            .withShortenerHosts(Set.of("127.0.0.1", "bit.ly"))
            .withAllowLoopback(true)
            .withTotalTimeout(Duration.ofSeconds(5));
    ParseTweet parse = ParseTweet.create();
    ParseTweet.Result parsed =
        p.apply(
                Create.of(tweet(0, base + "/to-pirates"), tweet(1, base + "/gone"))
                    .withCoder(SourceRecord.coder()))
            .apply(parse);
    ParseTweet.Result parsedOff =
        p.apply("Off", Create.of(tweet(2, "https://bit.ly/2jB0x0")).withCoder(SourceRecord.coder()))
            .apply("ParseOff", parse);
    SerializableFunction<JudgedTweet, String> counted =
        j -> {
          CountEvent e = RouteByOutcome.RouteFn.matchedEvent(j);
          return j.record().source().offset() + ":" + e.domains() + ":" + e.unresolvedLinks() + ":"
              + e.links().lookups() + ":" + e.links().failures() + ":"
              + j.links().get(0).resolution().replaceAll(":.*", "");
        };
    PAssert.that(
            parsed
                .posts()
                .apply(ClassifyUrls.create().withUnshortening(settings))
                .apply(MapElements.into(TypeDescriptors.strings()).via(counted)))
        .containsInAnyOrder("0:[mp3-leaks.co.uk]:0:1:0:resolved", "1:[]:1:1:1:failed");
    PAssert.that(
            parsedOff
                .posts()
                .apply("ClassifyOff", ClassifyUrls.create().withUnshortening(settings.withEnabled(false)))
                .apply("CountOff", MapElements.into(TypeDescriptors.strings()).via(counted)))
        .containsInAnyOrder("2:[]:1:0:0:disabled");
    p.run();

    Counts counts = new Counts();
    counts.add(new CountEvent(CountEvent.Outcome.MATCHED, List.of(), List.of())
        .withLinks(new CountEvent.LinkTally(2, 3, 1)));
    counts.merge(org.apache.beam.sdk.util.CoderUtils.clone(Counts.coder(), counts));
    CountReport report = new CountReport(CountReport.Scope.BATCH, 0, 30_000, "ON_TIME", true, counts);
    String head =
        "{\"schema\":\"linkwatch.counts/1\",\"scope\":\"batch\",\"window_start\":\"1970-01-01T00:00:00Z\",\"window_end\":\"1970-01-01T00:00:30Z\",";
    String tail = ",\"timing\":\"ON_TIME\",\"final\":true}";
    List<byte[]> json = report.toJsonRecords(10);
    assertEquals(head + "\"metric\":\"unresolved_links\",\"count\":4" + tail, new String(json.get(6), StandardCharsets.UTF_8));
    assertEquals(head + "\"metric\":\"unshorten_lookups\",\"count\":6" + tail, new String(json.get(7), StandardCharsets.UTF_8));
    assertEquals(head + "\"metric\":\"unshorten_failures\",\"count\":2" + tail, new String(json.get(8), StandardCharsets.UTF_8));
    json.forEach(j -> OutputContract.check("counts", j));
    assertEquals(true, report.toConsole(10).contains("Batch/Unresolved-Links: 4\nBatch/Unshorten-Lookups: 6\tFailed: 2\n"));
  }

  /**
   * A tweet that waits for its lookup until the end of the bundle holds back the ones after it: an
   * input partition's records leave in offset order, which the exactly-once writer relies on.
   */
  @Test
  public void tweetsLeaveInTheOrderTheyCame() throws Exception {
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    UnshortenSettings settings =
        UnshortenSettings.defaults()
            .withShortenerHosts(Set.of("127.0.0.1"))
            .withAllowLoopback(true)
            .withTotalTimeout(Duration.ofSeconds(5));
    ClassifyUrls.ClassifyFn fn =
        new ClassifyUrls.ClassifyFn(DomainList.of(List.of()), DomainList.of(List.of()), settings);
    List<Long> order = new ArrayList<>();
    DoFn.OutputReceiver<JudgedTweet> out =
        value ->
            new WindowedValues.Builder<JudgedTweet>()
                .setValue(value)
                .setTimestamp(Instant.EPOCH)
                .setWindow(GlobalWindow.INSTANCE)
                .setPaneInfo(PaneInfo.NO_FIRING)
                .setReceiver(v -> order.add(v.getValue().record().source().offset()));
    TweetParser parser = TweetParser.create();
    fn.setup();
    try {
      fn.startBundle();
      String[] urls = {"https://example.com/a", base + "/to-pirates", "https://example.com/b", base + "/to-spotify", "https://example.com/c"};
      for (int i = 0; i < urls.length; i++) {
        SourceRecord source = tweet(i, urls[i]);
        fn.process(
            new TweetRecord(source, (Tweet) parser.parse(source.value())), Instant.EPOCH, GlobalWindow.INSTANCE, out);
      }
      assertEquals("only the tweet before the first lookup leaves at once", List.of(0L), order);
      fn.finishBundle(
          fn.new FinishBundleContext() {
            @Override
            public PipelineOptions getPipelineOptions() {
              return PipelineOptionsFactory.create();
            }

            @Override
            public void output(JudgedTweet output, Instant timestamp, BoundedWindow window) {
              order.add(output.record().source().offset());
            }

            @Override
            public <T> void output(TupleTag<T> tag, T output, Instant timestamp, BoundedWindow window) {
              throw new AssertionError("no tagged outputs");
            }
          });
    } finally {
      fn.teardown();
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), order);
  }
}
