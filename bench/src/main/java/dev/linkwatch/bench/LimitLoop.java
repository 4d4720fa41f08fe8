package dev.linkwatch.bench;

import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.DomainList;
import dev.linkwatch.core.EventTimes;
import dev.linkwatch.core.MalformedTweetException;
import dev.linkwatch.core.Parsed;
import dev.linkwatch.core.RecordFormat;
import dev.linkwatch.core.RecordParser;
import dev.linkwatch.core.StreamNotice;
import dev.linkwatch.core.TermMatcher;
import dev.linkwatch.core.Tweet;
import dev.linkwatch.core.TweetParser;
import dev.linkwatch.core.unshorten.UnshortenSettings;
import dev.linkwatch.pipeline.kafka.KafkaIo;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The limit: linkwatch's own rules without Beam. The same parser (every record shape, Jackson streaming, strict UTF-8),
 * the same URL rules and whitelist, the same matcher and catalog, the same output records and headers,
 * in one thread between a plain consumer and a plain producer. It keeps per-batch counts (outcome and
 * artist per 30 s of event time) in a map; the 6 h window, which the pipeline derives from the batches,
 * it does not keep.
 */
final class LimitLoop extends PlainLoop {
  private static final long BATCH_MILLIS = 30_000;
  // The pipeline's defaults: every known record shape recognised per record, unshortening off (its
  // shortener links still counted as unresolved).
  private final RecordParser parser = RecordParser.create(TweetParser.ParseLimits.defaults(), RecordFormat.AUTO);
  private static final UnshortenSettings UNSHORTEN_OFF = UnshortenSettings.defaults().withEnabled(false);
  private final DomainList whitelist = DomainList.of(ClassifyUrls.ORIGINAL_WHITELIST);
  private final DomainList blacklist = DomainList.of(List.of());
  private final TermMatcher matcher;
  private final int minMatches;
  private final Map<Long, long[]> batches = new HashMap<>();
  private final Map<String, Long> artists = new HashMap<>();

  LimitLoop(String bootstrap, Topics topics, Catalog catalog, int minMatches) {
    this(bootstrap, topics, TermMatcher.build(catalog, false), minMatches);
  }

  /** Shares a built matcher (immutable) between the loops of {@code limit-all}. */
  LimitLoop(String bootstrap, Topics topics, TermMatcher matcher, int minMatches) {
    super(bootstrap, topics);
    this.matcher = matcher;
    this.minMatches = minMatches;
  }

  /**
   * {@code limit-all}: one loop per core, each on its own thread with its own consumer and producer,
   * the input partitions split between them. Returns the records processed by all.
   */
  static long runOnAllCores(String bootstrap, Topics topics, Catalog catalog, int minMatches, boolean follow)
      throws Exception {
    TermMatcher shared = TermMatcher.build(catalog, false);
    int threads = Runtime.getRuntime().availableProcessors();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<Long>> runs = new java.util.ArrayList<>();
      for (int slot = 0; slot < threads; slot++) {
        int s = slot;
        runs.add(pool.submit(() -> new LimitLoop(bootstrap, topics, shared, minMatches).run(Long.MAX_VALUE, s, threads, follow)));
      }
      long done = 0;
      for (var run : runs) {
        done += run.get();
      }
      return done;
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  void process(ConsumerRecord<byte[], byte[]> r, List<ProducerRecord<byte[], byte[]>> out) {
    SourceRecord source =
        new SourceRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value());
    byte[] value = r.value() == null ? new byte[0] : r.value();
    long batch = EventTimes.of(value).orElse(r.timestamp()) / BATCH_MILLIS;
    long[] counts = batches.computeIfAbsent(batch, b -> new long[4]);
    Parsed parsed;
    try {
      parsed = parser.parse(value);
    } catch (MalformedTweetException e) {
      counts[2]++;
      emit(out, topics.errors(), source, DeadLetter.of(source, "ParseTweet", e.getMessage()).toJson(1_000_000));
      return;
    }
    if (parsed instanceof StreamNotice notice) {
      counts[3]++;
      emit(out, topics.unmatched(), source, Enrichment.notice(new NoticeRecord(source, notice.kind(), notice.platform())));
      return;
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
    if (judged.isMatched()) {
      counts[0]++;
      for (String artist : Enrichment.values(judged.hits(), dev.linkwatch.core.Tag.ARTIST)) {
        artists.merge(artist, 1L, Long::sum);
      }
      emit(out, topics.matched(), source, Enrichment.matched(judged));
    } else {
      counts[1]++;
      emit(out, topics.unmatched(), source, Enrichment.unmatched(judged));
    }
  }

  private static void emit(
      List<ProducerRecord<byte[], byte[]>> out, String topic, SourceRecord source, byte[] value) {
    out.add(KafkaIo.toProducerRecord(topic, OutputRecord.from(source, value)));
  }
}
