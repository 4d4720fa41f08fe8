package dev.linkwatch.bench;

import dev.linkwatch.core.DomainList;
import dev.linkwatch.core.MalformedTweetException;
import dev.linkwatch.core.Parsed;
import dev.linkwatch.core.RecordFormat;
import dev.linkwatch.core.RecordParser;
import dev.linkwatch.core.StreamNotice;
import dev.linkwatch.core.TermMatcher;
import dev.linkwatch.core.Tweet;
import dev.linkwatch.core.TweetParser;
import dev.linkwatch.core.unshorten.UnshortenSettings;
import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.transforms.ClassifyUrls;
import dev.linkwatch.transforms.DeadLetter;
import dev.linkwatch.transforms.Enrichment;
import dev.linkwatch.transforms.JudgedTweet;
import dev.linkwatch.transforms.MatchTerms;
import dev.linkwatch.transforms.NoticeRecord;
import dev.linkwatch.transforms.OutputRecord;
import dev.linkwatch.transforms.SourceRecord;
import dev.linkwatch.transforms.TweetRecord;
import dev.linkwatch.transforms.Verdict;
import java.util.List;

/**
 * linkwatch's rules for one record as one plain function: parse (every record shape), the URL rules
 * and whitelist, the matcher, the output record. The limit loops run it between a plain consumer and
 * producer; the {@code -chain} contestants run it as the only step between the job's Kafka source and
 * writer, which is what a pipeline without per-step costs would pay.
 */
final class RulesInOneStep {
  /** Where a record goes and what is written; {@code judged} is the post's verdict (null otherwise). */
  record Outcome(Channel channel, OutputRecord record, JudgedTweet judged) {}

  // The pipeline's defaults: every known record shape recognised per record, unshortening off (its
  // shortener links still counted as unresolved).
  private static final UnshortenSettings UNSHORTEN_OFF = UnshortenSettings.defaults().withEnabled(false);
  private final RecordParser parser = RecordParser.create(TweetParser.ParseLimits.defaults(), RecordFormat.AUTO);
  private final DomainList whitelist = DomainList.of(ClassifyUrls.ORIGINAL_WHITELIST);
  private final DomainList blacklist = DomainList.of(List.of());
  private final TermMatcher matcher;
  private final int minMatches;

  RulesInOneStep(TermMatcher matcher, int minMatches) {
    this.matcher = matcher;
    this.minMatches = minMatches;
  }

  Outcome apply(SourceRecord source) {
    byte[] value = source.value() == null ? new byte[0] : source.value();
    Parsed parsed;
    try {
      parsed = parser.parse(value);
    } catch (MalformedTweetException e) {
      byte[] letter = DeadLetter.of(source, "ParseTweet", e.getMessage()).toJson(1_000_000);
      return new Outcome(Channel.ERRORS, OutputRecord.from(source, letter), null);
    }
    if (parsed instanceof StreamNotice notice) {
      byte[] out = Enrichment.notice(new NoticeRecord(source, notice.kind(), notice.platform()));
      return new Outcome(Channel.UNMATCHED, OutputRecord.from(source, out), null);
    }
    Tweet tweet = (Tweet) parsed;
    TweetRecord record = new TweetRecord(source, tweet);
    Verdict early = ClassifyUrls.earlyVerdict(tweet);
    JudgedTweet judged;
    if (early != null) {
      judged = new JudgedTweet(record, List.of(), List.of(), 0, early);
    } else {
      judged = ClassifyUrls.judge(record, ClassifyUrls.unresolved(tweet.urls(), UNSHORTEN_OFF), whitelist, blacklist);
      if (judged.verdict().outcome() == Verdict.Outcome.PENDING) {
        judged = MatchTerms.judge(judged, matcher, minMatches);
      }
    }
    return judged.isMatched()
        ? new Outcome(Channel.MATCHED, OutputRecord.from(source, Enrichment.matched(judged)), judged)
        : new Outcome(Channel.UNMATCHED, OutputRecord.from(source, Enrichment.unmatched(judged)), judged);
  }
}
