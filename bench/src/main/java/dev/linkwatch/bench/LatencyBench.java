package dev.linkwatch.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code bench latency}: how soon a record comes out while the input arrives at a fixed rate.
 *
 * <p>For each rate and contestant: a fresh input topic and fresh output topics, all with {@code
 * message.timestamp.type=LogAppendTime}, so the broker stamps each record with the time it appended
 * it, on one clock for both sides; the contestant starts in its own JVM; a producer feeds the input at
 * the rate, from the start, through the contestant's start-up (its backlog is caught up before anything
 * is measured), a warm-up, then the measured period; then the feed stops and the outputs drain. A
 * record's latency is its output's append time minus its input's append time, the output found by its
 * {@code linkwatch.source.*} headers; only inputs appended during the measured period count.
 *
 * <p>Kept up: every measured input came out, and the latency of the measured period's last second is
 * no more than one second above its first second's (a job that falls behind builds a queue, and its
 * latency grows for as long as the rate lasts).
 */
public final class LatencyBench {
  /** What to run. A rate of 0 stands for 80 % of the limit-all's rate, measured first. */
  public record Config(
      List<String> contestants,
      List<Integer> rates,
      int seconds,
      int warmupSeconds,
      EndToEndBench.Config e2e) {}

  /** One contestant at one rate. */
  public record Row(
      String contestant,
      int rate,
      long sent,
      long measured,
      long measuredOut,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      double firstSecondMillis,
      double lastSecondMillis,
      boolean keptUp,
      String note,
      long periodMillis) {}

  public record Result(Instant started, Instant finished, String machine, int seconds, List<Row> rows) {}

  private final Config config;
  private final PrintStream log;
  private final Contestants contestants;

  public LatencyBench(Config config, PrintStream log) {
    this.config = config;
    this.log = log;
    this.contestants = new Contestants(config.e2e());
  }

  public Result run() throws Exception {
    Instant started = Instant.now();
    Files.createDirectories(config.e2e().workDir());
    List<Integer> rates = new ArrayList<>();
    for (int rate : config.rates()) {
      rates.add(rate > 0 ? rate : eightyPercentOfLimitAll());
    }
    List<Row> rows = new ArrayList<>();
    try (LocalKafka kafka =
        LocalKafka.builder().partitions(2).heap("-Xmx1g").startTimeout(Duration.ofMinutes(4)).start()) {
      log.println("  broker at " + kafka.bootstrapServers());
      Path catalog =
          EndToEndBench.writeCatalog(
              config.e2e().workDir().resolve("catalog-" + config.e2e().catalogNames() + ".json"),
              config.e2e().catalogNames());
      for (int rate : rates) {
        for (String c : config.contestants()) {
          Row row = runOne(kafka, catalog, c, rate);
          rows.add(row);
          log.printf(
              "  %-16s %6d/s: p50 %6.0f ms, p99 %6.0f ms, max %6.0f ms, %d of %d out, %s%s%n",
              c, rate, row.p50Millis(), row.p99Millis(), row.maxMillis(), row.measuredOut(), row.measured(),
              row.keptUp() ? "kept up" : "did NOT keep up", row.note().isEmpty() ? "" : "  " + row.note());
        }
      }
    }
    return new Result(started, Instant.now(), BenchReport.machine(), config.seconds(), rows);
  }

  /** The rate the third default step uses: 80 % of limit-all's steady rate on this machine, now. */
  private int eightyPercentOfLimitAll() throws Exception {
    EndToEndBench.Config e = config.e2e();
    EndToEndBench.Config probe =
        new EndToEndBench.Config(
            100_000, 1, List.of("limit-all"), e.catalogNames(), e.originalRecords(), e.directRecords(), e.sparkStreamingRecords(),
            e.childHeap(), e.sparkHeap(), e.flinkArgs(), e.sparkArgs(), e.projectDir(), e.workDir().resolve("probe"),
            e.seed(), 0, 0);
    log.println("  measuring limit-all's rate (100 000 tweets) for the 80 % step ...");
    EndToEndBench.Result r = new EndToEndBench(probe, log).run();
    double steady = r.rows().get(0).steadyPerSecond();
    int rate = (int) Math.round(steady * 0.8 / 100) * 100;
    log.printf("  limit-all: %.0f tweets/s steady; 80 %%: %d/s%n", steady, rate);
    return Math.max(100, rate);
  }

