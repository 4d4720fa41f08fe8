package dev.linkwatch.transforms;

import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.MatchResult;
import dev.linkwatch.core.TermMatcher;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * the original job did.
 *
 * <p>The automaton is built once per worker JVM and catalog, not per bundle or per DoFn instance.
 */
public final class MatchTerms extends PTransform<PCollection<JudgedTweet>, PCollection<JudgedTweet>> {

  private final Catalog catalog;
  private final int minMatches;
  private final boolean fuzzy;

  private MatchTerms(Catalog catalog, int minMatches, boolean fuzzy) {
    this.catalog = catalog;
    this.minMatches = minMatches;
    this.fuzzy = fuzzy;
  }

  /** Matches against {@code catalog}, requiring two matches, exact (normalised) spellings only. */
  public static MatchTerms of(Catalog catalog) {
    if (catalog == null) {
      throw new IllegalArgumentException("MatchTerms.of(catalog): catalog must not be null");
    }
    return new MatchTerms(catalog, 2, false);
  }

  public MatchTerms withMinMatches(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("withMinMatches(n): n must be at least 1, was " + n);
    }
    return new MatchTerms(catalog, n, fuzzy);
  }

  /** Also accept names of at least 7 letters misspelt by one edit. */
  public MatchTerms withFuzzy(boolean enabled) {
    return new MatchTerms(catalog, minMatches, enabled);
  }

  @Override
  public PCollection<JudgedTweet> expand(PCollection<JudgedTweet> input) {
    if (catalog.size() == 0) {
      throw new IllegalStateException("MatchTerms: the catalog is empty; nothing could ever match");
    }
    return input
        .apply("MatchCatalog", ParDo.of(new MatchFn(catalog, minMatches, fuzzy)))
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
    /** Matchers are immutable and expensive to build; one per catalog per worker JVM. */
    private static final Map<String, TermMatcher> MATCHERS = new ConcurrentHashMap<>();

    private final Counter matched = Metrics.counter(MatchTerms.class, "matched");
    private final Counter unmatched = Metrics.counter(MatchTerms.class, "tooFewMatches");
    private final Distribution hitsPerTweet = Metrics.distribution(MatchTerms.class, "hitsPerTweet");
    private final Catalog catalog;
    private final String matcherKey;
    private final int minMatches;
    private final boolean fuzzy;
    private transient TermMatcher matcher;

    MatchFn(Catalog catalog, int minMatches, boolean fuzzy) {
      this.catalog = catalog;
      this.minMatches = minMatches;
      this.fuzzy = fuzzy;
      this.matcherKey = catalog.size() + ":" + catalog.entries().hashCode() + ":" + fuzzy;
    }

    @Setup
    public void setup() {
      matcher = MATCHERS.computeIfAbsent(matcherKey, k -> TermMatcher.build(catalog, fuzzy));
    }

    @ProcessElement
    public void process(@Element JudgedTweet tweet, OutputReceiver<JudgedTweet> out) {
      if (tweet.verdict().outcome() != Verdict.Outcome.PENDING) {
        out.output(tweet);
        return;
      }
      JudgedTweet judged = judge(tweet, matcher, minMatches);
      hitsPerTweet.update(judged.hits().size());
      (judged.isMatched() ? matched : unmatched).inc();
      out.output(judged);
    }
  }
}
