package dev.linkwatch.transforms;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Splits judged tweets by outcome and renders each as the record its topic expects.
 *
 * <p>Input: {@link JudgedTweet}s whose verdict is final. Output: a {@link Result} with
 *
 * <ul>
 *   <li>{@link Result#matched()}: the original tweet JSON with an {@code enriched} member ({@link
 *       Enrichment#matched});
 *   <li>{@link Result#unmatched()}: code, reason and the original tweet ({@link Enrichment#unmatched});
 *   <li>{@link Result#errors()}: {@link DeadLetter}s for records that cannot be written, such as a matched
 *       record whose enrichment pushed it past {@link #withMaxRecordBytes(int)}: Kafka's producer would
 *       otherwise refuse it and the default writer retry it forever. A tweet still {@code PENDING}
 *       (a pipeline wired without MatchTerms) is an error too, never a silent drop;
 *   <li>{@link Result#events()}: one {@link CountEvent} per input, saying where it went (with the artists
 *       and distinct primary domains of a matched tweet), for {@link CountWindows}.
 * </ul>
 *
 * <p>One ParDo, no side effects: writing happens downstream. Windows and timestamps are kept.
 */
public final class RouteByOutcome extends PTransform<PCollection<JudgedTweet>, RouteByOutcome.Result> {

  static final String STEP = "RouteByOutcome";
  /** Kafka's default {@code max.request.size}, less room for the key, headers and batch overhead. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

  private static final TupleTag<OutputRecord> MATCHED = new TupleTag<>() {};
  private static final TupleTag<OutputRecord> UNMATCHED = new TupleTag<>() {};
  private static final TupleTag<DeadLetter> ERRORS = new TupleTag<>() {};
  private static final TupleTag<CountEvent> EVENTS = new TupleTag<>() {};

  /** The routed records, one output per outcome. */
  public static final class Result extends TaggedResult {
    private Result(PCollectionTuple tuple) {
      super(tuple);
    }

    public PCollection<OutputRecord> matched() {
      return tuple.get(MATCHED);
    }

    public PCollection<OutputRecord> unmatched() {
      return tuple.get(UNMATCHED);
    }

    public PCollection<DeadLetter> errors() {
      return tuple.get(ERRORS);
    }

    public PCollection<CountEvent> events() {
      return tuple.get(EVENTS);
    }
  }
  private static final OneOutput OUTPUTS = OneOutput.tagged(java.util.List.of(MATCHED, UNMATCHED, ERRORS, EVENTS));

  private final int maxRecordBytes;
  private final OneOutput outputs;

  private RouteByOutcome(int maxRecordBytes, OneOutput outputs) {
    this.maxRecordBytes = maxRecordBytes;
    this.outputs = outputs;
  }

  public static RouteByOutcome create() {
    return new RouteByOutcome(DEFAULT_MAX_RECORD_BYTES, OUTPUTS);
  }

  /**
   * The same outputs, made as one collection that a filter per output splits: for Beam's Spark runner,
   * which otherwise decodes every output element once per output ({@link OneOutput} says why).
   */
  public RouteByOutcome withOneOutput() {
    return new RouteByOutcome(maxRecordBytes, OUTPUTS.oneCollection());
  }

  /** The largest output value allowed; set it below the producer's {@code max.request.size}. */
  public RouteByOutcome withMaxRecordBytes(int bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException(
          "withMaxRecordBytes(bytes): must be at least 1024, was " + bytes);
    }
    return new RouteByOutcome(bytes, outputs);
  }

  @Override
  public Result expand(PCollection<JudgedTweet> input) {
    PCollectionTuple out =
        outputs.apply(
            input,
            "RouteAndRender",
            new RouteFn(maxRecordBytes, outputs),
            java.util.List.of(OutputRecord.coder(), OutputRecord.coder(), DeadLetter.coder(), CountEvent.coder()));
    return new Result(out);
  }

  static final class RouteFn extends DoFn<JudgedTweet, OutputRecord> {
    private final Counter matched = Metrics.counter(RouteByOutcome.class, "matched");
    private final Counter unmatched = Metrics.counter(RouteByOutcome.class, "unmatched");
    private final Counter errors = Metrics.counter(RouteByOutcome.class, "errors");
    private final int maxRecordBytes;
    private final OneOutput outputs;

    RouteFn(int maxRecordBytes, OneOutput outputs) {
      this.maxRecordBytes = maxRecordBytes;
      this.outputs = outputs;
    }

    private void error(MultiOutputReceiver out, DeadLetter letter, String platform) {
      errors.inc();
      outputs.emit(out, ERRORS, letter);
      outputs.emit(out, EVENTS, CountEvent.of(CountEvent.Outcome.ERRORED).on(platform).lateIf(letter.source().tooLate()));
    }

    @ProcessElement
    public void process(@Element JudgedTweet tweet, MultiOutputReceiver out) {
      SourceRecord source = tweet.record().source();
      String platform = tweet.record().tweet().platform();
      switch (tweet.verdict().outcome()) {
        case MATCHED -> {
          byte[] value = Enrichment.matched(tweet);
          if (value.length > maxRecordBytes) {
            error(out, tooLarge(source, "enriched", value.length), platform);
            return;
          }
          matched.inc();
          outputs.emit(out, MATCHED, OutputRecord.from(source, value));
          outputs.emit(out, EVENTS, matchedEvent(tweet).lateIf(source.tooLate()));
        }
        case UNMATCHED -> {
          byte[] value = Enrichment.unmatched(tweet);
          if (value.length > maxRecordBytes) {
            error(out, tooLarge(source, "unmatched", value.length), platform);
            return;
          }
          unmatched.inc();
          outputs.emit(out, UNMATCHED, OutputRecord.from(source, value));
          outputs.emit(out, EVENTS, 
                  CountEvent.of(CountEvent.Outcome.UNMATCHED)
                      .on(platform)
                      .withLinks(CountEvent.LinkTally.of(tweet.links()))
                      .lateIf(source.tooLate()));
        }
        case PENDING -> error(out, DeadLetter.of(source, STEP, "no verdict: the tweet was never matched"), platform);
      }
    }

    private DeadLetter tooLarge(SourceRecord source, String what, int length) {
      return DeadLetter.of(
          source,
          STEP,
          what + " record of " + length + " bytes exceeds the limit of " + maxRecordBytes + " bytes");
    }

    static CountEvent matchedEvent(JudgedTweet tweet) {
      java.util.Set<String> domains = new java.util.LinkedHashSet<>();
      for (Link l : tweet.links()) {
        // Count the domains that made the tweet suspect, once each, not its whitelisted links.
        // A shortener that could not be followed is not a site: counted as unresolved instead.
        if (!l.whitelisted() && !l.unresolvedShortener() && l.primaryDomain() != null) {
          domains.add(l.primaryDomain());
        }
      }
      return new CountEvent(
          CountEvent.Outcome.MATCHED,
          Enrichment.values(tweet.hits(), dev.linkwatch.core.Tag.ARTIST),
          java.util.List.copyOf(domains))
          .on(tweet.record().tweet().platform())
          .withLinks(CountEvent.LinkTally.of(tweet.links()))
          .withCatalog(tweet.catalogVersion(), tweet.catalogEntries());
    }
  }
}
