package dev.linkwatch.transforms;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * CountWindows on TestStream scenarios: each report is rendered as one line naming its scope, window,
 * pane timing and counts, so the assertions are exact about which pane said what.
 */
public class CountWindowsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final Instant T0 = new Instant(0);

  private static CountWindows small() {
    // 10 s batches, a 30 s window sliding every 10 s, 60 s allowed lateness.
    return CountWindows.create()
        .withBatch(Duration.standardSeconds(10))
        .withWindow(Duration.standardSeconds(30), Duration.standardSeconds(10))
        .withAllowedLateness(Duration.standardSeconds(60));
  }

  static TimestampedValue<CountEvent> event(CountEvent.Outcome outcome, long second, String artist, String... domains) {
    CountEvent e =
        new CountEvent(outcome, artist == null ? List.of() : List.of(artist), List.of(domains));
    return TimestampedValue.of(e, T0.plus(Duration.standardSeconds(second)));
  }

  static TimestampedValue<CountEvent> matched(long second, String artist, String... domains) {
    return event(CountEvent.Outcome.MATCHED, second, artist, domains);
  }

  static TimestampedValue<CountEvent> other(CountEvent.Outcome outcome, long second) {
    return event(outcome, second, null);
  }

  static String line(CountReport r) {
    Counts c = r.counts();
    // The accounting identity, checked on every report that is emitted.
    assertEquals(c.inbound(), c.matched() + c.unmatched() + c.errored() + c.notices() + c.droppedLate());
    return r.scope().label()
        + " [" + r.windowStartMillis() / 1000 + "," + r.windowEndMillis() / 1000 + ") " + r.timing()
        + " in=" + c.inbound() + " m=" + c.matched() + " u=" + c.unmatched() + " e=" + c.errored()
        + " n=" + c.notices()
        + (c.droppedLate() > 0 ? " late=" + c.droppedLate() : "")
        + " artists=" + new TreeMap<>(Map.ofEntries(c.topArtists(10).toArray(Map.Entry[]::new)))
        + " domains=" + new TreeMap<>(Map.ofEntries(c.topDomains(10).toArray(Map.Entry[]::new)));
  }

  private PCollection<String> lines(TestStream<CountEvent> stream, CountWindows counts) {
    return PCollectionList.of(p.apply(stream))
        .apply(counts)
        .apply(MapElements.into(TypeDescriptors.strings()).via(CountWindowsTest::line));
  }

  @Test
  public void onTimeThenLatePaneWithTheNewTotal() {
    TestStream<CountEvent> stream =
        TestStream.create(CountEvent.coder())
            .addElements(
                matched(1, "Little Mix", "leaks.co.uk"),
                other(CountEvent.Outcome.UNMATCHED, 2),
                other(CountEvent.Outcome.NOTICE, 3))
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(15)))
            // late for batch [0,10), within the allowed lateness: a late pane with the new total
            .addElements(matched(4, "Major Lazer", "leaks.co.uk", "dump.net"))
            .advanceWatermarkToInfinity();
    PAssert.that(lines(stream, small().withWindow(Duration.standardSeconds(10), Duration.standardSeconds(10))))
        .containsInAnyOrder(
            "batch [0,10) ON_TIME in=3 m=1 u=1 e=0 n=1 artists={Little Mix=1} domains={leaks.co.uk=1}",
            "batch [0,10) LATE in=4 m=2 u=1 e=0 n=1 artists={Little Mix=1, Major Lazer=1} domains={dump.net=1, leaks.co.uk=2}",
            "window [0,10) ON_TIME in=3 m=1 u=1 e=0 n=1 artists={Little Mix=1} domains={leaks.co.uk=1}",
            "window [0,10) LATE in=4 m=2 u=1 e=0 n=1 artists={Little Mix=1, Major Lazer=1} domains={dump.net=1, leaks.co.uk=2}");
    p.run();
  }

  @Test
  public void twoBatchesInsideOneWindowAndTheWindowSlidingOut() {
    TestStream<CountEvent> stream =
        TestStream.create(CountEvent.coder())
            .addElements(matched(1, "Little Mix", "a.com"), other(CountEvent.Outcome.ERRORED, 5))
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(10)))
            .addElements(matched(12, "Little Mix", "b.com"))
            .advanceWatermarkToInfinity();
    PAssert.that(lines(stream, small()))
        .containsInAnyOrder(
            "batch [0,10) ON_TIME in=2 m=1 u=0 e=1 n=0 artists={Little Mix=1} domains={a.com=1}",
            "batch [10,20) ON_TIME in=1 m=1 u=0 e=0 n=0 artists={Little Mix=1} domains={b.com=1}",
            // windows sliding in over the first batch
            "window [-20,10) ON_TIME in=2 m=1 u=0 e=1 n=0 artists={Little Mix=1} domains={a.com=1}",
            "window [-10,20) ON_TIME in=3 m=2 u=0 e=1 n=0 artists={Little Mix=2} domains={a.com=1, b.com=1}",
            // both batches inside one window
            "window [0,30) ON_TIME in=3 m=2 u=0 e=1 n=0 artists={Little Mix=2} domains={a.com=1, b.com=1}",
            // the first batch has slid out
            "window [10,40) ON_TIME in=1 m=1 u=0 e=0 n=0 artists={Little Mix=1} domains={b.com=1}");
    p.run();
  }

  @Test
  public void tooLateRecordsDoNotChangeClosedWindows() {
    TestStream<CountEvent> stream =
        TestStream.create(CountEvent.coder())
            .addElements(other(CountEvent.Outcome.UNMATCHED, 1))
            // far past the end of [0,10) plus 60 s of lateness
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(200)))
            .addElements(matched(2, "Little Mix", "late.com"))
            .advanceWatermarkToInfinity();
    PAssert.that(lines(stream, small().withWindow(Duration.standardSeconds(10), Duration.standardSeconds(10))))
        .containsInAnyOrder(
            "batch [0,10) ON_TIME in=1 m=0 u=1 e=0 n=0 artists={} domains={}",
            "window [0,10) ON_TIME in=1 m=0 u=1 e=0 n=0 artists={} domains={}");
    p.run();
  }

  @Test
  public void recordsMarkedTooLateAreCountedAsDroppedWhereTheyArrived() {
    // The Kafka source stamps a too-late record with its watermark and marks it (LateClampingPolicy):
    // it then counts as dropped-late in the batch it arrived in, not as matched, nor in its own window.
    TestStream<CountEvent> stream =
        TestStream.create(CountEvent.coder())
            .addElements(other(CountEvent.Outcome.UNMATCHED, 101))
            .addElements(
                TimestampedValue.of(
                    new CountEvent(CountEvent.Outcome.MATCHED, List.of("Little Mix"), List.of("late.com"), true),
                    T0.plus(Duration.standardSeconds(102))))
            .advanceWatermarkToInfinity();
    PAssert.that(lines(stream, small().withWindow(Duration.standardSeconds(10), Duration.standardSeconds(10))))
        .containsInAnyOrder(
            "batch [100,110) ON_TIME in=2 m=0 u=1 e=0 n=0 late=1 artists={} domains={}",
            "window [100,110) ON_TIME in=2 m=0 u=1 e=0 n=0 late=1 artists={} domains={}");
    p.run();
  }

  @Test
  public void anIdleStretchEmitsNothingAndLaterBatchesStillClose() {
    TestStream<CountEvent> stream =
        TestStream.create(CountEvent.coder())
            .addElements(other(CountEvent.Outcome.UNMATCHED, 1))
            // a long idle gap: the watermark moves on with no data
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(100)))
            .addElements(other(CountEvent.Outcome.NOTICE, 101))
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(111)))
            .advanceWatermarkToInfinity();
    PAssert.that(lines(stream, small().withWindow(Duration.standardSeconds(10), Duration.standardSeconds(10))))
        .containsInAnyOrder(
            "batch [0,10) ON_TIME in=1 m=0 u=1 e=0 n=0 artists={} domains={}",
            "window [0,10) ON_TIME in=1 m=0 u=1 e=0 n=0 artists={} domains={}",
            "batch [100,110) ON_TIME in=1 m=0 u=0 e=0 n=1 artists={} domains={}",
            "window [100,110) ON_TIME in=1 m=0 u=0 e=0 n=1 artists={} domains={}");
    p.run();
  }

  @Test
  public void topNTiesAreBrokenByName() {
    Counts c =
        Counts.of(3, 0, 0, 0, Map.of("b", 2L, "a", 2L, "c", 5L, "d", 1L), Map.of());
    assertEquals(List.of(Map.entry("c", 5L), Map.entry("a", 2L), Map.entry("b", 2L)), c.topArtists(3));
  }

  @Test
  public void consoleLayoutFollowsTheOriginal() {
    Counts c = Counts.of(1, 8, 0, 0, Map.of("Major Lazer", 1320L), Map.of("leaks.co.uk", 1L));
    c.droppedLate = 2;
    String text = new CountReport(CountReport.Scope.WINDOW, 0, 30_000, "ON_TIME", false, c).toConsole(10);
    org.junit.Assert.assertTrue(text, text.contains("Window/Inbound: 11\n"));
    org.junit.Assert.assertTrue(text, text.contains("Window/Dropped-Late: 2\n"));
    org.junit.Assert.assertTrue(text, text.contains("Window/Non-Matched: 8\n"));
    org.junit.Assert.assertTrue(text, text.contains("Window/Artist: Major Lazer\tCount: 1320\n"));
    org.junit.Assert.assertTrue(text, text.contains("Time: 1970-01-01 00:00:30"));
  }

  @Test(expected = IllegalArgumentException.class)
  public void aSlideThatIsNotAMultipleOfTheBatchIsRefused() {
    p.enableAbandonedNodeEnforcement(false);
    PCollectionList.of(p.apply(TestStream.create(CountEvent.coder()).advanceWatermarkToInfinity()))
        .apply(small().withWindow(Duration.standardSeconds(30), Duration.standardSeconds(15)));
  }
  /**
   * A window of six slides is summed from blocks of two (see {@code slidesPerBlock}): every window,
   * on time and late, must equal the plain count of the events inside it.
   */
  @Test
  public void windowsSummedFromBlocksEqualTheirEvents() {
    assertEquals(2, CountWindows.slidesPerBlock(6));
    assertEquals(24, CountWindows.slidesPerBlock(720));
    long[] seconds = {1, 5, 12, 25, 33, 47, 58, 61, 64, 99};
    long lateSecond = 15;
    TestStream.Builder<CountEvent> stream = TestStream.create(CountEvent.coder());
    for (long s : seconds) {
      stream = stream.addElements(other(CountEvent.Outcome.UNMATCHED, s));
    }
    TestStream<CountEvent> events =
        stream
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(75)))
            // late for the windows ending at 20 to 70, which have fired; within the lateness
            .addElements(other(CountEvent.Outcome.UNMATCHED, lateSecond))
            .advanceWatermarkToInfinity();
    List<String> expected = new ArrayList<>();
    for (long windowEnd = 10; windowEnd <= 160; windowEnd += 10) {
      long end = windowEnd;
      long start = end - 60;
      long onTime = Arrays.stream(seconds).filter(x -> x >= start && x < end).count();
      boolean late = lateSecond >= start && lateSecond < end;
      boolean firedBeforeTheLateOne = end <= 70;
      long first = onTime + (late && !firedBeforeTheLateOne ? 1 : 0);
      if (first > 0) {
        expected.add(windowLine(start, end, "ON_TIME", first));
      }
      if (late && firedBeforeTheLateOne) {
        expected.add(windowLine(start, end, "LATE", onTime + 1));
      }
    }
    PCollection<String> windows =
        lines(
                events,
                CountWindows.create()
                    .withBatch(Duration.standardSeconds(10))
                    .withWindow(Duration.standardSeconds(60), Duration.standardSeconds(10))
                    .withAllowedLateness(Duration.standardSeconds(60)))
            .apply(Filter.by((String l) -> l.startsWith("window")));
    PAssert.that(windows).containsInAnyOrder(expected);
    p.run();
  }

  private static String windowLine(long start, long end, String timing, long n) {
    return "window [" + start + "," + end + ") " + timing + " in=" + n + " m=0 u=" + n
        + " e=0 n=0 artists={} domains={}";
  }
}
