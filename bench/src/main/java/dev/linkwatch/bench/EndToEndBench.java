package dev.linkwatch.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.CatalogEntry;
import dev.linkwatch.local.ChildJvm;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.TweetGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code bench e2e}: linkwatch end to end on each runner against two baselines, on the same topic, in
 * one run. It starts its own broker, preloads N generated full-size v1.1 tweets into a two-partition
 * topic (streamed, evenly spread), then runs each contestant in a JVM of its own, on fresh output
 * topics, until every input record has its output record, watching the output topics' end offsets.
 * Contestants run in turn within each round, so machine load hits them alike; each figure is the
 * median over the rounds. The broker, the children and the topics are gone when it returns.
 */
public final class EndToEndBench {
  /** What to run and how much. */
  public record Config(
      long tweets,
      int rounds,
      List<String> contestants,
      int catalogNames,
      long originalRecords,
      long directRecords,
      long sparkStreamingRecords,
      String childHeap,
      String sparkHeap,
      List<String> flinkArgs,
      List<String> sparkArgs,
      Path projectDir,
      Path workDir,
      long seed,
      int minutes,
      int rate) {}

  /** One contestant's figures in one round. */
  public record Sample(
      String contestant,
      long records,
      long outputs,
      double seconds,
      double steadyPerSecond,
      double wholePerSecond,
      double steadyCpuMicrosPerTweet,
      long peakHeapBytes,
      long peakHeapAfterGcBytes,
      String note) {}

  /** Medians of one contestant over the rounds. */
  public record Row(
      String contestant,
      String description,
      long records,
      double steadyPerSecond,
      double wholePerSecond,
      long peakHeapBytes,
      long peakHeapAfterGcBytes,
      double steadyRatioToLimit,
      double wholeRatioToLimit,
      double steadyRatioToLimitAll,
      double wholeRatioToLimitAll,
      double steadyCpuMicrosPerTweet,
      double cpuRatioToLimit,
      boolean complete,
      List<Sample> samples) {}

  /** Everything one bench run measured. */
  public record Result(
      Instant started,
      Instant finished,
      long tweets,
      double meanTweetBytes,
      int catalogNames,
      int rounds,
      String machine,
      List<Row> rows,
      List<long[]> memorySamples) {}

  static final String TOPIC = "bench.tweets";
  private final Config config;
  private final PrintStream log;
  private final Contestants contestants;
  private final List<ChildJvm> children = Collections.synchronizedList(new ArrayList<>());

  public EndToEndBench(Config config, PrintStream log) {
    this.config = config;
    this.log = log;
    this.contestants = new Contestants(config);
  }

  public Result run() throws Exception {
    Instant started = Instant.now();
    Thread reaper = new Thread(this::killChildren, "lwbench-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    Files.createDirectories(config.workDir());
    try (LocalKafka kafka = LocalKafka.builder().partitions(2).heap("-Xmx1g").startTimeout(Duration.ofMinutes(4)).start()) {
      log.println("  broker at " + kafka.bootstrapServers());
      kafka.createTopics(2, TOPIC);
      Path catalogFile = writeCatalog(config.workDir().resolve("catalog-" + config.catalogNames() + ".json"));
      long t0 = System.nanoTime();
      double meanBytes = preload(kafka.bootstrapServers(), catalogFile);
      log.printf(
          "  preloaded %d tweets of %.0f bytes on average in %.0f s%n",
          config.tweets(), meanBytes, (System.nanoTime() - t0) / 1e9);
      if (config.minutes() > 0) {
        List<long[]> samples = memoryRun(kafka, catalogFile);
        return new Result(started, Instant.now(), config.tweets(), meanBytes, config.catalogNames(), 0, BenchReport.machine(), List.of(), samples);
      }
      log.printf("  read the topic once to warm the broker's fetch path: %.1f s%n", warmFetchPath(kafka.bootstrapServers()));
      Map<String, List<Sample>> samples = new LinkedHashMap<>();
      for (int round = 1; round <= config.rounds(); round++) {
        for (String c : order(config.contestants(), round)) {
          Sample s = runOne(kafka, catalogFile, c, round);
          samples.computeIfAbsent(c, k -> new ArrayList<>()).add(s);
          log.printf(
              "  round %d %-14s %8.0f tweets/s steady, %8.0f whole run, %5.1f s, %4.0f µs CPU/tweet steady, peak heap %4.0f MB (after GC %4.0f MB)%s%n",
              round, c, s.steadyPerSecond(), s.wholePerSecond(), s.seconds(), s.steadyCpuMicrosPerTweet(), s.peakHeapBytes() / 1e6,
              s.peakHeapAfterGcBytes() / 1e6, s.note().isEmpty() ? "" : "  " + s.note());
        }
      }
      return new Result(started, Instant.now(), config.tweets(), meanBytes, config.catalogNames(),
          config.rounds(), BenchReport.machine(), BenchReport.rows(samples), List.of());
    } finally {
      killChildren();
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException e) {
        // shutting down: the hook runs anyway
      }
    }
  }

