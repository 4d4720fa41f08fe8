package dev.linkwatch.pipeline;

import static dev.linkwatch.pipeline.WriteChannels.branches;

import dev.linkwatch.pipeline.kafka.KafkaIo;
import dev.linkwatch.transforms.ClassifyUrls;
import dev.linkwatch.transforms.CountReport;
import dev.linkwatch.transforms.CountWindows;
import dev.linkwatch.transforms.JudgedTweet;
import dev.linkwatch.transforms.MatchTerms;
import dev.linkwatch.transforms.OutputRecord;
import dev.linkwatch.transforms.ParseTweet;
import dev.linkwatch.transforms.RouteByOutcome;
import dev.linkwatch.transforms.SourceRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import java.util.function.Supplier;

/**
 * The linkwatch job: read raw records, parse, classify URLs, match the catalog, route by outcome, and
 * write matched, unmatched and error records to their channels.
 *
 * <p>{@link #run} wires Kafka or files from the options; {@link #buildPipeline} takes its source and
 * sinks as arguments so tests can feed {@code Create} or {@code TestStream} and check the outputs.
 */
public final class LinkwatchPipeline {
  private LinkwatchPipeline() {}

  /**
   * What one pipeline wrote to each channel, and the counts, for callers that add steps (tests). The
   * unmatched and errors channels are joined from their branches when first asked for (see {@link
   * WriteChannels#write(Channel, String, java.util.Map)}).
   */
  public static final class Routed {
    private final PCollection<OutputRecord> matched;
    private final Supplier<PCollection<OutputRecord>> unmatched;
    private final Supplier<PCollection<OutputRecord>> errors;
    private final PCollection<JudgedTweet> judged;
    private final PCollection<CountReport> counts;

    Routed(
        PCollection<OutputRecord> matched,
        Supplier<PCollection<OutputRecord>> unmatched,
        Supplier<PCollection<OutputRecord>> errors,
        PCollection<JudgedTweet> judged,
        PCollection<CountReport> counts) {
      this.matched = matched;
      this.unmatched = unmatched;
      this.errors = errors;
      this.judged = judged;
      this.counts = counts;
    }

    public PCollection<OutputRecord> matched() {
      return matched;
    }

    public PCollection<OutputRecord> unmatched() {
      return unmatched.get();
    }

    public PCollection<OutputRecord> errors() {
      return errors.get();
    }

    public PCollection<JudgedTweet> judged() {
      return judged;
    }

    public PCollection<CountReport> counts() {
      return counts;
    }
  }

  public static PipelineResult run(LinkwatchOptions options) {
    // The runner module's defaults first: some of them shape the source (Spark: no offset commits).
    RunnerDefaults.applyAll(options);
    Settings settings = Settings.from(options);
    boolean files = options.getInput() != null;
    if (files && options.getOutput() == null) {
      throw new ConfigException("input is set but output is not: file mode needs both");
    }
    // Source and sinks first: they check the options as the user gave them, before Pipeline.create
    // lets the runner rewrite them (LinkwatchFlinkRunner names Beam's FlinkRunner as its delegate).
    PTransform<PBegin, PCollection<SourceRecord>> source =
        files
            ? FileIo.readLines(options.getInput(), settings.windowing().timeDomain())
            : KafkaIo.readTweets(options, settings);
    Sinks sinks = files ? FileIo.sinks(options.getOutput()) : KafkaIo.sinks(options, settings);
    // Before Pipeline.create, which lets LinkwatchSparkRunner name Beam's SparkRunner instead of itself.
    boolean oneOutput = OneOutputPerStep.class.isAssignableFrom(options.getRunner());
    Pipeline pipeline = Pipeline.create(options);
    buildPipeline(pipeline, settings, source, sinks, oneOutput);
    return pipeline.run();
  }


  /**
   * The job's shape: read, parse, classify links, match the catalog, route by outcome, write each
   * channel, and count. {@code source} and {@code sinks} come from the caller (Kafka or files in
   * {@link #run}; {@code Create} and in-memory checks in tests).
   */
  public static Routed buildPipeline(
      Pipeline pipeline,
      Settings settings,
      PTransform<PBegin, PCollection<SourceRecord>> source,
      Sinks sinks) {
    return buildPipeline(pipeline, settings, source, sinks, false);
  }

  /**
   * {@link #buildPipeline(Pipeline, Settings, PTransform, Sinks)}, with the multi-output steps made as
   * one output each when {@code oneOutputPerStep} (for runners that declare {@link OneOutputPerStep}).
   */
  public static Routed buildPipeline(
      Pipeline pipeline,
      Settings settings,
      PTransform<PBegin, PCollection<SourceRecord>> source,
      Sinks sinks,
      boolean oneOutputPerStep) {
    PCollection<SourceRecord> records = pipeline.apply("ReadRecords", source);
    ParseTweet parse = ParseTweet.create().withFormat(settings.inputFormat());
    ParseTweet.Result parsed = records.apply("ParseTweet", oneOutputPerStep ? parse.withOneOutput() : parse);
    PCollection<JudgedTweet> judged =
        parsed
            .posts()
            .apply(
                "ClassifyUrls",
                ClassifyUrls.create()
                    .withWhitelist(settings.whitelist())
                    .withBlacklist(settings.blacklist())
                    .withUnshortening(settings.unshorten()))
            .apply(
                "MatchTerms",
                MatchTerms.watching(settings.catalogFeed())
                    .withRefresh(settings.catalogRefresh())
                    .withMinMatches(settings.minMatches())
                    .withFuzzy(settings.fuzzy()));
    RouteByOutcome route = RouteByOutcome.create().withMaxRecordBytes(settings.maxRecordBytes());
    RouteByOutcome.Result routed =
        judged.apply("RouteByOutcome", oneOutputPerStep ? route.withOneOutput() : route);

    WriteChannels out = new WriteChannels(sinks, settings.maxRecordBytes());
    PCollection<OutputRecord> matched = out.write(Channel.MATCHED, "Matched", routed.matched());
    Supplier<PCollection<OutputRecord>> unmatched =
        out.write(
            Channel.UNMATCHED,
            "Unmatched",
            branches("Unmatched", routed.unmatched(), "Notices", parsed.notices()));
    Supplier<PCollection<OutputRecord>> errors =
        out.write(
            Channel.ERRORS,
            "DeadLetters",
            branches(
                "ParseFailures", out.render("ParseFailures", parsed.failures()),
                "RouteFailures", out.render("RouteFailures", routed.errors())));

    // A bounded input (a file) gets bounded counts: see CountWindows.forBoundedInput, docs/counts.md.
    boolean bounded = records.isBounded() == PCollection.IsBounded.BOUNDED;
    PCollection<CountReport> counts =
        PCollectionList.of(routed.events())
            .and(parsed.events())
            .apply("CountWindows", countWindows(settings.windowing(), bounded));
    Windowing w = settings.windowing();
    out.writeCounts(counts, w.topN(), w.printCounts(), bounded);
    return new Routed(matched, unmatched, errors, judged, counts);
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
}