  private Row runOne(LocalKafka kafka, Path catalog, String contestant, int rate) throws Exception {
    String prefix = "lat." + rate + "." + contestant;
    String input = prefix + ".in";
    Map<String, String> appendTime = Map.of("message.timestamp.type", "LogAppendTime");
    List<String> outputs = List.of(prefix + ".matched", prefix + ".unmatched", prefix + ".errors");
    for (String t : List.of(input, outputs.get(0), outputs.get(1), outputs.get(2), prefix + ".counts")) {
      kafka.createTopic(t, 2, appendTime);
    }
    ChildJvm.Spec spec =
        contestants.command(kafka.bootstrapServers(), catalog, contestant, prefix, 0, 0, input, true);
    AtomicBoolean feeding = new AtomicBoolean(true);
    AtomicLong sent = new AtomicLong();
    String note = "";
    long measureFrom = 0;
    long measureTo = 0;
    try (ChildJvm child = spec.start();
        KafkaConsumer<byte[], byte[]> watcher = EndToEndBench.watcher(kafka.bootstrapServers())) {
      Thread feeder = new Thread(() -> feed(kafka.bootstrapServers(), input, rate, feeding, sent), "lwbench-feed");
      feeder.start();
      try {
        List<TopicPartition> outParts = new ArrayList<>();
        for (String t : outputs) {
          outParts.add(new TopicPartition(t, 0));
          outParts.add(new TopicPartition(t, 1));
        }
        // Start-up: wait for the first output and for the backlog the start-up built to be caught up
        // (outputs within a period's worth of what was sent, and a second's: a microbatch engine
        // writes a batch's outputs only when the batch is done), then the warm-up.
        long behind = rate * (period(contestant) + 1000) / 1000;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (child.isAlive() && System.nanoTime() < deadline) {
          long out = total(watcher, outParts);
          if (out > 0 && out >= sent.get() - behind) {
            break;
          }
          Thread.sleep(200);
        }
        if (!child.isAlive()) {
          note = "exited during start-up";
        } else if (System.nanoTime() >= deadline) {
          note = "never caught up with its start-up backlog in 5 min";
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(config.warmupSeconds()));
        measureFrom = System.currentTimeMillis();
        Thread.sleep(TimeUnit.SECONDS.toMillis(config.seconds()));
        measureTo = System.currentTimeMillis();
      } finally {
        feeding.set(false);
        feeder.join();
      }
      // Drain: up to 60 s for every record sent to come out.
      long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      List<TopicPartition> outParts = new ArrayList<>();
      for (String t : outputs) {
        outParts.add(new TopicPartition(t, 0));
        outParts.add(new TopicPartition(t, 1));
      }
      while (total(watcher, outParts) < sent.get() && System.nanoTime() < drainUntil && child.isAlive()) {
        Thread.sleep(200);
      }
      child.stopOrKill(Duration.ofSeconds(15));
    }
    Map<Long, Long> appended = inputAppendTimes(kafka.bootstrapServers(), input, measureFrom, measureTo);
    List<long[]> latencies = new ArrayList<>(); // {input append time, latency}
    try (KafkaConsumer<byte[], byte[]> reader = EndToEndBench.watcher(kafka.bootstrapServers())) {
      readAll(reader, outputs, r -> {
        DeliveryCheck.Coordinates from = DeliveryCheck.Coordinates.of(r);
        if (from == null) {
          return;
        }
        Long in = appended.remove(key(from.partition(), from.offset()));
        if (in != null) {
          latencies.add(new long[] {in, r.timestamp() - in});
        }
      });
    }
    long measured = latencies.size() + appended.size();
    return summarise(contestant, period(contestant), rate, sent.get(), measured, latencies, measureFrom, measureTo, note);
  }