  /** The catalog every contestant loads: real names, scaled up with numbered copies as MatcherBench does. */
  private Path writeCatalog(Path file) throws IOException {
    return writeCatalog(file, config.catalogNames());
  }

  static Path writeCatalog(Path file, int names) throws IOException {
    Catalog catalog = MatcherBench.scaled(MatcherBench.baseCatalog(), names);
    JsonFactory json = new JsonFactory();
    try (OutputStream out = Files.newOutputStream(file); JsonGenerator g = json.createGenerator(out)) {
      g.writeStartArray();
      for (CatalogEntry e : catalog.entries()) {
        g.writeStartObject();
        g.writeStringField("tag", e.tag().label());
        g.writeStringField("value", e.value());
        g.writeArrayFieldStart("match");
        for (String v : e.variants()) {
          g.writeString(v);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    return file;
  }

  static TweetGenerator generator(long seed) {
    return new TweetGenerator(
        seed, 0.01, Instant.parse("2017-01-12T00:00:00Z"), TweetGenerator.Format.V1,
        TweetGenerator.pairsFrom(MatcherBench.baseCatalog(), 2000, seed), true);
  }

  /** Streams N generated tweets into the topic, alternating partitions so both hold the same count. */
  private double preload(String bootstrap, Path catalogFile) {
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap))) {
      TweetGenerator generator = generator(config.seed());
      for (long i = 0; i < config.tweets(); i++) {
        byte[] value = generator.next().value();
        bytes += value.length;
        producer.send(new ProducerRecord<>(TOPIC, (int) (i % 2), null, value));
      }
      producer.flush();
    }
    return bytes / (double) Math.max(1, config.tweets());
  }

  static Properties producerProps(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return p;
  }

