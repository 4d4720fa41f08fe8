package dev.linkwatch.transforms;

import dev.linkwatch.core.MalformedTweetException;
import dev.linkwatch.core.StreamNotice;
import dev.linkwatch.core.Tweet;
import dev.linkwatch.core.TweetParser;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Parses raw record values as Twitter v1.1 or v2 JSON.
 *
 * <p>Input: {@link SourceRecord}s (raw bytes). Output: a {@link PCollectionTuple} with
 *
 * <ul>
 *   <li>{@link #tweetsTag()}: {@link TweetRecord}s, tweets of either format, retweets included (the
 *       rules judge them later);
 *   <li>{@link #noticesTag()}: {@link NoticeRecord}s, stream notices such as {@code delete} or {@code
 *       limit};
 *   <li>{@link #failuresTag()}: {@link DeadLetter}s for everything else: bytes that are not JSON, not
 *       valid UTF-8, not an object, too deep, too large, with wrongly typed fields, or objects that are
 *       neither a tweet nor a known notice. The original bytes travel in the dead letter.
 * </ul>
 *
 * <p>Parsing keeps element timestamps and windows as they are. Every input element leaves on exactly
 * one of the three outputs.
 */
public final class ParseTweet extends PTransform<PCollection<SourceRecord>, PCollectionTuple> {

  static final String STEP = "ParseTweet";

  private final TupleTag<TweetRecord> tweetsTag = new TupleTag<>() {};
  private final TupleTag<NoticeRecord> noticesTag = new TupleTag<>() {};
  private final TupleTag<DeadLetter> failuresTag = new TupleTag<>() {};
  private final TweetParser.ParseLimits limits;

  private ParseTweet(TweetParser.ParseLimits limits) {
    this.limits = limits;
  }

  public static ParseTweet create() {
    return new ParseTweet(TweetParser.ParseLimits.defaults());
  }

  /** Tighter or looser limits on nesting, string and record size, and URLs per tweet. */
  public ParseTweet withLimits(TweetParser.ParseLimits newLimits) {
    if (newLimits == null) {
      throw new IllegalArgumentException("withLimits(limits): limits must not be null");
    }
    return new ParseTweet(newLimits);
  }

  public TupleTag<TweetRecord> tweetsTag() {
    return tweetsTag;
  }

  public TupleTag<NoticeRecord> noticesTag() {
    return noticesTag;
  }

  public TupleTag<DeadLetter> failuresTag() {
    return failuresTag;
  }

  @Override
  public PCollectionTuple expand(PCollection<SourceRecord> input) {
    PCollectionTuple out =
        input.apply(
            "ParseJson",
            ParDo.of(new ParseFn(limits, tweetsTag, noticesTag, failuresTag))
                .withOutputTags(tweetsTag, TupleTagList.of(noticesTag).and(failuresTag)));
    out.get(tweetsTag).setCoder(TweetRecord.coder());
    out.get(noticesTag).setCoder(NoticeRecord.coder());
    out.get(failuresTag).setCoder(DeadLetter.coder());
    return out;
  }

  static final class ParseFn extends DoFn<SourceRecord, TweetRecord> {
    private final Counter tweets = Metrics.counter(ParseTweet.class, "tweets");
    private final Counter notices = Metrics.counter(ParseTweet.class, "notices");
    private final Counter malformed = Metrics.counter(ParseTweet.class, "malformed");
    private final TweetParser.ParseLimits limits;
    private final TupleTag<TweetRecord> tweetsTag;
    private final TupleTag<NoticeRecord> noticesTag;
    private final TupleTag<DeadLetter> failuresTag;
    private transient TweetParser parser;

    ParseFn(
        TweetParser.ParseLimits limits,
        TupleTag<TweetRecord> tweetsTag,
        TupleTag<NoticeRecord> noticesTag,
        TupleTag<DeadLetter> failuresTag) {
      this.limits = limits;
      this.tweetsTag = tweetsTag;
      this.noticesTag = noticesTag;
      this.failuresTag = failuresTag;
    }

    @Setup
    public void setup() {
      parser = TweetParser.create(limits);
    }

    @ProcessElement
    public void process(@Element SourceRecord record, MultiOutputReceiver out) {
      try {
        var parsed = parser.parse(record.value() == null ? new byte[0] : record.value());
        if (parsed instanceof Tweet tweet) {
          tweets.inc();
          out.get(tweetsTag).output(new TweetRecord(record, tweet));
        } else if (parsed instanceof StreamNotice notice) {
          notices.inc();
          out.get(noticesTag).output(new NoticeRecord(record, notice.kind()));
        }
      } catch (MalformedTweetException e) {
        malformed.inc();
        out.get(failuresTag).output(DeadLetter.of(record, STEP, e.getMessage()));
      } catch (RuntimeException e) {
        // A parser bug on one odd record must not become a poison pill that stops the stream: the
        // record leaves as a dead letter with its stack trace, visible and replayable. Errors
        // (OutOfMemoryError and the like) still fail the bundle.
        malformed.inc();
        out.get(failuresTag).output(DeadLetter.of(record, STEP, e));
      }
    }
  }
}
