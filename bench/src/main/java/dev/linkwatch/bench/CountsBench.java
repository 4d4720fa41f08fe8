package dev.linkwatch.bench;

import dev.linkwatch.transforms.CountEvent;
import dev.linkwatch.transforms.CountReport;
import dev.linkwatch.transforms.CountWindows;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Per-element cost of {@link CountWindows}: 30 s batches alone against batches plus the 6 h window
 * sliding every 30 s, on the same generated events, on the runner given, alternating the two so load
 * on the machine hits both alike. Reports medians and their ratio (the target: at most 1.5).
 */
public final class CountsBench {
  private final PipelineOptions options;
  private final long events;
  private final int runs;
  private final Duration span;

  /**
   * {@code span} is the event time the events cover: the sliding windows cost per batch, not per
   * event, so the ratio depends on events per batch (events / (span / 30 s)), which the report states.
   */
  public CountsBench(PipelineOptions options, long events, int runs, Duration span) {
    this.options = options;
    this.events = events;
    this.runs = runs;
    this.span = span;
  }

  /** The figures of one comparison. */
  public record Result(long events, double batchesNanosPerEvent, double slidingNanosPerEvent) {
    public double ratio() {
      return slidingNanosPerEvent / batchesNanosPerEvent;
    }
  }

  public Result run(PrintStream out) {
    List<Long> batches = new ArrayList<>();
    List<Long> sliding = new ArrayList<>();
    timeOnce(CountWindows.create().withoutSlidingWindow()); // warm-up: class loading, JIT
    for (int i = 0; i < runs; i++) {
      batches.add(timeOnce(CountWindows.create().withoutSlidingWindow()));
      sliding.add(timeOnce(CountWindows.create()));
      out.printf(
          "  run %d: batches %.0f ms, batches + 6 h window %.0f ms%n",
          i + 1, batches.get(i) / 1e6, sliding.get(i) / 1e6);
    }
    return new Result(events, median(batches) / (double) events, median(sliding) / (double) events);
  }

  private long timeOnce(CountWindows counts) {
    Pipeline p = Pipeline.create(options);
    long n = events;
    // A realistic mix of outcomes, 50 artists and 200 domains, spread evenly over the span.
    SerializableFunction<Long, CountEvent> event =
        i -> {
          int kind = (int) (i % 10);
          if (kind < 3) {
            return new CountEvent(
                CountEvent.Outcome.MATCHED,
                List.of("artist " + (i % 50)),
                List.of("site" + (i % 200) + ".example"));
          }
          return CountEvent.of(kind < 9 ? CountEvent.Outcome.UNMATCHED : CountEvent.Outcome.ERRORED);
        };
    long spanMillis = span.getMillis();
    PCollection<CountEvent> events =
        p.apply("Events", GenerateSequence.from(0).to(n))
            .apply("Stamp", WithTimestamps.of((Long i) -> new Instant(i * spanMillis / n)))
            .apply("ToEvent", MapElements.into(TypeDescriptor.of(CountEvent.class)).via(event))
            .setCoder(CountEvent.coder());
    PCollection<CountReport> reports = PCollectionList.of(events).apply("CountWindows", counts);
    reports.apply("Drain", Count.globally());
    long start = System.nanoTime();
    p.run().waitUntilFinish();
    return System.nanoTime() - start;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
