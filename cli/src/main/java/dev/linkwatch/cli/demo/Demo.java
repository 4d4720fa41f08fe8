package dev.linkwatch.cli.demo;

import dev.linkwatch.dashboard.Dashboard;
import dev.linkwatch.local.TweetGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchOptions;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code linkwatch demo}: a local broker, generated tweets at a steady rate, the pipeline on embedded
 * Flink, and what comes out, printed as it happens. Everything it starts it also stops.
 */
public final class Demo {
  private final PrintStream out;
  private final int seconds;
  private final int rate;
  private final long seed;
  private final List<String> pipelineArgs;
  private int dashboardPort = -1;

  public Demo(PrintStream out, int seconds, int rate, long seed, List<String> pipelineArgs) {
    this.out = out;
    this.seconds = seconds;
    this.rate = rate;
    this.seed = seed;
    this.pipelineArgs = pipelineArgs;
  }

  /** Also serve the live dashboard on loopback {@code port} (0: any free port; taken: any free port). */
  public Demo withDashboard(int port) {
    this.dashboardPort = port;
    return this;
  }

  /** The dashboard over the demo's topics, or null when not asked for; its address is printed. */
  private Dashboard startDashboard(String bootstrap) throws java.io.IOException {
    if (dashboardPort < 0) {
      return null;
    }
    Dashboard.Config config = Dashboard.Config.defaults(bootstrap).withAddress("127.0.0.1", dashboardPort);
    Dashboard d;
    try {
      d = Dashboard.start(config);
    } catch (java.net.BindException e) {
      d = Dashboard.start(config.withAddress("127.0.0.1", 0)); // the demo is for trying: any port will do
    }
    out.println("  dashboard at " + d.url() + " (open it in a browser; /metrics for Prometheus)");
    return d;
  }

  /** The demo's settings, which the person's flags replace; the broker is the demo's own. */
  private static List<String> defaults() {
    List<String> defaults = new ArrayList<>();
    defaults.add("--runner=LinkwatchFlinkRunner"); // as ./linkwatch run --runner=flink runs it
    defaults.add("--streaming=true");
    defaults.add("--parallelism=2");
    defaults.add("--unshorten=false");
    // Short batches and windows so the counts appear while the demo runs (the job's defaults are the
    // original's 30 s batches and 6 h window); flags given to the demo override these.
    defaults.add("--batchSeconds=10");
    defaults.add("--windowSeconds=60");
    defaults.add("--slideSeconds=10");
    // The original's filters plus a real 3 289-track catalog (Chinook, MIT): common-word titles and
    // all, so the demo shows what the rules keep out as well as what they catch.
    defaults.add("--catalog=builtin:original,builtin:chinook");
    // A streaming job the demo cancels itself once everything sent has come out: an unbounded read
    // lets the watermark move, so the counts appear while it runs.
    defaults.add("--attachedMode=false");
    return defaults;
  }

  /** The job's options: the person's flags over the demo's settings, on the demo's broker. */
  private LinkwatchOptions options(String bootstrap) {
    refuseOwn(pipelineArgs, "bootstrapServers");
    List<String> args = new ArrayList<>(pipelineArgs);
    args.add("--bootstrapServers=" + bootstrap);
    return ConfigFile.parse(defaults(), args);
  }

  /** Fails, naming it, when {@code pipelineArgs} give an option that the demo sets itself. */
  static void refuseOwn(List<String> pipelineArgs, String... own) {
    Set<String> given = ConfigFile.optionNames(pipelineArgs);
    for (String name : own) {
      if (given.contains(name)) {
        throw new ConfigException(
            "the demo runs its own broker and topics: --" + name
                + " cannot be given to it (./linkwatch run works with your own Kafka)");
      }
    }
  }