  /**
   * Kept up: every record came out, and the median delay of the last period is at most a second more
   * than that of the first. A period is a second, or for Spark streaming one microbatch interval: its
   * delays rise and fall with each record's place in the batch (0 to 5 s), so one-second samples at
   * the two ends compare different phases of that cycle, not a backlog.
   */
  static Row summarise(
      String contestant, long period, int rate, long sent, long measured, List<long[]> latencies, long from, long to,
      String note) {
    long[] all = latencies.stream().mapToLong(l -> l[1]).sorted().toArray();
    double first = median(latencies.stream().filter(l -> l[0] < from + period).mapToLong(l -> l[1]).toArray());
    double last = median(latencies.stream().filter(l -> l[0] >= to - period).mapToLong(l -> l[1]).toArray());
    boolean allOut = latencies.size() == measured && measured > 0;
    boolean flat = !Double.isNaN(first) && !Double.isNaN(last) && last <= first + 1000;
    return new Row(
        contestant, rate, sent, measured, latencies.size(), percentile(all, 0.50), percentile(all, 0.99),
        all.length == 0 ? Double.NaN : all[all.length - 1], first, last, allOut && flat, note, period);
  }

  /**
   * The period a contestant's delays are compared over: a second, or for a microbatch engine its batch
   * interval, the one it runs with (a {@code --batchIntervalMillis} in --spark-args, else linkwatch's).
   */
  long period(String contestant) {
    if (!Contestants.microbatch(contestant)) {
      return 1000;
    }
    return batchInterval(config.e2e().sparkArgs());
  }

