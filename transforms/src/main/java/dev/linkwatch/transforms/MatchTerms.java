package dev.linkwatch.transforms;

import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.CatalogFeed;
import dev.linkwatch.core.LiveCatalog;
import dev.linkwatch.core.MatchResult;
import dev.linkwatch.core.TermMatcher;
import java.time.Duration;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Matches the text of tweets that passed the URL rules against a catalog of artists, albums and tracks.
 *
 * <p>Input and output: {@link JudgedTweet}s, one out per one in, same timestamp and window. Tweets
 * already refused by an earlier rule pass through untouched (no matching work is spent on them). For a
 * {@link Verdict.Outcome#PENDING} tweet the matcher finds every catalog hit in one pass over the text;
 * the tweet is {@link Verdict.Outcome#MATCHED} when it names at least {@link #withMinMatches(int)}
 * distinct entries, where one span of text counts once however many entries it names (a single's album
 * and track often share a title). Otherwise it is unmatched with the number of matches as its code, as
 * the original job did. Every judged tweet carries the {@link Catalog#version} that judged it.
 *
 * <p>The catalog comes from a {@link CatalogFeed}: fixed ({@link #of}) or watched while the job runs
 * ({@link #watching}). Each worker JVM holds one {@link LiveCatalog} per feed, read and built once
 * and then refreshed by a background thread every {@link #withRefresh}; a record is judged by the
 * catalog current when it is processed. Done inside the DoFn rather than with a side input because
 * the classic Spark runner has no PeriodicImpulse, and this works the same on every runner. Refused
 * updates are counted in the {@code catalogRefusals} counter.
 */
public final class MatchTerms extends PTransform<PCollection<JudgedTweet>, PCollection<JudgedTweet>> {

  /** How often a watched catalog is checked unless {@link #withRefresh} says otherwise. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

  private final CatalogFeed feed;
  private final Duration refresh;
  private final int minMatches;
  private final boolean fuzzy;

  private MatchTerms(CatalogFeed feed, Duration refresh, int minMatches, boolean fuzzy) {
    this.feed = feed;
    this.refresh = refresh;
    this.minMatches = minMatches;
    this.fuzzy = fuzzy;
  }

  /** Matches against {@code catalog}, requiring two matches, exact (normalised) spellings only. */
  public static MatchTerms of(Catalog catalog) {
    if (catalog == null) {
      throw new IllegalArgumentException("MatchTerms.of(catalog): catalog must not be null");
    }
    if (catalog.size() == 0) {
      throw new IllegalStateException("MatchTerms: the catalog is empty; nothing could ever match");
    }
    return new MatchTerms(CatalogFeed.fixed(catalog), Duration.ZERO, 2, false);
  }

  /** Matches against what {@code feed} holds, re-read every {@link #DEFAULT_REFRESH}. */
  public static MatchTerms watching(CatalogFeed feed) {
    if (feed == null) {
      throw new IllegalArgumentException("MatchTerms.watching(feed): feed must not be null");
    }
    return new MatchTerms(feed, DEFAULT_REFRESH, 2, false);
  }

  /** How often each worker checks the feed for a change; zero: never (a fixed catalog). */
  public MatchTerms withRefresh(Duration every) {
    if (every == null || every.isNegative()) {
      throw new IllegalArgumentException("withRefresh(every): must be zero or positive, was " + every);
    }
    return new MatchTerms(feed, every, minMatches, fuzzy);
  }

  public MatchTerms withMinMatches(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("withMinMatches(n): n must be at least 1, was " + n);
    }
    return new MatchTerms(feed, refresh, n, fuzzy);
  }

  /** Also accept names of at least 7 letters misspelt by one edit. */
  public MatchTerms withFuzzy(boolean enabled) {
    return new MatchTerms(feed, refresh, minMatches, enabled);
  }

  @Override
  public PCollection<JudgedTweet> expand(PCollection<JudgedTweet> input) {
    return input
        .apply("MatchCatalog", ParDo.of(new MatchFn(feed, refresh, minMatches, fuzzy)))
        .setCoder(JudgedTweet.coder());
  }

  /** The matching rule on one tweet; plain logic so tests can call it without a pipeline. */
  public static JudgedTweet judge(JudgedTweet tweet, TermMatcher matcher, int minMatches) {
    MatchResult result = matcher.match(tweet.record().tweet().text());
    int matches = Math.min(result.spanCount(), result.distinctEntries());
    Verdict verdict =
        matches >= minMatches
            ? Verdict.matched(matches)
            : Verdict.unmatched(
                matches, "too few catalog matches: " + matches + " of " + minMatches + " needed");
    return tweet.withMatches(result.hits(), result.spanCount(), verdict);
  }

  static final class MatchFn extends DoFn<JudgedTweet, JudgedTweet> {
    private final Counter matched = Metrics.counter(MatchTerms.class, "matched");
    private final Counter unmatched = Metrics.counter(MatchTerms.class, "tooFewMatches");
    private final Counter refusals = Metrics.counter(MatchTerms.class, "catalogRefusals");
    private final Distribution hitsPerTweet = Metrics.distribution(MatchTerms.class, "hitsPerTweet");
    private final CatalogFeed feed;
    private final long refreshMillis;
    private final int minMatches;
    private final boolean fuzzy;
    /** Shared by every instance in this JVM; see {@link LiveCatalog#of}. */
    private transient LiveCatalog live;

    MatchFn(CatalogFeed feed, Duration refresh, int minMatches, boolean fuzzy) {
      this.feed = feed;
      this.refreshMillis = refresh.toMillis();
      this.minMatches = minMatches;
      this.fuzzy = fuzzy;
    }

    @Setup
    public void setup() {
      live = LiveCatalog.of(feed, fuzzy, Duration.ofMillis(refreshMillis));
    }

    @Teardown
    public void teardown() {
      if (live != null) {
        live.release();
        live = null;
      }
    }

    @ProcessElement
    public void process(@Element JudgedTweet tweet, OutputReceiver<JudgedTweet> out) {
      long refused = live.takeUnreportedRefusals();
      if (refused > 0) {
        refusals.inc(refused);
      }
      if (tweet.verdict().outcome() != Verdict.Outcome.PENDING) {
        out.output(tweet);
        return;
      }
      // Read once: the matcher and the version named on the record are one pair.
      LiveCatalog.Current catalog = live.current();
      JudgedTweet judged =
          judge(tweet, catalog.matcher(), minMatches).withCatalog(catalog.version(), catalog.entries());
      hitsPerTweet.update(judged.hits().size());
      (judged.isMatched() ? matched : unmatched).inc();
      out.output(judged);
    }
  }
}