  /** Runs the demo; returns the summary so callers (and tests) can check the accounting. */
  public Summary run() throws Exception {
    // A bad option fails here, before a broker is started for nothing.
    options("127.0.0.1:9092");
    out.println("linkwatch demo: starting a local Kafka broker (KRaft) ...");
    // The dashboard (when asked for) closes before the broker: resources close in reverse order.
    try (LocalKafka kafka = LocalKafka.builder().partitions(2).start();
        Dashboard dashboard = startDashboard(kafka.bootstrapServers())) {
      String bootstrap = kafka.bootstrapServers();
      kafka.createTopics(2, "tweets", "tweets.matched", "tweets.unmatched", "tweets.errors");
      out.println("  broker at " + bootstrap + ", topics tweets, tweets.matched, tweets.unmatched, tweets.errors");

      LinkwatchOptions options = options(bootstrap);

      AtomicBoolean producing = new AtomicBoolean(true);
      Summary summary = new Summary();
      Thread producer = new Thread(() -> produce(bootstrap, producing, summary), "demo-producer");
      Thread watcher = new Thread(() -> watch(bootstrap, summary), "demo-watcher");
      producer.setDaemon(true);
      watcher.setDaemon(true);
      producer.start();
      watcher.start();

      out.printf(
          "linkwatch demo: %d tweets/s, for %d s once the job is running, through %s; Ctrl-C stops it cleanly%n",
          rate, seconds, options.getRunner().getSimpleName());
      Thread status = new Thread(() -> statusLoop(summary), "demo-status");
      status.setDaemon(true);
      status.start();
      PipelineResult result = null;
      try {
        result = LinkwatchPipeline.run(options);
        while (producer.isAlive()) {
          PipelineResult.State state = result.waitUntilFinish(org.joda.time.Duration.millis(500));
          if (state != null && state.isTerminal()) {
            throw new IllegalStateException("the pipeline stopped early: " + state);
          }
        }
        // Everything is sent; wait until every record has come out (or a minute has passed).
        summary.awaitQuiet(Duration.ofSeconds(60));
      } finally {
        if (result != null) {
          try {
            result.cancel();
          } catch (java.io.IOException | UnsupportedOperationException e) {
            out.println("  (could not cancel the pipeline: " + e.getMessage() + ")");
          }
        }
        // Stop our own clients before the broker goes, also when the pipeline failed.
        producing.set(false);
        summary.stopped.set(true);
        producer.join(5_000);
        watcher.join(5_000);
        status.join(3_000);
      }
      out.println();
      out.println(summary.report());
      out.println("linkwatch demo: stopping the broker; done.");
      return summary;
    }
  }