  private Sample runOne(LocalKafka kafka, Path catalogFile, String contestant, int round)
      throws Exception {
    String prefix = "r" + round + "." + contestant;
    List<String> outputs = List.of(prefix + ".matched", prefix + ".unmatched", prefix + ".errors");
    kafka.createTopics(2, outputs.get(0), outputs.get(1), outputs.get(2), prefix + ".counts");
    long expected = contestants.recordsFor(contestant);
    ChildJvm.Spec command = contestants.command(kafka.bootstrapServers(), catalogFile, contestant, prefix, expected, 0);
    Path childLog = config.workDir().resolve(prefix + ".log");
    try (KafkaConsumer<byte[], byte[]> watcher = watcher(kafka.bootstrapServers())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : outputs) {
        parts.add(new TopicPartition(t, 0));
        parts.add(new TopicPartition(t, 1));
      }
      long launched = System.nanoTime();
      Child child = start(command);
      long windowStart = 0;
      long windowEnd = 0;
      // The steady window: from the 10 % to the 90 % mark of the outputs. CPU time the contestant's JVM
      // spent (all its threads) at its ends: what a
      // tweet costs in steady state, which a loaded machine slows but does not inflate the way it
      // does wall-clock rates. Start-up (catalog build, engine start) stays outside the window.
      long cpuAtWindowStart = -1;
      long cpuAtWindowEnd = -1;
      // A microbatch engine writes a batch's outputs in a burst after reading it: on a backlog with
      // long batches the 10-90 % marks can fall inside one or two bursts and time only their writes
      // (a 10 s batch gave 0.70 of limit-all "steady" against 0.20 for the whole run). Its window runs
      // from the first output to the last instead: every batch after the first, read and written.
      boolean microbatch = Contestants.microbatch(contestant);
      long seenAtFirst = -1;
      long last = 0;
      long seen = 0;
      // A safety net only: generous, since a loaded machine can be ten times slower than a quiet one.
      long timeoutNanos = TimeUnit.SECONDS.toNanos(Math.max(900, expected / 100));
      String note = "";
      while (true) {
        long now = System.nanoTime();
        seen = 0;
        for (long end : watcher.endOffsets(parts).values()) {
          seen += end;
        }
        if (microbatch) {
          if (seenAtFirst < 0 && seen > 0) {
            seenAtFirst = seen;
            windowStart = now;
            cpuAtWindowStart = cpuNanos(child.jvm);
          }
          if (seen >= expected) {
            windowEnd = now;
            cpuAtWindowEnd = cpuNanos(child.jvm);
          }
        } else {
          if (windowStart == 0 && seen >= expected / 10) {
            windowStart = now;
            cpuAtWindowStart = cpuNanos(child.jvm);
          }
          if (windowEnd == 0 && seen >= expected * 9 / 10) {
            windowEnd = now;
            cpuAtWindowEnd = cpuNanos(child.jvm);
          }
        }
        if (seen >= expected) {
          last = now;
          break;
        }
        if (!child.jvm.isAlive()) {
          // A bounded run may exit right after its last write; look once more before calling it short.
          Thread.sleep(500);
          long again = 0;
          for (long end : watcher.endOffsets(parts).values()) {
            again += end;
          }
          if (again >= expected) {
            continue;
          }
          note = "exited early (code " + child.jvm.exitCode().orElse(-1) + ", " + again + " of " + expected + " out; see " + childLog + ")";
          last = now;
          seen = again;
          break;
        }
        if (now - launched > timeoutNanos) {
          note = "timed out (" + seen + " of " + expected + " out)";
          last = now;
          break;
        }
        Thread.sleep(50);
      }
      long[] heap = child.stop();
      if (contestant.equals("direct") || Contestants.microbatch(contestant)) {
        // It streams the whole topic and is stopped once its first N are out; what it wrote of the
        // records after them in the last moments is not a duplicate.
        seen = Math.min(seen, expected);
      }
      double seconds = (last - launched) / 1e9;
      double windowRecords = microbatch ? expected - seenAtFirst : expected * 0.8;
      double steady =
          windowEnd > windowStart && windowStart > 0 && windowRecords > 0 ? windowRecords / ((windowEnd - windowStart) / 1e9) : 0;
      double whole = seen / seconds;
      double cpuPerTweet =
          cpuAtWindowStart >= 0 && cpuAtWindowEnd > cpuAtWindowStart && windowRecords > 0
              ? (cpuAtWindowEnd - cpuAtWindowStart) / 1e3 / windowRecords
              : Double.NaN;
      if (seen > expected) {
        note = (note.isEmpty() ? "" : note + "; ") + (seen - expected) + " more outputs than inputs";
      }
      deleteTopics(kafka.bootstrapServers(), outputs, prefix + ".counts");
      return new Sample(contestant, expected, seen, seconds, steady, whole, cpuPerTweet, heap[0], heap[1], note);
    }
  }

  /** CPU time of a child JVM so far (user and system, all threads), or -1 where the OS does not say. */
  private static long cpuNanos(ChildJvm jvm) {
    return jvm.handle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
  }

  /** A child JVM and the last heap figures it reported (its {@code lwbench} lines). */
  private final class Child {
    final ChildJvm jvm;
    final AtomicReference<long[]> heap = new AtomicReference<>(new long[2]);
    final List<long[]> memorySamples = Collections.synchronizedList(new ArrayList<>());

    Child(ChildJvm jvm) {
      this.jvm = jvm;
      jvm.follow(this::read);
    }

    private void read(String line) {
      String[] f = line.split(" ");
      try {
        if (f.length == 4 && f[0].equals("lwbench") && f[1].equals("heap")) {
          heap.set(new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
        } else if (f.length == 4 && f[0].equals("lwbench") && f[1].equals("sample")) {
          long[] s = {Long.parseLong(f[2]), Long.parseLong(f[3])};
          memorySamples.add(s);
          log.printf("    %4d s: heap after full GC %.0f MB%n", s[0], s[1] / 1e6);
        }
      } catch (NumberFormatException e) {
        // not one of ours after all; the last report stands
      }
    }

    /** Stops the child (SIGTERM, then SIGKILL after 15 s); returns its peak heap and peak after GC. */
    long[] stop() throws InterruptedException {
      long[] last = heap.get();
      jvm.stopOrKill(Duration.ofSeconds(15));
      // The follower reads the log's last lines once the process is gone.
      Thread.sleep(300);
      children.remove(jvm);
      long[] fin = heap.get();
      return new long[] {Math.max(last[0], fin[0]), Math.max(last[1], fin[1])};
    }
  }

  private Child start(ChildJvm.Spec spec) {
    ChildJvm jvm = spec.start();
    children.add(jvm);
    return new Child(jvm);
  }

  private void killChildren() {
    List<ChildJvm> left;
    synchronized (children) {
      left = new ArrayList<>(children);
      children.clear();
    }
    left.forEach(ChildJvm::close);
  }

  /**
   * Round r starts with the r-th contestant: in quick runs the second Flink contestant of a round was
   * faster than the first whichever it was (docs/benchmarks.md), so a fixed order would favour one.
   */
  static List<String> order(List<String> contestants, int round) {
    List<String> rotated = new ArrayList<>(contestants);
    Collections.rotate(rotated, -((round - 1) % Math.max(1, contestants.size())));
    return rotated;
  }

  /**
   * The broker compiled its produce path while preloading but not its fetch path, so the first
   * contestant would read from a broker still in its interpreter; a plain read of the whole topic first.
   */
  private double warmFetchPath(String bootstrap) {
    long t0 = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer = watcher(bootstrap)) {
      List<TopicPartition> parts = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(500));
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  static KafkaConsumer<byte[], byte[]> watcher(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  private static void deleteTopics(String bootstrap, List<String> outputs, String counts) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      List<String> all = new ArrayList<>(outputs);
      all.add(counts);
      admin.deleteTopics(all).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // only disk space is at stake; the scratch broker goes at the end anyway
    }
  }

  /**
   * The memory run: the Flink contestant on a topic fed at a steady rate for the configured minutes,
   * heap after a full GC sampled every 30 s (every 10 s for runs under 5 minutes).
   */
  private List<long[]> memoryRun(LocalKafka kafka, Path catalogFile) throws Exception {
    String prefix = "mem.flink";
    kafka.createTopics(2, prefix + ".matched", prefix + ".unmatched", prefix + ".errors", prefix + ".counts");
    int every = config.minutes() >= 5 ? 30 : 10;
    Child child = start(contestants.command(kafka.bootstrapServers(), catalogFile, "flink", prefix, 0, every));
    long seconds = config.minutes() * 60L;
    log.printf("  memory run: %d tweets/s for %d min on embedded Flink, heap after full GC every %d s%n",
        config.rate(), config.minutes(), every);
    long sent = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(kafka.bootstrapServers()))) {
      TweetGenerator generator = generator(config.seed() + 1);
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end && child.jvm.isAlive()) {
        long due = (System.nanoTime() - start) * config.rate() / 1_000_000_000L;
        while (sent < due) {
          producer.send(new ProducerRecord<>(TOPIC, (int) (sent % 2), null, generator.next().value()));
          sent++;
        }
        Thread.sleep(5);
      }
    }
    log.printf("  memory run: sent %d tweets%n", sent);
    child.stop();
    return new ArrayList<>(child.memorySamples);
  }

  // The report's entry points, kept here for the CLI; the code is BenchReport's.

  public static String machine() {
    return BenchReport.machine();
  }

  public static void printTable(Result r, PrintStream out) {
    BenchReport.printTable(r, out);
  }

  public static void writeJson(Result r, Path file) throws IOException {
    BenchReport.writeJson(r, file);
  }

  public static double trendAfterWarmUp(List<long[]> samples) {
    return BenchReport.trendAfterWarmUp(samples);
  }
}
