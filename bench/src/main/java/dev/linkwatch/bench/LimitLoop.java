package dev.linkwatch.bench;

import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.EventTimes;
import dev.linkwatch.core.TermMatcher;
import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.pipeline.kafka.KafkaIo;
import dev.linkwatch.transforms.Enrichment;
import dev.linkwatch.transforms.SourceRecord;
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
  private final RulesInOneStep rules;
  private final Map<Long, long[]> batches = new HashMap<>();
  private final Map<String, Long> artists = new HashMap<>();

  LimitLoop(String bootstrap, Topics topics, Catalog catalog, int minMatches) {
    this(bootstrap, topics, TermMatcher.build(catalog, false), minMatches);
  }

  /** Shares a built matcher (immutable) between the loops of {@code limit-all}. */
  LimitLoop(String bootstrap, Topics topics, TermMatcher matcher, int minMatches) {
    super(bootstrap, topics);
    this.rules = new RulesInOneStep(matcher, minMatches);
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
    RulesInOneStep.Outcome outcome = rules.apply(source);
    String topic =
        switch (outcome.channel()) {
          case MATCHED -> topics.matched();
          case UNMATCHED -> topics.unmatched();
          default -> topics.errors();
        };
    if (outcome.channel() == Channel.ERRORS) {
      counts[2]++;
    } else if (outcome.judged() == null) {
      counts[3]++; // a stream notice
    } else if (outcome.channel() == Channel.MATCHED) {
      counts[0]++;
      for (String artist : Enrichment.values(outcome.judged().hits(), dev.linkwatch.core.Tag.ARTIST)) {
        artists.merge(artist, 1L, Long::sum);
      }
    } else {
      counts[1]++;
    }
    out.add(KafkaIo.toProducerRecord(topic, outcome.record()));
  }
}