  private void produce(String bootstrap, AtomicBoolean producing, Summary summary) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    TweetGenerator generator =
        new TweetGenerator(
            seed,
            0.02,
            Instant.now(),
            TweetGenerator.Format.V1,
            TweetGenerator.pairsFrom(dev.linkwatch.pipeline.Settings.builtin("builtin:chinook"), 2000, seed));
    long start = System.nanoTime();
    long sent = 0;
    long streamFor = Duration.ofSeconds(seconds).toNanos();
    // The clock starts at the job's first output, not at the demo's start: on a busy machine the job
    // alone can take half a minute to start, and a stream that ended meanwhile would close no batch.
    long startupAllowance = Duration.ofMinutes(3).toNanos();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      while (producing.get()) {
        long first = summary.firstArrival.get();
        long deadline = first == 0 ? start + startupAllowance + streamFor : first + streamFor;
        if (System.nanoTime() >= deadline) {
          break;
        }
        long due = start + sent * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        TweetGenerator.Generated g = generator.next();
        producer.send(new ProducerRecord<>("tweets", g.value()));
        summary.sent.incrementAndGet();
        summary.sentByKind.computeIfAbsent(g.kind(), k -> new AtomicInteger()).incrementAndGet();
        sent++;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void watch(String bootstrap, Summary summary) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "linkwatch-demo-watcher");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    ObjectMapper json = new ObjectMapper();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of("tweets.matched", "tweets.unmatched", "tweets.errors"));
      while (!summary.stopped.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          summary.lastArrival.set(System.nanoTime());
          summary.firstArrival.compareAndSet(0, System.nanoTime());
          switch (r.topic()) {
            case "tweets.matched" -> {
              summary.matched.incrementAndGet();
              summary.account.addMatchedRecord(r.value());
              if (summary.shown.getAndIncrement() < 3) {
                summary.samples.add(describe(json.readTree(r.value())));
              }
            }
            case "tweets.unmatched" -> {
              summary.unmatched.incrementAndGet();
              summary.account.addUnmatchedRecord(r.value());
            }
            default -> {
              summary.errors.incrementAndGet();
              summary.account.addErrorRecord(r.value());
            }
          }
        }
      }
    } catch (Exception e) {
      summary.samples.add("(watcher stopped: " + e.getMessage() + ")");
    }
  }

  static String describe(JsonNode tweet) {
    JsonNode e = tweet.path("enriched");
    JsonNode media = e.path("media_details");
    return String.format(
        "  MATCH  \"%s\"%n         artist=%s album=%s track=%s domains=%s",
        tweet.path("text").asText(),
        media.path("artists"),
        media.path("albums"),
        media.path("tracks"),
        e.path("url_details").path("primary_domain"));
  }

  private void statusLoop(Summary summary) {
    long start = System.nanoTime();
    while (!summary.stopped.get()) {
      try {
        Thread.sleep(2_000);
      } catch (InterruptedException e) {
        return;
      }
      double secs = (System.nanoTime() - start) / 1e9;
      out.printf(
          "  [%5.1fs] in %d (%.0f/s)  matched %d  unmatched %d  errors %d%n",
          secs,
          summary.sent.get(),
          summary.sent.get() / secs,
          summary.matched.get(),
          summary.unmatched.get(),
          summary.errors.get());
      List<String> samples = summary.takeSamples();
      samples.forEach(out::println);
    }
  }

  /** What the demo saw; thread-safe counters updated by the producer and the watcher. */
  public static final class Summary {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong matched = new AtomicLong();
    final AtomicLong unmatched = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicInteger shown = new AtomicInteger();
    final AtomicLong lastArrival = new AtomicLong(System.nanoTime());
    /** When the first output record arrived ({@code System.nanoTime()}), 0 before. */
    final AtomicLong firstArrival = new AtomicLong();
    final AtomicBoolean stopped = new AtomicBoolean();
    final Map<TweetGenerator.Kind, AtomicInteger> sentByKind =
        new ConcurrentHashMap<>(new EnumMap<>(TweetGenerator.Kind.class));
    /** What came out, by reason and step: the same account {@code linkwatch run} prints. */
    final dev.linkwatch.cli.Account account = new dev.linkwatch.cli.Account();
    final List<String> samples = java.util.Collections.synchronizedList(new ArrayList<>());

    public long sent() {
      return sent.get();
    }

    public long matched() {
      return matched.get();
    }

    public long unmatched() {
      return unmatched.get();
    }

    public long errors() {
      return errors.get();
    }

    List<String> takeSamples() {
      synchronized (samples) {
        List<String> copy = new ArrayList<>(samples);
        samples.clear();
        return copy;
      }
    }

    void awaitQuiet(Duration max) throws InterruptedException {
      long end = System.nanoTime() + max.toNanos();
      while (System.nanoTime() < end) {
        long out = matched.get() + unmatched.get() + errors.get();
        if (out >= sent.get() && System.nanoTime() - lastArrival.get() > 2_000_000_000L) {
          return;
        }
        Thread.sleep(200);
      }
    }

    String report() {
      account.setIn(sent.get());
      account.clearOutputs();
      account.addOutput("topics tweets.matched, tweets.unmatched, tweets.errors, tweets.counts");
      return account.render();
    }
  }
}