  /** The last {@code --batchIntervalMillis} among {@code sparkArgs}, else LinkwatchSparkRunner's default. */
  static long batchInterval(List<String> sparkArgs) {
    long millis = SPARK_BATCH_MILLIS;
    for (String arg : sparkArgs) {
      if (arg.startsWith("--batchIntervalMillis=")) {
        String value = arg.substring("--batchIntervalMillis=".length());
        try {
          millis = Long.parseLong(value);
        } catch (NumberFormatException e) {
          millis = -1;
        }
        if (millis <= 0) {
          throw new ConfigException(
              "--spark-args: --batchIntervalMillis must be a positive number of milliseconds, was '" + value + "'");
        }
      }
    }
    return millis;
  }

  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    // Nearest rank: the smallest value with at least q of the values at or below it.
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return percentile(v, 0.5);
  }

  /** Sends generated tweets at {@code rate} per second, evenly, until told to stop. */
  private static void feed(String bootstrap, String topic, int rate, AtomicBoolean feeding, AtomicLong sent) {
    TweetGenerator generator = EndToEndBench.generator(2017);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(EndToEndBench.producerProps(bootstrap))) {
      long start = System.nanoTime();
      while (feeding.get()) {
        long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
        long n = sent.get();
        while (n < due) {
          producer.send(new ProducerRecord<>(topic, (int) (n % 2), null, generator.next().value()));
          n = sent.incrementAndGet();
        }
        // Out now, not after the producer's linger: the clock starts when the broker appends.
        producer.flush();
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static long total(KafkaConsumer<byte[], byte[]> watcher, List<TopicPartition> parts) {
    long n = 0;
    for (long end : watcher.endOffsets(parts).values()) {
      n += end;
    }
    return n;
  }

  private static long key(int partition, long offset) {
    return ((long) partition << 48) | offset;
  }

  /** The append time of every input record appended within [from, to], by partition and offset. */
  private static Map<Long, Long> inputAppendTimes(String bootstrap, String topic, long from, long to) {
    Map<Long, Long> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> reader = EndToEndBench.watcher(bootstrap)) {
      readAll(reader, List.of(topic), r -> {
        if (r.timestamp() >= from && r.timestamp() <= to) {
          out.put(key(r.partition(), r.offset()), r.timestamp());
        }
      });
    }
    return out;
  }

  /**
   * Hands every record of {@code topics} to {@code each}, one poll at a time: a slow contestant's
   * backlog can run to millions of full tweets, which must not be held at once.
   */
  private static void readAll(
      KafkaConsumer<byte[], byte[]> reader, List<String> topics,
      java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
    List<TopicPartition> parts = new ArrayList<>();
    for (String t : topics) {
      parts.add(new TopicPartition(t, 0));
      parts.add(new TopicPartition(t, 1));
    }
    reader.assign(parts);
    reader.seekToBeginning(parts);
    Map<TopicPartition, Long> end = reader.endOffsets(parts);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))) {
      reader.poll(Duration.ofMillis(500)).forEach(each);
    }
  }

  public static void printTable(Result r, PrintStream out) {
    out.println("| contestant | rate /s | sent | measured | out | p50 ms | p99 ms | max ms | kept up |");
    out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |");
    for (Row row : r.rows()) {
      out.printf(
          "| %s | %d | %d | %d | %d | %s | %s | %s | %s |%n",
          row.contestant(), row.rate(), row.sent(), row.measured(), row.measuredOut(), ms(row.p50Millis()),
          ms(row.p99Millis()), ms(row.maxMillis()), row.keptUp() ? "yes" : "NO");
    }
  }

  /**
   * The latency targets (issue 20), for what this run measured: at 5 000 tweets/s Flink's p99 under
   * 1 s and Spark streaming's under twice its microbatch interval, both keeping up.
   */
  public static void printTargets(Result r, PrintStream out) {
    for (Row row : r.rows()) {
      if (row.rate() != 5_000) {
        continue;
      }
      if (row.contestant().equals("flink")) {
        target(out, "Flink at 5 000/s: p99 under 1 s and kept up", row.p99Millis() < 1_000 && row.keptUp(),
            "p99 " + ms(row.p99Millis()) + " ms");
      } else if (row.contestant().equals("spark-streaming")) {
        long bound = 2 * row.periodMillis();
        target(out, "Spark streaming at 5 000/s: p99 under " + bound + " ms (two microbatches) and kept up",
            row.p99Millis() < bound && row.keptUp(), "p99 " + ms(row.p99Millis()) + " ms");
      }
    }
  }

  /** The microbatch interval linkwatch runs Spark streaming with by default (LinkwatchSparkRunner's). */
  static final long SPARK_BATCH_MILLIS = 5_000;

  static void target(PrintStream out, String what, boolean met, String measured) {
    out.printf("  target %-70s %s (%s)%n", what, met ? "met" : "NOT met", measured);
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.0f", v);
  }

  public static void writeJson(Result r, Path file) throws IOException {
    BenchReport.writeJsonObject(file, g -> {
      g.writeStringField("bench", "latency");
      g.writeStringField("started", r.started().toString());
      g.writeStringField("finished", r.finished().toString());
      g.writeStringField("machine", r.machine());
      g.writeNumberField("measured_seconds", r.seconds());
      g.writeArrayFieldStart("results");
      for (Row row : r.rows()) {
        g.writeStartObject();
        g.writeStringField("contestant", row.contestant());
        g.writeNumberField("rate", row.rate());
        g.writeNumberField("sent", row.sent());
        g.writeNumberField("measured", row.measured());
        g.writeNumberField("measured_out", row.measuredOut());
        number(g, "p50_ms", row.p50Millis());
        number(g, "p99_ms", row.p99Millis());
        number(g, "max_ms", row.maxMillis());
        number(g, "first_second_median_ms", row.firstSecondMillis());
        number(g, "last_second_median_ms", row.lastSecondMillis());
        g.writeBooleanField("kept_up", row.keptUp());
        g.writeStringField("note", row.note());
        g.writeNumberField("period_ms", row.periodMillis());
        g.writeEndObject();
      }
      g.writeEndArray();
    });
  }

  private static void number(JsonGenerator g, String field, double v) throws IOException {
    if (Double.isNaN(v)) {
      g.writeNullField(field);
    } else {
      g.writeNumberField(field, v);
    }
  }
}
