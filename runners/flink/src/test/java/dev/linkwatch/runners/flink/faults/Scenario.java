package dev.linkwatch.runners.flink.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.BrokerFaults;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * One fault scenario's moving parts: its own broker (the scenario may damage it), the topics, generated
 * tweets streaming in, the pipeline on embedded Flink in its own JVM, and a watcher on the outputs.
 * Closing it stops all of them, the pipeline first.
 */
final class Scenario implements AutoCloseable {
  static final String RUNNER = "Flink 1.19 embedded, parallelism 2, own JVM (-Xmx1g)";
  static final String MODE = "streaming, at-least-once, no checkpoints";
  /** How long the pipeline JVM may take to start and write its first record (a loaded CI machine). */
  static final Duration FLOWING = Duration.ofMinutes(8);

  final String name;
  final LocalKafka kafka;
  final String in;
  private final List<AutoCloseable> open = new ArrayList<>();
  TweetStream stream;
  OutputWatcher watcher;
  PipelineProcess pipeline;

  private Scenario(String name, LocalKafka kafka) {
    this.name = name;
    this.kafka = kafka;
    this.in = "fault-" + name;
  }

  /** A broker of its own with the input topic ({@code partitions}) and the four output topics. */
  static Scenario open(String name, int partitions) throws IOException {
    Scenario s = new Scenario(name, LocalKafka.builder().partitions(2).heap("-Xmx512m").start());
    s.kafka.createTopics(partitions, s.in);
    s.kafka.createTopics(2, s.matched(), s.unmatched(), s.errors(), s.counts());
    s.watcher = new OutputWatcher(s.kafka.bootstrapServers(), s.in, s.recordTopics(), s.counts());
    s.open.add(s.watcher);
    return s;
  }

  String matched() {
    return in + ".matched";
  }

  String unmatched() {
    return in + ".unmatched";
  }

  String errors() {
    return in + ".errors";
  }

  String counts() {
    return in + ".counts";
  }

  List<String> recordTopics() {
    return List.of(matched(), unmatched(), errors());
  }

  /** Starts streaming tweets into the input topic (all partitions, or only {@code partition}). */
  TweetStream stream(int rate, Integer partition) {
    stream = new TweetStream(kafka.bootstrapServers(), in, partition, rate, name.hashCode());
    open.add(stream);
    return stream;
  }

  /** Starts the pipeline on the scenario's topics; {@code extra} options override the defaults. */
  PipelineProcess startPipeline(String... extra) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--parallelism=2",
                "--bootstrapServers=" + kafka.bootstrapServers(),
                "--inputTopic=" + in,
                "--matchedTopic=" + matched(),
                "--unmatchedTopic=" + unmatched(),
                "--errorsTopic=" + errors(),
                "--countsTopic=" + counts(),
                "--consumerGroup=" + in,
                "--unshorten=false",
                "--printCounts=false"));
    for (String e : extra) {
      String key = e.substring(0, e.indexOf('=') + 1);
      args.removeIf(a -> a.startsWith(key));
      args.add(e);
    }
    pipeline = PipelineProcess.start(Path.of("target", "fault-logs", name + "-pipeline.log"), "-Xmx1g", args);
    // Stopped before the broker and the clients, so it does not spend its last seconds reconnecting.
    open.add(0, pipeline);
    return pipeline;
  }

  /**
   * Waits until the pipeline writes and has worked off what the stream sent while it started, so the
   * fault meets a pipeline in its steady state.
   */
  void awaitPipelineFlowing(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    long first = watcher.awaitDistinct(1, max);
    assertRunning();
    assertThat(first).as("the pipeline wrote nothing within %s:%n%s", max, pipeline.tail(40)).isPositive();
    long caughtUp = watcher.awaitDistinct(stream.sent(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    assertRunning();
    assertThat(caughtUp).as("the pipeline did not catch up with the stream within %s", max).isPositive();
  }

  /** The pipeline JVM still runs and has not run out of memory. */
  void assertRunning() {
    assertThat(pipeline.sawOutOfMemory()).as("OutOfMemoryError in the pipeline:%n%s", pipeline.tail(40)).isFalse();
    assertThat(pipeline.isAlive())
        .as("the pipeline exited (code %d):%n%s", pipeline.exitCodeIfExited(), pipeline.tail(60))
        .isTrue();
  }

  /**
   * Stops the stream (waiting for every sent tweet to be acknowledged), then accounts for every input
   * offset on the outputs, waiting at most {@code max} for the last ones.
   */
  DeliveryCheck.Report finish(Duration max) throws InterruptedException {
    stream.stop(Duration.ofMinutes(2));
    return DeliveryCheck.of(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), in, recordTopics())
        .waitingAtMost(Duration.ofSeconds(3), max)
        .run();
  }

  /** What every scenario asserts at the end: all sent tweets are in the input, and all came out. */
  void assertNothingLost(DeliveryCheck.Report report) {
    assertThat(stream.failures()).as("tweets the upstream producer could not deliver").isEmpty();
    assertThat(stream.failed()).isZero();
    assertThat(report.inputRecords()).as("acknowledged tweets in the input topic").isEqualTo(stream.acked());
    assertThat(report.noneLost()).as(report.toText()).isTrue();
    assertRunning();
  }

  /** A step that damages or heals the broker. */
  interface BrokerAction {
    void apply(BrokerFaults broker) throws Exception;
  }

  /**
   * The broker-fault scenario: tweets at {@code rate}, the pipeline flowing, then {@code fault}, a wait
   * of {@code hold}, and {@code heal}; the pipeline is never touched. Recovery is the time from the heal
   * until everything sent before it has come out. Publishes the figures, then asserts that the pipeline
   * caught up and still runs and that nothing was lost.
   */
  static void rideOutBrokerFault(
      String name, String title, int rate, BrokerAction fault, Duration hold, BrokerAction heal)
      throws Exception {
    try (Scenario s = open(name, 2)) {
      TweetStream stream = s.stream(rate, null);
      s.startPipeline();
      s.awaitPipelineFlowing(FLOWING);
      Thread.sleep(3_000);

      long faultAt = System.nanoTime();
      fault.apply(s.kafka.faults());
      Thread.sleep(hold.toMillis());
      heal.apply(s.kafka.faults());
      long healedAt = System.nanoTime();
      long sentByThen = stream.sent();

      long caughtUp = s.watcher.awaitDistinct(sentByThen, Duration.ofMinutes(3));
      s.assertRunning();
      Thread.sleep(3_000); // the stream goes on a little: the pipeline keeps up after recovering
      DeliveryCheck.Report report = s.finish(Duration.ofMinutes(2));
      String recovery =
          caughtUp < 0
              ? "not caught up within 3 min"
              : seconds(healedAt, caughtUp) + " after the broker was back (fault lasted "
                  + seconds(faultAt, healedAt) + ")";
      new FaultReport(
              title,
              RUNNER,
              MODE,
              report,
              recovery,
              "pipeline JVM never restarted, still running, no OutOfMemoryError; producer lost nothing; "
                  + "every input offset out at least once")
          .publish();

      assertThat(caughtUp).as("the pipeline caught up after the fault:%n%s", s.pipeline.tail(40)).isPositive();
      s.assertNothingLost(report);
    }
  }

  static String seconds(long fromNanos, long toNanos) {
    return String.format("%.1f s", (toNanos - fromNanos) / 1e9);
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    kafka.close();
    if (first != null) {
      throw first;
    }
  }
}
