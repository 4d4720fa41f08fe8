package dev.linkwatch.pipeline;

import dev.linkwatch.transforms.CountReport;
import dev.linkwatch.transforms.DeadLetter;
import dev.linkwatch.transforms.OutputRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Where records leave the pipeline: the one place that knows how the channels are written.
 *
 * <p>The seam exists for Flink. A Flatten in front of a writer cuts Flink's fused chain and ships every
 * record through its network stack, so a channel fed by several branches (unmatched: routed tweets and
 * stream notices; errors: parse and route failures) gets one writer per branch wherever the sink allows
 * it ({@link Sinks#writesEachBranch}: Kafka does; a file cannot have two writers, so it gets the branches
 * joined). For the same reason count events are summed per bundle inside each producing chain before
 * they meet ({@link dev.linkwatch.transforms.CountWindows}). The branch names are part of the
 * exactly-once writer's transactional ids and of the checkpointed step names: keep them stable.
 */
final class WriteChannels {
  private final Sinks sinks;
  private final int maxRecordBytes;

  WriteChannels(Sinks sinks, int maxRecordBytes) {
    this.sinks = sinks;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Branch names in order, each with its records. */
  static Map<String, PCollection<OutputRecord>> branches(
      String first, PCollection<OutputRecord> a, String second, PCollection<OutputRecord> b) {
    Map<String, PCollection<OutputRecord>> branches = new LinkedHashMap<>();
    branches.put(first, a);
    branches.put(second, b);
    return branches;
  }

  /** Writes {@code records} as the whole of {@code channel} ({@code Write<name>}). */
  PCollection<OutputRecord> write(Channel channel, String name, PCollection<OutputRecord> records) {
    records.apply("Write" + name, sinks.to(channel, name));
    return records;
  }

  /**
   * Writes one channel fed by several branches and returns them joined (for callers and tests):
   * {@code Write<branch>} per branch where the sink allows it, else the joined records once
   * ({@code Write<name>}).
   *
   * <p>Where each branch has its own writer, the join ({@code Join<name>}) is added to the pipeline only
   * when a caller asks for it (before the run). Unused, it costs nothing on Flink, but Beam's Spark
   * runner runs every unused output as a Spark job of its own each microbatch, and caches (encodes,
   * stores and decodes again) every collection read by two steps: the join would make each branch
   * one of those.
   */
  Supplier<PCollection<OutputRecord>> write(
      Channel channel, String name, Map<String, PCollection<OutputRecord>> branches) {
    Supplier<PCollection<OutputRecord>> joined = new Joined(name, branches);
    if (sinks.writesEachBranch()) {
      branches.forEach((branch, records) -> records.apply("Write" + branch, sinks.to(channel, branch)));
    } else {
      joined.get().apply("Write" + name, sinks.to(channel));
    }
    return joined;
  }

  /** The branches flattened into one collection, made once, on first use. */
  private static final class Joined implements Supplier<PCollection<OutputRecord>> {
    private final String name;
    private final Map<String, PCollection<OutputRecord>> branches;
    private PCollection<OutputRecord> joined;

    Joined(String name, Map<String, PCollection<OutputRecord>> branches) {
      this.name = name;
      this.branches = branches;
    }

    @Override
    public synchronized PCollection<OutputRecord> get() {
      if (joined == null) {
        PCollectionList<OutputRecord> list =
            PCollectionList.empty(branches.values().iterator().next().getPipeline());
        for (PCollection<OutputRecord> branch : branches.values()) {
          list = list.and(branch);
        }
        joined = list.apply("Join" + name, Flatten.pCollections());
      }
      return joined;
    }
  }

  /** Dead letters as error records, their original bytes cut to what the channel takes. */
  PCollection<OutputRecord> render(String name, PCollection<DeadLetter> letters) {
    int max = maxRecordBytes;
    return letters
        .apply(
            "Render" + name,
            MapElements.into(TypeDescriptor.of(OutputRecord.class))
                .via((DeadLetter d) -> OutputRecord.from(d.source(), d.toJson(max))))
        .setCoder(OutputRecord.coder());
  }

  /** Count reports as JSON records on the counts channel, and on the console when asked. */
  void writeCounts(PCollection<CountReport> counts, int topN, boolean print, boolean bounded) {
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
    if (print) {
      counts.apply("PrintCounts", ParDo.of(new PrintCountsFn(topN, bounded)));
    }
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
