package dev.linkwatch.transforms;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.NonMergingWindowFn;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.transforms.windowing.WindowMappingFn;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The original job's counts, per batch and over a sliding window, in event time.
 *
 * <p>Input: one {@link CountEvent} per input record, timestamped with the record's event time, in one
 * or more collections (the pipeline's outcomes come from more than one step). Each is summed per
 * bundle where it is produced, so on Flink the events never leave the step's fused chain; only the
 * sums meet. Output:
 * {@link CountReport}s, one per pane: for each batch (fixed windows of {@link #withBatch}) and each
 * sliding window ({@link #withWindow}), the inbound, matched, unmatched, errored, notice and
 * dropped-late counts (always all present; inbound is their sum, so the accounting identity holds in
 * every pane) and the matched tweets per artist and per primary domain.
 *
 * <p>Triggers: each window fires when the watermark passes its end, then again for every late element
 * within {@link #withAllowedLateness}, with accumulated totals (a late pane carries the new total, it
 * does not vanish). linkwatch's Kafka source never hands over an element later than that: it
 * re-stamps such a record with its watermark and marks the event {@link CountEvent#tooLate()}, which
 * counts as dropped-late where it arrived. From other sources, elements later than the allowed
 * lateness are dropped by the runner (its {@code droppedDueToLateness} metric). A batch or window
 * without any record emits nothing.
 *
 * <p>Cost: every element is added once, into its bundle's sum for its batch. Sliding windows are
 * built from the batch aggregates, never from the elements, and through blocks of slides (a batch
 * joins 54 windows for 6 h / 30 s, not 720), so the window adds a cost per batch, not per element.
 * Batch and block deltas are computed in discarding mode so late panes add to the sliding windows
 * exactly once.
 */
public final class CountWindows
    extends PTransform<PCollectionList<CountEvent>, PCollection<CountReport>> {

  private final Duration batch;
  private final Duration windowSize;
  private final Duration slide;
  private final Duration allowedLateness;
  private final boolean sliding;
  private final boolean bounded;

  private CountWindows(
      Duration batch,
      Duration windowSize,
      Duration slide,
      Duration allowedLateness,
      boolean sliding,
      boolean bounded) {
    this.batch = batch;
    this.windowSize = windowSize;
    this.slide = slide;
    this.allowedLateness = allowedLateness;
    this.sliding = sliding;
    this.bounded = bounded;
  }

  /** The original job's shape: 30 s batches, a 6 h window sliding every 30 s; 5 min lateness. */
  public static CountWindows create() {
    return new CountWindows(
        Duration.standardSeconds(30),
        Duration.standardHours(6),
        Duration.standardSeconds(30),
        Duration.standardMinutes(5),
        true,
        false);
  }

  public CountWindows withBatch(Duration newBatch) {
    if (newBatch == null || newBatch.getMillis() <= 0) {
      throw new IllegalArgumentException("withBatch(duration): must be positive, was " + newBatch);
    }
    return new CountWindows(newBatch, windowSize, slide, allowedLateness, sliding, bounded);
  }

  public CountWindows withWindow(Duration size, Duration newSlide) {
    if (size == null || newSlide == null || size.getMillis() <= 0 || newSlide.getMillis() <= 0) {
      throw new IllegalArgumentException(
          "withWindow(size, slide): both must be positive, were " + size + ", " + newSlide);
    }
    return new CountWindows(batch, size, newSlide, allowedLateness, sliding, bounded);
  }

  public CountWindows withAllowedLateness(Duration lateness) {
    if (lateness == null || lateness.getMillis() < 0) {
      throw new IllegalArgumentException(
          "withAllowedLateness(duration): must be zero or more, was " + lateness);
    }
    return new CountWindows(batch, windowSize, slide, lateness, sliding, bounded);
  }

  /** Batches only, no sliding window: what the benchmark compares the full counts against. */
  public CountWindows withoutSlidingWindow() {
    return new CountWindows(batch, windowSize, slide, allowedLateness, false, bounded);
  }

  /**
   * For bounded input (a file run), where the watermark jumps to the end of time once the input ends
   * and every window would fire: a sliding window is reported only when its newest slide holds
   * records (the window a live run would show as that batch closed; at most one per batch with
   * records, none of the trailing windows after the last record or in gaps without records), and one
   * {@link CountReport.Scope#RUN} report sums the whole run. See docs/counts.md.
   */
  public CountWindows forBoundedInput() {
    return new CountWindows(batch, windowSize, slide, allowedLateness, sliding, true);
  }

  @Override
  public PCollection<CountReport> expand(PCollectionList<CountEvent> events) {
    if (slide.getMillis() % batch.getMillis() != 0 || windowSize.getMillis() % slide.getMillis() != 0) {
      throw new IllegalArgumentException(
          "CountWindows: the slide must be a multiple of the batch and the window a multiple of the"
              + " slide (batch " + batch + ", window " + windowSize + ", slide " + slide + ")");
    }
    PCollectionList<Counts> partialSums = PCollectionList.empty(events.getPipeline());
    for (int i = 0; i < events.size(); i++) {
      String suffix = events.size() == 1 ? "" : Integer.toString(i + 1);
      partialSums =
          partialSums.and(
              events
                  .get(i)
                  .apply("IntoBatches" + suffix, intoBatches())
                  .apply("SumPerBundle" + suffix, ParDo.of(new SumPerBundleFn()))
                  .setCoder(Counts.coder()));
    }
    PCollection<Counts> batchDeltas =
        partialSums
            .apply("CollectSums", Flatten.pCollections())
            .apply("CountBatch", Combine.globally(new MergeFn()).withoutDefaults())
            .setCoder(Counts.coder());

    PCollection<CountReport> batches =
        batchDeltas
            .apply("BatchTotals", accumulate(Window.into(FixedWindows.of(batch))))
            .apply("SumBatch", Combine.globally(new MergeFn()).withoutDefaults())
            .setCoder(Counts.coder())
            .apply("ReportBatch", ParDo.of(new ReportFn(CountReport.Scope.BATCH)))
            .setCoder(CountReport.coder());

    PCollectionList<CountReport> reports =
        PCollectionList.of(batches.apply("BatchReportsGlobal", Window.into(new GlobalWindows())));
    if (bounded) {
      // The global window fires once, when the bounded input is done: the run's final account.
      reports =
          reports.and(
              batchDeltas
                  .apply(
                      "RunWindow",
                      Window.<Counts>into(new GlobalWindows())
                          // The reports' trigger, so they flatten with the others; it fires once here.
                          .triggering(
                              AfterWatermark.pastEndOfWindow()
                                  .withLateFirings(AfterPane.elementCountAtLeast(1)))
                          .withAllowedLateness(Duration.ZERO)
                          .discardingFiredPanes())
                  .apply("SumRun", Combine.globally(new MergeFn()).withoutDefaults())
                  .setCoder(Counts.coder())
                  .apply("ReportRun", ParDo.of(new RunReportFn()))
                  .setCoder(CountReport.coder()));
    }
    if (!sliding) {
      return reports.size() == 1 ? reports.get(0) : reports.apply("AllReports", Flatten.pCollections());
    }
    // Two steps instead of one: batch deltas into blocks of k slides (sliding every slide), then each
    // block into the size/block windows it tiles. Each batch joins k + n/k windows, not n = size/slide
    // (54 instead of 720 for 6 h / 30 s), and every window is the same sum of the same batches.
    Duration block = slide.multipliedBy(slidesPerBlock(windowSize.getMillis() / slide.getMillis()));
    PCollection<CountReport> windows =
        batchDeltas
            .apply(
                "IntoBlocks",
                Window.<Counts>into(SlidingWindows.of(block).every(slide))
                    .triggering(
                        AfterWatermark.pastEndOfWindow().withLateFirings(AfterPane.elementCountAtLeast(1)))
                    .withAllowedLateness(allowedLateness)
                    .withOnTimeBehavior(Window.OnTimeBehavior.FIRE_IF_NON_EMPTY)
                    .discardingFiredPanes())
            .apply("SumBlock", Combine.globally(new MergeFn()).withoutDefaults())
            .setCoder(Counts.coder())
            .apply("IntoSlidingWindows", accumulate(Window.into(new BlocksIntoWindows(windowSize, block))))
            .apply("SumWindow", Combine.globally(new MergeFn()).withoutDefaults())
            .setCoder(Counts.coder())
            .apply(
                "ReportWindow",
                ParDo.of(new ReportFn(CountReport.Scope.WINDOW, bounded ? slide.getMillis() : 0)))
            .setCoder(CountReport.coder());

    // Reports carry their window and pane in their fields; one global collection is what sinks want.
    return reports
        .and(windows.apply("WindowReportsGlobal", Window.into(new GlobalWindows())))
        .apply("AllReports", Flatten.pCollections());
  }

  /** The divisor of {@code slides} nearest below its square root: it minimises k + slides / k. */
  static long slidesPerBlock(long slides) {
    long k = (long) Math.sqrt(slides);
    while (slides % k != 0) {
      k--;
    }
    return k;
  }

  /**
   * Puts the sum of a block {@code [u - block, u)} into every window {@code [t - size, t)} with
   * {@code t = u + m * block}, {@code m < size / block}: the windows that block tiles, so a window's
   * blocks together cover it exactly once.
   */
  static final class BlocksIntoWindows extends NonMergingWindowFn<Object, IntervalWindow> {
    private final Duration size;
    private final Duration block;

    BlocksIntoWindows(Duration size, Duration block) {
      this.size = size;
      this.block = block;
    }

    @Override
    public Collection<IntervalWindow> assignWindows(AssignContext c) {
      Instant blockEnd = ((IntervalWindow) c.window()).end();
      long blocks = size.getMillis() / block.getMillis();
      List<IntervalWindow> windows = new ArrayList<>((int) blocks);
      for (long m = 0; m < blocks; m++) {
        Instant end = blockEnd.plus(block.getMillis() * m);
        windows.add(new IntervalWindow(end.minus(size), end));
      }
      return windows;
    }

    @Override
    public boolean isCompatible(WindowFn<?, ?> other) {
      return equals(other);
    }

    @Override
    public Coder<IntervalWindow> windowCoder() {
      return IntervalWindow.getCoder();
    }

    @Override
    public WindowMappingFn<IntervalWindow> getDefaultWindowMappingFn() {
      throw new UnsupportedOperationException("BlocksIntoWindows is not for side inputs");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BlocksIntoWindows b && size.equals(b.size) && block.equals(b.block);
    }

    @Override
    public int hashCode() {
      return size.hashCode() * 31 + block.hashCode();
    }
  }

  private Window<CountEvent> intoBatches() {
    return Window.<CountEvent>into(FixedWindows.of(batch))
        .triggering(AfterWatermark.pastEndOfWindow().withLateFirings(AfterPane.elementCountAtLeast(1)))
        .withAllowedLateness(allowedLateness)
        .withOnTimeBehavior(Window.OnTimeBehavior.FIRE_IF_NON_EMPTY)
        .discardingFiredPanes();
  }

  private Window<Counts> accumulate(Window<Counts> window) {
    return window
        .triggering(AfterWatermark.pastEndOfWindow().withLateFirings(AfterPane.elementCountAtLeast(1)))
        .withAllowedLateness(allowedLateness)
        .withOnTimeBehavior(Window.OnTimeBehavior.FIRE_IF_NON_EMPTY)
        .accumulatingFiredPanes();
  }

  /**
   * Stage 1: each bundle's events summed per batch before they meet at the single combine, so one
   * element per batch and bundle reaches it instead of one per input record (on Flink the combine
   * runs in an operator of its own: every element crossing to it is serialised). Emitted at the
   * batch's last instant, never behind its events, so a sum is late only if one of its events was.
   */
  static final class SumPerBundleFn extends DoFn<CountEvent, Counts> {
    private transient Map<BoundedWindow, Counts> sums;

    @StartBundle
    public void startBundle() {
      sums = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element CountEvent event, BoundedWindow window) {
      sums.computeIfAbsent(window, w -> new Counts()).add(event);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      sums.forEach(
          (window, counts) -> {
            IntervalWindow w = (IntervalWindow) window;
            counts.cover(w.start().getMillis(), w.end().getMillis());
            context.output(counts, window.maxTimestamp(), window);
          });
      sums.clear();
    }
  }

  /** Stage 2: partial counts summed into a batch, a batch total, a block or a sliding window. */
  static final class MergeFn extends Combine.CombineFn<Counts, Counts, Counts> {
    @Override
    public Counts createAccumulator() {
      return new Counts();
    }

    @Override
    public Counts mergeAccumulators(Iterable<Counts> accs) {
      Counts merged = new Counts();
      accs.forEach(merged::merge);
      return merged;
    }

    @Override
    public Counts extractOutput(Counts acc) {
      // A copy: with Flink's object reuse the emitted value would otherwise be the accumulator that
      // state keeps adding to after an accumulating pane has fired.
      Counts out = new Counts();
      out.merge(acc);
      return out;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<Counts> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry,
        org.apache.beam.sdk.coders.Coder<Counts> inputCoder) {
      return Counts.coder();
    }

    @Override
    public Counts addInput(Counts acc, Counts input) {
      acc.merge(input);
      return acc;
    }
  }

  static final class ReportFn extends DoFn<Counts, CountReport> {
    private final CountReport.Scope scope;
    /** When positive: report a window only when its newest slide of this length holds records. */
    private final long activeSlideMillis;

    ReportFn(CountReport.Scope scope) {
      this(scope, 0);
    }

    ReportFn(CountReport.Scope scope, long activeSlideMillis) {
      this.scope = scope;
      this.activeSlideMillis = activeSlideMillis;
    }

    @ProcessElement
    public void process(
        @Element Counts counts, IntervalWindow window, PaneInfo pane, OutputReceiver<CountReport> out) {
      if (counts.inbound() == 0) {
        // Some runners (Flink, at the end of a bounded read) fire an extra pane with nothing in it;
        // a window without records reports nothing, as documented.
        return;
      }
      if (activeSlideMillis > 0 && counts.lastMillis() <= window.end().getMillis() - activeSlideMillis) {
        return; // a bounded run's window whose newest slide is empty (see forBoundedInput)
      }
      out.output(
          new CountReport(
              scope,
              window.start().getMillis(),
              window.end().getMillis(),
              pane.getTiming().name(),
              pane.isLast(),
              counts));
    }
  }

  /** The bounded run's account: all its counts, over the span from its first to its last batch. */
  static final class RunReportFn extends DoFn<Counts, CountReport> {
    @ProcessElement
    public void process(@Element Counts counts, OutputReceiver<CountReport> out) {
      if (counts.inbound() == 0) {
        return;
      }
      out.output(
          new CountReport(
              CountReport.Scope.RUN, counts.firstMillis(), counts.lastMillis(), "ON_TIME", true, counts));
    }
  }
}
