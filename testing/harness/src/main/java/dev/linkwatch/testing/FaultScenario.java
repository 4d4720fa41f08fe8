package dev.linkwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.BrokerFaults;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The fault scenarios every runner goes through ({@link #brokerKill}, {@link #brokerPause}, {@link
 * #burst}, {@link #idlePartitions}), and one scenario's moving parts: its own broker (the scenario may
 * damage it), the topics, generated tweets streaming in, the pipeline on the given {@link FaultRunner}
 * in its own JVM, and a watcher on the outputs. Closing it stops all of them, the pipeline first. Each
 * scenario publishes its figures ({@link FaultReport}, {@code target/fault-report.md}) before it asserts.
 */
public final class FaultScenario implements AutoCloseable {
  /** How long the pipeline JVM may take to start and write its first record (a loaded CI machine). */
  static final Duration FLOWING = Duration.ofMinutes(8);

  final FaultRunner runner;
  final String name;
  final LocalKafka kafka;
  final String in;
  private final List<AutoCloseable> open = new ArrayList<>();
  TweetStream stream;
  OutputWatcher watcher;
  PipelineProcess pipeline;
  /** The pipeline's working directory, one per scenario: a restart finds its checkpoint there. */
  private Path work;
  private int starts;

  private FaultScenario(FaultRunner runner, String name, LocalKafka kafka) {
    this.runner = runner;
    this.name = name;
    this.kafka = kafka;
    this.in = "fault-" + name;
  }

  /** A broker of its own with the input topic ({@code partitions}) and the four output topics. */
  static FaultScenario open(FaultRunner runner, String name, int partitions) throws IOException {
    FaultScenario s = new FaultScenario(runner, name, LocalKafka.builder().partitions(2).heap("-Xmx512m").start());
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

  /**
   * Starts the pipeline on the scenario's topics; {@code extra} options override the defaults. A second
   * start is a restart: same working directory (checkpoint), its own log.
   */
  PipelineProcess startPipeline(String... extra) throws IOException {
    Path logs = Files.createDirectories(Path.of("target", "fault-logs"));
    if (work == null) {
      // Fresh for the scenario: a checkpoint left by an earlier run would restore that run's job.
      work = Files.createTempDirectory(logs, name + "-").toAbsolutePath();
    }
    starts++;
    List<String> args = new ArrayList<>(runner.args().apply(work));
    args.addAll(
        List.of(
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
    String log = name + "-pipeline" + (starts == 1 ? "" : "-" + starts) + ".log";
    pipeline = PipelineProcess.start(runner, logs.resolve(log), "-Xmx1g", args);
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
   * The broker is SIGKILLed under load (100 tweets/s) and started again 10 s later on the same ports
   * and data: the pipeline, never restarted, carries on by itself and every tweet sent comes out.
   */
  public static void brokerKill(FaultRunner runner) throws Exception {
    rideOutBrokerFault(
        runner,
        "broker-kill",
        "broker SIGKILLed for 10 s under load, restarted on the same ports and data",
        100,
        BrokerFaults::kill,
        Duration.ofSeconds(10),
        BrokerFaults::restart);
  }

  /**
   * The broker is frozen (SIGSTOP) under load for 30 s, its sockets open but silent, then thawed: the
   * pipeline, never restarted, carries on by itself and every tweet sent comes out. A frozen broker is
   * harder on clients than a dead one: connections do not fail, requests just get no answer until they
   * time out.
   */
  public static void brokerPause(FaultRunner runner) throws Exception {
    rideOutBrokerFault(
        runner,
        "broker-pause",
        "broker paused (SIGSTOP) for 30 s under load, then resumed",
        100,
        BrokerFaults::pause,
        Duration.ofSeconds(30),
        BrokerFaults::resume);
  }

  /**
   * The broker-fault scenario: tweets at {@code rate}, the pipeline flowing, then {@code fault}, a wait
   * of {@code hold}, and {@code heal}; the pipeline is never touched. Recovery is the time from the heal
   * until everything sent before it has come out. Publishes the figures, then asserts that the pipeline
   * caught up and still runs and that nothing was lost.
   */
  static void rideOutBrokerFault(
      FaultRunner runner, String name, String title, int rate, BrokerAction fault, Duration hold, BrokerAction heal)
      throws Exception {
    try (FaultScenario s = open(runner, name, 2)) {
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
              runner.runner(),
              runner.mode(),
              report,
              recovery,
              "pipeline JVM never restarted, still running, no OutOfMemoryError; producer lost nothing; "
                  + "every input offset out at least once")
          .publish();

      assertThat(caughtUp).as("the pipeline caught up after the fault:%n%s", s.pipeline.tail(40)).isPositive();
      s.assertNothingLost(report);
    }
  }

  /**
   * The writers give up during a broker kill ({@code shortTimeouts}: producer timeouts cut to a second
   * or two, as a broker away longer than linkwatch's 5-minute delivery timeout would do): the job must
   * end by itself, and the same command started again once the broker is back must bring out every
   * record, those of the failed writes included. Recovery is the time from the restart until
   * everything sent before it has come out.
   */
  public static void failedWritesThenRestart(FaultRunner runner, String... shortTimeouts) throws Exception {
    try (FaultScenario s = open(runner, "write-failure", 2)) {
      TweetStream stream = s.stream(100, null);
      s.startPipeline(shortTimeouts);
      s.awaitPipelineFlowing(FLOWING);
      Thread.sleep(3_000);
      s.kafka.faults().kill();
      Thread.sleep(10_000);
      s.kafka.faults().restart();
      long healedAt = System.nanoTime();
      boolean aliveAtHeal = s.pipeline.isAlive();
      long deadline = healedAt + Duration.ofMinutes(3).toNanos();
      while (s.pipeline.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      boolean ended = !s.pipeline.isAlive();
      int exit = s.pipeline.stop();
      String ending =
          !ended
              ? "job still running 3 min after the broker was back (stopped)"
              : aliveAtHeal
                  ? String.format("job ended by itself %s after the broker was back, exit %d", seconds(healedAt, System.nanoTime()), exit)
                  : String.format("job ended by itself while the broker was away, exit %d", exit);
      long restartedAt = System.nanoTime();
      s.startPipeline(shortTimeouts);
      long caughtUp = s.watcher.awaitDistinct(stream.sent(), Duration.ofMinutes(4));
      s.assertRunning();
      DeliveryCheck.Report report = s.finish(Duration.ofMinutes(2));
      new FaultReport(
              "broker SIGKILLed for 10 s while the writers' timeouts are 1-2 s (writes fail), then the same command again",
              runner.runner(),
              runner.mode(),
              report,
              ending + "; " + (caughtUp < 0 ? "not caught up 4 min after the restart" : "caught up " + seconds(restartedAt, caughtUp) + " after the restart"),
              "the job ends by itself; after a restart every input offset out at least once")
          .publish();

      assertThat(ended).as("the job ended by itself after its writes failed:%n%s", s.pipeline.tail(40)).isTrue();
      s.assertNothingLost(report);
    }
  }

  /** Only one of four input partitions gets tweets: every batch must still close ({@link IdlePartitionScenario}). */
  public static void idlePartitions(FaultRunner runner) throws Exception {
    IdlePartitionScenario.run(runner);
  }

  /** The burst: {@value #BURST_FACTOR} times a steady {@value #STEADY} tweets/s, for {@value #BURST_SECONDS} s. */
  private static final int STEADY = 100;
  private static final int BURST_FACTOR = 10;
  private static final int BURST_SECONDS = 15;

  /**
   * A burst of ten times the steady rate: the pipeline (1 GB heap) takes it without an
   * OutOfMemoryError, works off the lag afterwards, and loses nothing. Backpressure, not buffering, has
   * to absorb it: KafkaIO reads only as fast as the job processes. The steady rate is kept up with
   * easily here even with other builds running (the pipeline does thousands a second).
   */
  public static void burst(FaultRunner runner) throws Exception {
    int burst = BURST_FACTOR * STEADY;
    try (FaultScenario s = open(runner, "burst", 2)) {
      TweetStream stream = s.stream(STEADY, null);
      s.startPipeline();
      s.awaitPipelineFlowing(FLOWING);
      Thread.sleep(5_000);

      long burstFrom = System.nanoTime();
      long before = stream.sent();
      stream.rate(burst);
      Thread.sleep(BURST_SECONDS * 1000L);
      stream.rate(STEADY);
      long burstTo = System.nanoTime();
      long sentByThen = stream.sent();
      double achieved = (sentByThen - before) / ((burstTo - burstFrom) / 1e9);

      long drained = s.watcher.awaitDistinct(sentByThen, Duration.ofMinutes(3));
      s.assertRunning();
      Thread.sleep(3_000);
      DeliveryCheck.Report report = s.finish(Duration.ofMinutes(2));
      new FaultReport(
              String.format(
                  "burst of 10x: %d/s for %d s (%.0f/s achieved) on top of a steady %d/s",
                  burst, BURST_SECONDS, achieved, STEADY),
              runner.runner(),
              runner.mode(),
              report,
              drained < 0 ? "lag not drained within 3 min" : "lag drained " + seconds(burstTo, drained) + " after the burst",
              "no OutOfMemoryError, pipeline JVM still running; lag drained; every input offset out at least once")
          .publish();

      assertThat(drained).as("the lag drained after the burst:%n%s", s.pipeline.tail(40)).isPositive();
      s.assertNothingLost(report);
    }
  }

  private static String seconds(long fromNanos, long toNanos) {
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
