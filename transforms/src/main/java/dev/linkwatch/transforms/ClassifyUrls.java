package dev.linkwatch.transforms;

import dev.linkwatch.core.DomainList;
import dev.linkwatch.core.Domains;
import dev.linkwatch.core.Tweet;
import dev.linkwatch.core.unshorten.Resolution;
import dev.linkwatch.core.unshorten.UnshortenSettings;
import dev.linkwatch.core.unshorten.Unshortener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * Applies the URL rules to parsed tweets and classifies each link.
 *
 * <p>Input: {@link TweetRecord}s. Output: one {@link JudgedTweet} per input, in the same window and
 * with the same timestamp. A tweet leaves at the first rule it fails, with the original job's code:
 * retweet (-1), no entities (-2), no URLs (-3), every URL whitelisted (-8), and, only when a blacklist is
 * configured, no URL on it (-9). Tweets that pass are {@link Verdict.Outcome#PENDING} for {@link
 * MatchTerms}.
 *
 * <p>Links on known shortener hosts are resolved first (see {@link Unshortener}: bounded hops and time,
 * private addresses refused, a shared cache). Lookups of a bundle run concurrently and are collected at
 * the end of the bundle, so one slow shortener costs one timeout per bundle, not per element. A failed
 * lookup keeps the link as it was and records why in {@link Link#resolution()}; the tweet is still
 * judged. This transform has no failure output: classification cannot fail on a parsed tweet.
 */
public final class ClassifyUrls extends PTransform<PCollection<TweetRecord>, PCollection<JudgedTweet>> {

  private final DomainList whitelist;
  private final DomainList blacklist;
  private final UnshortenSettings unshorten;

  private ClassifyUrls(DomainList whitelist, DomainList blacklist, UnshortenSettings unshorten) {
    this.whitelist = whitelist;
    this.blacklist = blacklist;
    this.unshorten = unshorten;
  }

  /** The original job's whitelist, no blacklist, unshortening off. */
  public static ClassifyUrls create() {
    return new ClassifyUrls(
        DomainList.of(ORIGINAL_WHITELIST),
        DomainList.of(List.of()),
        UnshortenSettings.defaults().withEnabled(false));
  }

  /** The six domains the original job whitelisted. */
  public static final List<String> ORIGINAL_WHITELIST =
      List.of(
          "itun.es", "wikipedia.org", "twitter.com", "instagram.com", "medium.com", "spotify.com");

  public ClassifyUrls withWhitelist(DomainList newWhitelist) {
    checkNotNull(newWhitelist, "withWhitelist(list)");
    return new ClassifyUrls(newWhitelist, blacklist, unshorten);
  }

  /** When not empty, a tweet must link to at least one of these domains (code -9 otherwise). */
  public ClassifyUrls withBlacklist(DomainList newBlacklist) {
    checkNotNull(newBlacklist, "withBlacklist(list)");
    return new ClassifyUrls(whitelist, newBlacklist, unshorten);
  }

  public ClassifyUrls withUnshortening(UnshortenSettings settings) {
    checkNotNull(settings, "withUnshortening(settings)");
    return new ClassifyUrls(whitelist, blacklist, settings);
  }

  private static void checkNotNull(Object value, String method) {
    if (value == null) {
      throw new IllegalArgumentException(method + ": argument must not be null");
    }
  }

  @Override
  public PCollection<JudgedTweet> expand(PCollection<TweetRecord> input) {
    return input
        .apply("ApplyUrlRules", ParDo.of(new ClassifyFn(whitelist, blacklist, unshorten)))
        .setCoder(JudgedTweet.coder());
  }

  /** The rules on one tweet, given the resolved URLs; plain logic shared by both paths of the DoFn. */
  public static JudgedTweet judge(
      TweetRecord record, List<Resolution> resolutions, DomainList whitelist, DomainList blacklist) {
    Tweet tweet = record.tweet();
    List<Link> links = new ArrayList<>(resolutions.size());
    boolean allWhitelisted = true;
    boolean anyBlacklisted = false;
    for (Resolution r : resolutions) {
      String host = Domains.host(r.finalUrl());
      // A host that is itself a public suffix (or unparseable) has no registrable domain: report the host.
      String registrable = host == null ? null : Domains.primaryDomain(host);
      String primary = registrable != null ? registrable : host;
      boolean white = host != null && whitelist.contains(host);
      boolean black = host != null && blacklist.contains(host);
      allWhitelisted &= white;
      anyBlacklisted |= black;
      links.add(
          new Link(
              r.originalUrl(),
              r.finalUrl(),
              host,
              primary,
              white,
              black,
              r.status().name().toLowerCase(java.util.Locale.ROOT)
                  + (r.note() == null || r.note().isEmpty() ? "" : ": " + r.note())));
    }
    Verdict verdict;
    if (allWhitelisted) {
      verdict = Verdict.unmatched(Verdict.ALL_WHITELISTED, "all URLs whitelisted");
    } else if (!blacklist.isEmpty() && !anyBlacklisted) {
      verdict = Verdict.unmatched(Verdict.NO_BLACKLISTED, "no blacklisted domain");
    } else {
      verdict = Verdict.pending();
    }
    return new JudgedTweet(record, List.copyOf(links), List.of(), 0, verdict);
  }

  /** Rules 1 and 2, which need no URL lookup; null when the tweet passes them. */
  public static Verdict earlyVerdict(Tweet tweet) {
    if (tweet.retweet()) {
      return Verdict.unmatched(Verdict.RETWEET, "retweet");
    }
    if (!tweet.hasEntities()) {
      return Verdict.unmatched(Verdict.NO_ENTITIES, "no entities");
    }
    if (tweet.urls().isEmpty()) {
      return Verdict.unmatched(Verdict.NO_URLS, "no URLs");
    }
    return null;
  }

  /**
   * The links of a tweet as they are, when no lookup is made: a shortener's link (by {@code
   * settings}' shortener hosts) is {@link Resolution.Status#DISABLED}, so it counts as an unresolved
   * link and never as a domain; any other is {@link Resolution.Status#NOT_SHORTENED}.
   */
  public static List<Resolution> unresolved(List<String> urls, UnshortenSettings settings) {
    List<Resolution> out = new ArrayList<>(urls.size());
    for (String url : urls) {
      out.add(
          Unshortener.isShortened(settings.shortenerHosts(), url)
              ? new Resolution(url, url, 0, Resolution.Status.DISABLED, "unshortening disabled")
              : new Resolution(url, url, 0, Resolution.Status.NOT_SHORTENED, ""));
    }
    return out;
  }

  static final class ClassifyFn extends DoFn<TweetRecord, JudgedTweet> {
    private final Counter lookups = Metrics.counter(ClassifyUrls.class, "unshortenLookups");
    private final Counter lookupFailures = Metrics.counter(ClassifyUrls.class, "unshortenFailures");
    private final DomainList whitelist;
    private final DomainList blacklist;
    private final UnshortenSettings settings;
    private transient Unshortener unshortener;
    private transient List<Pending> pending;

    /**
     * A tweet waiting for its lookups (or, with {@code ready}, judged already but queued behind one
     * that waits), with where it must be emitted.
     */
    private record Pending(
        TweetRecord record,
        List<CompletableFuture<Resolution>> lookups,
        JudgedTweet ready,
        Instant timestamp,
        BoundedWindow window) {}

    ClassifyFn(DomainList whitelist, DomainList blacklist, UnshortenSettings settings) {
      this.whitelist = whitelist;
      this.blacklist = blacklist;
      this.settings = settings;
    }

    @Setup
    public void setup() {
      unshortener = settings.enabled() ? Unshortener.create(settings) : null;
    }

    @StartBundle
    public void startBundle() {
      pending = new ArrayList<>();
    }

    @ProcessElement
    public void process(
        @Element TweetRecord record,
        @Timestamp Instant timestamp,
        BoundedWindow window,
        OutputReceiver<JudgedTweet> out) {
      Tweet tweet = record.tweet();
      Verdict early = earlyVerdict(tweet);
      JudgedTweet ready = null;
      if (early != null) {
        ready = new JudgedTweet(record, List.of(), List.of(), 0, early);
      } else {
        // One pass over the links: with unshortening on, a tweet with no shortener link (DISABLED
        // marks one) is judged now, as it is.
        List<Resolution> asIs = unresolved(tweet.urls(), settings);
        if (unshortener == null || noneShortened(asIs)) {
          ready = judge(record, asIs, whitelist, blacklist);
        }
      }
      if (ready != null && pending.isEmpty()) {
        out.output(ready);
        return;
      }
      // Once one tweet waits, those after it wait too: the records of an input partition leave in
      // the order they came, which the exactly-once writer's offset marker relies on.
      if (ready != null) {
        pending.add(new Pending(record, List.of(), ready, timestamp, window));
        return;
      }
      List<CompletableFuture<Resolution>> futures = new ArrayList<>(tweet.urls().size());
      for (String url : tweet.urls()) {
        futures.add(unshortener.resolve(url));
      }
      lookups.inc(futures.size());
      // Emitted at the end of the bundle with its own timestamp and window: the runners bound bundle
      // size (Flink: 1000 elements or 1 s by default), which bounds what waits here.
      pending.add(new Pending(record, futures, null, timestamp, window));
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      for (Pending p : pending) {
        if (p.ready != null) {
          context.output(p.ready, p.timestamp, p.window);
          continue;
        }
        List<Resolution> resolved = new ArrayList<>(p.lookups.size());
        for (CompletableFuture<Resolution> f : p.lookups) {
          Resolution r = f.join(); // never completes exceptionally: failures are Resolutions
          if (r.status() != Resolution.Status.RESOLVED
              && r.status() != Resolution.Status.NOT_SHORTENED) {
            lookupFailures.inc();
          }
          resolved.add(r);
        }
        context.output(judge(p.record, resolved, whitelist, blacklist), p.timestamp, p.window);
      }
      pending.clear();
    }

    @Teardown
    public void teardown() {
      if (unshortener != null) {
        unshortener.close();
      }
    }

    private static boolean noneShortened(List<Resolution> asIs) {
      for (Resolution r : asIs) {
        if (r.status() == Resolution.Status.DISABLED) {
          return false;
        }
      }
      return true;
    }
  }
}
