package dev.linkwatch.pipeline;

import dev.linkwatch.pipeline.kafka.KafkaIo;

import dev.linkwatch.transforms.ClassifyUrls;
import dev.linkwatch.transforms.DeadLetter;
import dev.linkwatch.transforms.Enrichment;
import dev.linkwatch.transforms.JudgedTweet;
import dev.linkwatch.transforms.MatchTerms;
import dev.linkwatch.transforms.NoticeRecord;
import dev.linkwatch.transforms.OutputRecord;
import dev.linkwatch.transforms.ParseTweet;
import dev.linkwatch.transforms.RouteByOutcome;
import dev.linkwatch.transforms.SourceRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import dev.linkwatch.transforms.CountEvent;
import dev.linkwatch.transforms.CountReport;
import dev.linkwatch.transforms.CountWindows;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The linkwatch job: read raw records, parse, classify URLs, match the catalog, route by outcome, and
 * write matched, unmatched and error records to their channels.
 *
 * <p>{@link #run} wires Kafka or files from the options; {@link #buildPipeline} takes its source and
 * sinks as arguments so tests can feed {@code Create} or {@code TestStream} and check the outputs.
 */
public final class LinkwatchPipeline {
  private LinkwatchPipeline() {}

  /** The routed outputs of one pipeline, for callers that add more steps (counts, tests). */
  public record Routed(
      PCollection<OutputRecord> matched,
      PCollection<OutputRecord> unmatched,
      PCollection<OutputRecord> errors,
      PCollection<JudgedTweet> judged,
      PCollection<NoticeRecord> notices,
      PCollection<DeadLetter> deadLetters,
      PCollection<CountReport> counts) {}

  public static PipelineResult run(LinkwatchOptions options) {
    Settings settings = Settings.from(options);
    Pipeline pipeline = Pipeline.create(options);
    boolean files = options.getInput() != null;
    if (files && options.getOutput() == null) {
      throw new ConfigException("input is set but output is not: file mode needs both");
    }
    buildPipeline(
        pipeline,
        settings,
        files
            ? FileIo.readLines(options.getInput(), settings.windowing().timeDomain())
            : KafkaIo.readTweets(options, settings),
        files
            ? FileIo.sinks(options.getOutput())
            : KafkaIo.sinks(options, settings));
    return pipeline.run();
  }

  public static Routed buildPipeline(
      Pipeline pipeline,
      Settings settings,
      PTransform<PBegin, PCollection<SourceRecord>> source,
      Sinks sinks) {
    PCollection<SourceRecord> records = pipeline.apply("ReadRecords", source);
    // A bounded input (a file) gets bounded counts: see CountWindows.forBoundedInput and docs/counts.md.
    boolean bounded = records.isBounded() == PCollection.IsBounded.BOUNDED;

    ParseTweet parse = ParseTweet.create().withFormat(settings.inputFormat());
    PCollectionTuple parsed = records.apply("ParseTweet", parse);

    PCollection<JudgedTweet> judged =
        parsed
            .get(parse.tweetsTag())
            .apply(
                "ClassifyUrls",
                ClassifyUrls.create()
                    .withWhitelist(settings.whitelist())
                    .withBlacklist(settings.blacklist())
                    .withUnshortening(settings.unshorten()))
            .apply(
                "MatchTerms",
                MatchTerms.of(settings.catalog())
                    .withMinMatches(settings.minMatches())
                    .withFuzzy(settings.fuzzy()));

    RouteByOutcome route = RouteByOutcome.create().withMaxRecordBytes(settings.maxRecordBytes());
    PCollectionTuple routed = judged.apply("RouteByOutcome", route);

    PCollection<NoticeRecord> notices = parsed.get(parse.noticesTag());
    PCollection<OutputRecord> noticeRecords =
        notices
            .apply(
                "RenderNotices",
                MapElements.into(TypeDescriptor.of(OutputRecord.class))
                    .via((NoticeRecord n) -> OutputRecord.from(n.source(), Enrichment.notice(n))))
            .setCoder(OutputRecord.coder());

    PCollection<DeadLetter> deadLetters =
        PCollectionList.of(parsed.get(parse.failuresTag()))
            .and(routed.get(route.errorsTag()))
            .apply("CollectDeadLetters", Flatten.pCollections());
    int maxBytes = settings.maxRecordBytes();
    Map<String, PCollection<OutputRecord>> errorBranches = new LinkedHashMap<>();
    errorBranches.put(
        "ParseFailures",
        parsed.get(parse.failuresTag()).apply("RenderParseFailures", renderDeadLetters(maxBytes))
            .setCoder(OutputRecord.coder()));
    errorBranches.put(
        "RouteFailures",
        routed.get(route.errorsTag()).apply("RenderRouteFailures", renderDeadLetters(maxBytes))
            .setCoder(OutputRecord.coder()));
    Map<String, PCollection<OutputRecord>> unmatchedBranches = new LinkedHashMap<>();
    unmatchedBranches.put("Unmatched", routed.get(route.unmatchedTag()));
    unmatchedBranches.put("Notices", noticeRecords);

    PCollection<OutputRecord> matched = routed.get(route.matchedTag());
    matched.apply("WriteMatched", sinks.to(Channel.MATCHED, "Matched"));
    PCollection<OutputRecord> unmatched = write(sinks, Channel.UNMATCHED, "Unmatched", unmatchedBranches);
    PCollection<OutputRecord> errors = write(sinks, Channel.ERRORS, "DeadLetters", errorBranches);

    PCollection<CountReport> counts =
        PCollectionList.of(routed.get(route.eventsTag()))
            .and(
                notices
                    .apply(
                        "NoticeEvents",
                        MapElements.into(TypeDescriptor.of(CountEvent.class))
                            .via(
                                (NoticeRecord n) ->
                                    CountEvent.of(CountEvent.Outcome.NOTICE).on(n.platform()).lateIf(n.source().tooLate())))
                    .setCoder(CountEvent.coder()))
            .and(
                parsed
                    .get(parse.failuresTag())
                    .apply(
                        "ParseErrorEvents",
                        MapElements.into(TypeDescriptor.of(CountEvent.class))
                            .via(
                                (DeadLetter d) ->
                                    CountEvent.of(CountEvent.Outcome.ERRORED).lateIf(d.source().tooLate())))
                    .setCoder(CountEvent.coder()))
            .apply("CountWindows", countWindows(settings.windowing(), bounded));
    int topN = settings.windowing().topN();
    counts
        .apply(
            "RenderCounts",
            FlatMapElements.into(TypeDescriptor.of(OutputRecord.class))
                .via(
                    (CountReport r) ->
                        r.toJsonRecords(topN).stream()
                            .map(json -> new OutputRecord(null, -1, -1L, null, json))
                            .toList()))
        .setCoder(OutputRecord.coder())
        .apply("WriteCounts", sinks.to(Channel.COUNTS));
    if (settings.windowing().printCounts()) {
      counts.apply("PrintCounts", ParDo.of(new PrintCountsFn(topN, bounded)));
    }
    return new Routed(matched, unmatched, errors, judged, notices, deadLetters, counts);
  }

  /**
   * Writes one channel fed by several branches and returns them joined (for callers and tests). Where
   * the sink allows it each branch gets its own writer ({@code Write<branch>}), so on Flink the writer
   * stays in the branch's fused chain; otherwise the joined collection is written once
   * ({@code Write<name>}).
   */
  private static PCollection<OutputRecord> write(
      Sinks sinks, Channel channel, String name, Map<String, PCollection<OutputRecord>> branches) {
    PCollectionList<OutputRecord> list =
        PCollectionList.empty(branches.values().iterator().next().getPipeline());
    for (PCollection<OutputRecord> branch : branches.values()) {
      list = list.and(branch);
    }
    PCollection<OutputRecord> joined = list.apply("Join" + name, Flatten.pCollections());
    if (sinks.writesEachBranch()) {
      branches.forEach((branch, records) -> records.apply("Write" + branch, sinks.to(channel, branch)));
    } else {
      joined.apply("Write" + name, sinks.to(channel));
    }
    return joined;
  }

  private static MapElements<DeadLetter, OutputRecord> renderDeadLetters(int maxBytes) {
    return MapElements.into(TypeDescriptor.of(OutputRecord.class))
        .via((DeadLetter d) -> OutputRecord.from(d.source(), d.toJson(maxBytes)));
  }

  static CountWindows countWindows(Windowing w) {
    return countWindows(w, false);
  }

  static CountWindows countWindows(Windowing w, boolean bounded) {
    CountWindows counts =
        CountWindows.create()
            .withBatch(w.batch())
            .withWindow(w.window(), w.slide())
            .withAllowedLateness(w.allowedLateness());
    return bounded ? counts.forBoundedInput() : counts;
  }

  /**
   * The original job printed its counts; so does linkwatch, one report at a time. A bounded run
   * prints its batches and its final account only; its window reports are in the counts channel.
   */
  static final class PrintCountsFn extends DoFn<CountReport, Void> {
    private final int topN;
    private final boolean bounded;

    PrintCountsFn(int topN, boolean bounded) {
      this.topN = topN;
      this.bounded = bounded;
    }

    @ProcessElement
    public void process(@Element CountReport report) {
      if (bounded && report.scope() == CountReport.Scope.WINDOW) {
        return;
      }
      String text = report.toConsole(topN);
      synchronized (System.out) {
        System.out.print(text);
        System.out.flush();
      }
    }
  }
}
