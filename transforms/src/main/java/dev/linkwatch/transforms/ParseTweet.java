package dev.linkwatch.transforms;

import dev.linkwatch.core.MalformedTweetException;
import dev.linkwatch.core.RecordFormat;
import dev.linkwatch.core.RecordParser;
import dev.linkwatch.core.StreamNotice;
import dev.linkwatch.core.Tweet;
import dev.linkwatch.core.TweetParser;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Parses raw record values: Twitter v1.1 or X v2 JSON, Bluesky Jetstream events, Mastodon statuses and
 * streaming frames. By default each record's shape is recognised on its own, so one topic may mix
 * them; {@link #withFormat} forces one shape (see {@link RecordParser}).
 *
 * <p>Input: {@link SourceRecord}s (raw bytes). Output: a {@link Result} with
 *
 * <ul>
 *   <li>{@link Result#posts()}: {@link TweetRecord}s, posts of any platform, reposts included (the
 *       rules judge them later);
 *   <li>{@link Result#notices()}: stream notices, rendered for the unmatched channel ({@link
 *       Enrichment#notice}): a tweet's {@code delete} or {@code limit}, Jetstream deletes, identity and
 *       account events and commits to collections other than posts and reposts, Mastodon {@code
 *       delete} and {@code filters_changed} frames;
 *   <li>{@link Result#failures()}: {@link DeadLetter}s for everything else: bytes that are not JSON, not
 *       valid UTF-8, not an object, too deep, too large, with wrongly typed fields, or objects that are
 *       neither a tweet nor a known notice. The original bytes travel in the dead letter;
 *   <li>{@link Result#events()}: one {@link CountEvent} per notice and per failure, for {@link
 *       CountWindows} (posts are counted where they are routed, by {@link RouteByOutcome}).
 * </ul>
 *
 * <p>Parsing keeps element timestamps and windows as they are. Every input element leaves on exactly
 * one of posts, notices and failures.
 */
public final class ParseTweet extends PTransform<PCollection<SourceRecord>, ParseTweet.Result> {

  static final String STEP = "ParseTweet";

  private static final TupleTag<TweetRecord> POSTS = new TupleTag<>() {};
  private static final TupleTag<OutputRecord> NOTICES = new TupleTag<>() {};
  private static final TupleTag<DeadLetter> FAILURES = new TupleTag<>() {};
  private static final TupleTag<CountEvent> EVENTS = new TupleTag<>() {};

  /** What {@link ParseTweet} made of its input. */
  public static final class Result extends TaggedResult {
    private Result(PCollectionTuple tuple) {
      super(tuple);
    }

    public PCollection<TweetRecord> posts() {
      return tuple.get(POSTS);
    }

    public PCollection<OutputRecord> notices() {
      return tuple.get(NOTICES);
    }

    public PCollection<DeadLetter> failures() {
      return tuple.get(FAILURES);
    }

    public PCollection<CountEvent> events() {
      return tuple.get(EVENTS);
    }
  }
  private static final OneOutput OUTPUTS = OneOutput.tagged(java.util.List.of(POSTS, NOTICES, FAILURES, EVENTS));

  private final TweetParser.ParseLimits limits;
  private final RecordFormat format;
  private final OneOutput outputs;

  private ParseTweet(TweetParser.ParseLimits limits, RecordFormat format, OneOutput outputs) {
    this.limits = limits;
    this.format = format;
    this.outputs = outputs;
  }

  /** Default limits; each record's shape recognised on its own. */
  public static ParseTweet create() {
    return new ParseTweet(TweetParser.ParseLimits.defaults(), RecordFormat.AUTO, OUTPUTS);
  }

  /**
   * The same outputs, made as one collection that a filter per output splits: for Beam's Spark runner,
   * which otherwise decodes every output element once per output ({@link OneOutput} says why).
   */
  public ParseTweet withOneOutput() {
    return new ParseTweet(limits, format, OUTPUTS.oneCollection());
  }

  /** Reads every record as {@code newFormat}; {@link RecordFormat#AUTO} recognises each record. */
  public ParseTweet withFormat(RecordFormat newFormat) {
    if (newFormat == null) {
      throw new IllegalArgumentException("withFormat(format): format must not be null");
    }
    return new ParseTweet(limits, newFormat, outputs);
  }

  /** Tighter or looser limits on nesting, string and record size, and URLs per tweet. */
  public ParseTweet withLimits(TweetParser.ParseLimits newLimits) {
    if (newLimits == null) {
      throw new IllegalArgumentException("withLimits(limits): limits must not be null");
    }
    return new ParseTweet(newLimits, format, outputs);
  }

  @Override
  public Result expand(PCollection<SourceRecord> input) {
    PCollectionTuple out =
        outputs.apply(
            input,
            "ParseJson",
            new ParseFn(limits, format, outputs),
            java.util.List.of(TweetRecord.coder(), OutputRecord.coder(), DeadLetter.coder(), CountEvent.coder()));
    return new Result(out);
  }

  static final class ParseFn extends DoFn<SourceRecord, TweetRecord> {
    private final Counter tweets = Metrics.counter(ParseTweet.class, "tweets");
    private final Counter notices = Metrics.counter(ParseTweet.class, "notices");
    private final Counter malformed = Metrics.counter(ParseTweet.class, "malformed");
    private final TweetParser.ParseLimits limits;
    private final RecordFormat format;
    private final OneOutput outputs;
    private transient RecordParser parser;

    ParseFn(TweetParser.ParseLimits limits, RecordFormat format, OneOutput outputs) {
      this.limits = limits;
      this.format = format;
      this.outputs = outputs;
    }

    @Setup
    public void setup() {
      parser = RecordParser.create(limits, format);
    }

    @ProcessElement
    public void process(@Element SourceRecord record, MultiOutputReceiver out) {
      try {
        var parsed = parser.parse(record.value() == null ? new byte[0] : record.value());
        if (parsed instanceof Tweet tweet) {
          tweets.inc();
          outputs.emit(out, POSTS, new TweetRecord(record, tweet));
        } else if (parsed instanceof StreamNotice notice) {
          notices.inc();
          NoticeRecord n = new NoticeRecord(record, notice.kind(), notice.platform());
          outputs.emit(out, NOTICES, OutputRecord.from(record, Enrichment.notice(n)));
          outputs.emit(out, EVENTS, CountEvent.of(CountEvent.Outcome.NOTICE).on(n.platform()).lateIf(record.tooLate()));
        }
      } catch (MalformedTweetException e) {
        fail(out, DeadLetter.of(record, STEP, e.getMessage()));
      } catch (RuntimeException e) {
        // A parser bug on one odd record must not become a poison pill that stops the stream: the
        // record leaves as a dead letter with its stack trace, visible and replayable. Errors
        // (OutOfMemoryError and the like) still fail the bundle.
        fail(out, DeadLetter.of(record, STEP, e));
      }
    }

    private void fail(MultiOutputReceiver out, DeadLetter letter) {
      malformed.inc();
      outputs.emit(out, FAILURES, letter);
      outputs.emit(out, EVENTS, CountEvent.of(CountEvent.Outcome.ERRORED).lateIf(letter.source().tooLate()));
    }
  }
}
