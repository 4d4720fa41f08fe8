package dev.linkwatch.cli;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.Settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.TweetGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The small tools around the pipeline: the local broker, reading a topic, generating tweets. */
final class ToolCommands {
  private ToolCommands() {}

  /**
   * linkwatch's own state lives in the checkout ({@code LINKWATCH_HOME}, set by the launcher), wherever
   * the command is run from: the user's relative paths mean what they mean where the user is.
   */
  static final Path HOME = Path.of(System.getenv().getOrDefault("LINKWATCH_HOME", ".")).toAbsolutePath();

  static final Path BROKER_DIR = HOME.resolve(".linkwatch").resolve("broker");

  /** Where 'linkwatch broker' keeps its broker; shared by its subcommands. */
  static final class BrokerDir {
    @Option(names = "--dir", defaultValue = "${env:LINKWATCH_HOME:-.}/.linkwatch/broker", description = "The broker's data folder (default ${DEFAULT-VALUE}).")
    Path dir;
  }

  /** The bootstrap servers given, else the local broker's when one runs, else the usual default. */
  static String bootstrap(String given) {
    if (given != null) {
      return given;
    }
    return LocalKafka.runningBootstrapServers(BROKER_DIR).orElse("127.0.0.1:9092");
  }

  @Command(
      name = "broker",
      header = "Start, stop or check a local Kafka broker for the other commands.",
      description = "The local Kafka broker on its own (data in .linkwatch/broker), for other tools.",
      mixinStandardHelpOptions = true,
      subcommands = {Broker.Start.class, Broker.Stop.class, Broker.Status.class})
  static final class Broker implements Callable<Integer> {
    @Override
    public Integer call() {
      System.err.println("linkwatch broker: say start, stop or status (linkwatch broker --help)");
      return Main.EXIT_USAGE;
    }

    @Command(name = "start", description = "Start the broker in the background and print its address.", mixinStandardHelpOptions = true)
    static final class Start implements Callable<Integer> {
      @picocli.CommandLine.Mixin BrokerDir where = new BrokerDir();

      @Option(names = "--partitions", defaultValue = "2", description = "Default partitions of new topics (default ${DEFAULT-VALUE}).")
      int partitions;

      @Override
      public Integer call() throws IOException {
        Optional<String> running = LocalKafka.runningBootstrapServers(where.dir);
        if (LocalKafka.runningPid(where.dir).isPresent() && running.isPresent()) {
          System.out.println("already running at " + running.get());
          return Main.EXIT_OK;
        }
        Files.createDirectories(where.dir);
        LocalKafka kafka =
            LocalKafka.builder().dataDir(where.dir).partitions(partitions).detached(true).start();
        System.out.println("started at " + kafka.bootstrapServers() + " (pid " + kafka.pid() + ")");
        return Main.EXIT_OK;
      }
    }

    @Command(name = "stop", description = "Stop the broker started by 'linkwatch broker start'.", mixinStandardHelpOptions = true)
    static final class Stop implements Callable<Integer> {
      @picocli.CommandLine.Mixin BrokerDir where = new BrokerDir();

      @Override
      public Integer call() {
        boolean stopped = LocalKafka.stop(where.dir);
        System.out.println(stopped ? "stopped" : "not running");
        return Main.EXIT_OK;
      }
    }

    @Command(name = "status", description = "Say whether the local broker runs, and where. Exit 0 when it runs, 1 when not.", mixinStandardHelpOptions = true)
    static final class Status implements Callable<Integer> {
      @picocli.CommandLine.Mixin BrokerDir where = new BrokerDir();

      @Override
      public Integer call() {
        Optional<Long> pid = LocalKafka.runningPid(where.dir);
        if (pid.isEmpty()) {
          System.out.println("not running");
          return Main.EXIT_FAILED;
        }
        System.out.println(
            "running at " + LocalKafka.runningBootstrapServers(where.dir).orElse("?") + " (pid " + pid.get() + ")");
        return Main.EXIT_OK;
      }
    }
  }

  @Command(
      name = "topics",
      header = "Read topics without Kafka's console tools.",
      description = "Read topics without Kafka's console tools.",
      mixinStandardHelpOptions = true,
      subcommands = {Topics.Tail.class})
  static final class Topics implements Callable<Integer> {
    @Override
    public Integer call() {
      System.err.println("linkwatch topics: say tail NAME (linkwatch topics tail --help)");
      return Main.EXIT_USAGE;
    }

    @Command(
        name = "tail",
        header = "Print a topic's records, one JSON value per line.",
        description = {
          "Print a topic's records, one JSON value per line (non-JSON values as text).",
          "--fields picks fields by path, like jq: --fields=text,enriched.media_details.artist"
        },
        mixinStandardHelpOptions = true)
    static final class Tail implements Callable<Integer> {
      @Parameters(index = "0", description = "The topic, e.g. tweets.matched")
      String topic;

      @Option(names = "--bootstrapServers", description = "Kafka to read (default: the local broker, else 127.0.0.1:9092).")
      String bootstrapServers;

      @Option(names = "--fields", split = ",", description = "Dotted paths to print, tab-separated.")
      List<String> fields;

      @Option(names = "--max", defaultValue = "0", description = "Stop after this many records (0: no limit).")
      long max;

      @Option(names = "--idle-seconds", defaultValue = "0", description = "Stop after this many seconds without a record (0: never).")
      int idleSeconds;

      @Option(names = "--from-beginning", defaultValue = "true", negatable = true, description = "Start at the oldest record (default) or only new ones.")
      boolean fromBeginning;

      @Override
      public Integer call() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(bootstrapServers));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "linkwatch-tail-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        ObjectMapper json = new ObjectMapper();
        long seen = 0;
        long lastRecord = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
          consumer.subscribe(List.of(topic));
          while (max == 0 || seen < max) {
            var records = consumer.poll(Duration.ofMillis(500));
            if (records.isEmpty()) {
              if (idleSeconds > 0 && System.nanoTime() - lastRecord > idleSeconds * 1_000_000_000L) {
                break;
              }
              continue;
            }
            lastRecord = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> r : records) {
              System.out.println(render(json, r.value()));
              if (max > 0 && ++seen >= max) {
                break;
              }
            }
          }
        }
        return Main.EXIT_OK;
      }

      String render(ObjectMapper json, byte[] value) {
        if (value == null) {
          return "null";
        }
        JsonNode node;
        try {
          node = json.readTree(value);
        } catch (IOException e) {
          return new String(value, StandardCharsets.UTF_8);
        }
        if (fields == null || fields.isEmpty()) {
          return node.toString();
        }
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
          if (sb.length() > 0) {
            sb.append('\t');
          }
          JsonNode v = node.at("/" + f.trim().replace('.', '/'));
          sb.append(v.isMissingNode() ? "null" : v.isValueNode() ? v.asText() : v.toString());
        }
        return sb.toString();
      }
    }
  }

  @Command(
      name = "generate",
      header = "Write realistic synthetic tweets to a file, standard output or a topic.",
      description = {
        "Write realistic synthetic tweets (Twitter v1.1 JSON): originals naming catalog entries with"
            + " pirate-looking links, retweets, tweets without links, whitelisted links, common-word titles,"
            + " stream notices and a share of broken records. Seeded: the same seed gives the same bytes."
      },
      mixinStandardHelpOptions = true)
  static final class Generate implements Callable<Integer> {
    @Option(names = "--count", defaultValue = "1000", description = "How many records (default ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--seed", defaultValue = "2017", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--broken-share", defaultValue = "0.02", description = "Share of broken records, 0 to 1 (default ${DEFAULT-VALUE}).")
    double brokenShare;

    @Option(names = "--output", description = "JSON Lines file to write (default: standard output).")
    Path output;

    @Option(names = "--topic", description = "Kafka topic to write to instead of a file.")
    String topic;

    @Option(names = "--bootstrapServers", description = "Kafka for --topic (default: the local broker, else 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--keep-times", description = "With --topic: keep the generator's own January 2017 times instead of stamping each tweet with the time it is sent.")
    boolean keepTimes;

    @Option(names = "--rate", defaultValue = "0", description = "Records per second (0: as fast as possible).")
    int rate;

    @Option(names = "--format", defaultValue = "v1", description = "v1 (Twitter API v1.1 statuses) or v2 (X API v2 stream payloads); default ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--catalog", split = ",", description = "Also name artists and tracks from these catalogs (files or builtin:chinook), besides the original's.")
    List<String> catalog;

    @Override
    public Integer call() throws Exception {
      TweetGenerator.Format shape;
      try {
        shape = TweetGenerator.Format.valueOf(format.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--format must be v1 or v2, was '" + format + "'");
      }
      List<String[]> pairs =
          catalog == null || catalog.isEmpty()
              ? List.of()
              : TweetGenerator.pairsFrom(Settings.loadCatalog(catalog), 5000, seed);
      if (count < 0) {
        throw new ConfigException("--count must be 0 or more");
      }
      if (brokenShare < 0 || brokenShare > 1) {
        throw new ConfigException("--broken-share must be between 0 and 1, was " + brokenShare);
      }
      // A fixed start instant keeps the bytes reproducible for a seed.
      TweetGenerator generator =
          new TweetGenerator(seed, brokenShare, Instant.parse("2017-01-12T00:00:00Z"), shape, pairs);
      long start = System.nanoTime();
      if (topic != null) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(bootstrapServers));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
          for (long i = 0; i < count; i++) {
            pace(start, i);
            // A live topic gets live times (as the demo does), so its watermark follows the clock.
            TweetGenerator.Generated g = keepTimes ? generator.next() : generator.nextAt(Instant.now());
            producer.send(new ProducerRecord<>(topic, g.value()));
          }
        }
        System.err.println("wrote " + count + " records to topic " + topic);
        return Main.EXIT_OK;
      }
      try (OutputStream out =
          new BufferedOutputStream(output == null ? System.out : Files.newOutputStream(output), 1 << 16)) {
        for (long i = 0; i < count; i++) {
          pace(start, i);
          out.write(generator.next().value());
          out.write('\n');
        }
      }
      if (output != null) {
        System.err.println("wrote " + count + " records to " + output);
      }
      return Main.EXIT_OK;
    }

    private void pace(long start, long i) throws InterruptedException {
      if (rate <= 0) {
        return;
      }
      long wait = start + i * 1_000_000_000L / rate - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
  }

  @Command(
      name = "bench",
      header = "Measure linkwatch against its baselines (sections counts, matcher, parse, e2e, memory).",
      description = {
        "Measures linkwatch against its baselines in one run and reports ratios. Sections:",
        "  counts   CountWindows with 30 s batches alone vs with the 6 h / 30 s sliding window",
        "  matcher  the catalog matcher vs the original's contains-loop at 6 to 100 000 names",
        "  parse    tweet parsing vs a plain Jackson streaming pass over the same bytes",
        "  e2e      end to end through a local broker: linkwatch on Flink, Spark and the DirectRunner",
        "           vs the limit (same rules, plain consumer/producer loop) and the original's loop",
        "  memory   embedded Flink at a steady rate for --minutes, heap after full GC sampled",
        "Extra --name=value flags go to the runner (default: embedded Flink via ./linkwatch)."
      },
      mixinStandardHelpOptions = true)
  static final class Bench implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "counts", description = "Section to run (default ${DEFAULT-VALUE}).")
    String section;

    @Option(names = "--quick", description = "Fewer events and runs (well under 3 minutes).")
    boolean quick;

    @Option(names = "--events", description = "Events per run (default 2000000, quick 300000).")
    Long events;

    @Option(names = "--runs", description = "Runs of each variant; the median is reported (default 3).")
    Integer runs;

    @Option(names = "--span-minutes", description = "Event time the events cover (default 30 min, quick 10).")
    Integer spanMinutes;

    @Option(names = "--tweets", description = "e2e: tweets preloaded (default 1000000, quick 100000).")
    Long tweets;

    @Option(names = "--contestants", split = ",", description = "e2e: who runs (default flink,spark,direct,limit,original; quick flink,limit). Also flink-copying (Beam's defaults: elements copied between steps, metrics on) and flink-1s-bundles (Beam's 1 s bundles instead of 100 ms).")
    List<String> contestants;

    @Option(names = "--catalog-names", defaultValue = "100000", description = "e2e: catalog size, real names scaled up (default ${DEFAULT-VALUE}).")
    int catalogNames;

    @Option(names = "--original-records", description = "e2e: records the original's loop processes (default 5000, quick 2000; it runs at hundreds per second at 100 000 names).")
    Long originalRecords;

    @Option(names = "--direct-records", description = "e2e: records the DirectRunner processes (default 20000, quick 5000; it runs at hundreds per second).")
    Long directRecords;

    @Option(names = "--child-heap", defaultValue = "1g", description = "e2e: -Xmx and -Xms of each contestant's JVM but Spark's (default ${DEFAULT-VALUE}).")
    String childHeap;

    @Option(names = "--spark-heap", defaultValue = "8g", description = "e2e: -Xmx and -Xms of the Spark contestant, whose bounded read holds all N tweets (default ${DEFAULT-VALUE}).")
    String sparkHeap;

    @Option(names = "--minutes", description = "memory: minutes at a steady rate (default 10, quick 1).")
    Integer minutes;

    @Option(names = "--rate", defaultValue = "5000", description = "memory: tweets per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--json", description = "e2e/memory: where the JSON result goes (default bench-results/<section>.json).")
    java.nio.file.Path json;

    @picocli.CommandLine.Unmatched List<String> runnerArgs = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
      if (section.equals("e2e") || section.equals("memory")) {
        return endToEnd(section.equals("memory"));
      }
      if (section.equals("matcher")) {
        return matcher();
      }
      if (section.equals("parse")) {
        var bench = new dev.linkwatch.bench.ParseBench(quick ? 5_000 : 20_000, 2017);
        var result = bench.run(runs != null ? runs : 3);
        System.out.printf("bench parse: generated v1.1 tweets of %.0f bytes on average%n%n", result.meanBytes());
        dev.linkwatch.bench.ParseBench.print(result, System.out);
        return Main.EXIT_OK;
      }
      if (!section.equals("counts")) {
        throw new ConfigException("bench: unknown section '" + section + "' (known: counts, matcher, parse, e2e, memory)");
      }
      long n = events != null ? events : quick ? 300_000 : 2_000_000;
      int r = runs != null ? runs : 3;
      if (n < 1000 || r < 1) {
        throw new ConfigException("bench: --events must be at least 1000 and --runs at least 1");
      }
      org.apache.beam.sdk.options.PipelineOptions options =
          org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(runnerArgs.toArray(String[]::new))
              .withValidation()
              .create();
      int spanMinutes = this.spanMinutes != null ? this.spanMinutes : quick ? 10 : 30;
      if (spanMinutes < 1) {
        throw new ConfigException("bench: --span-minutes must be at least 1");
      }
      long batches = spanMinutes * 2L;
      System.out.printf(
          "bench counts: %d events over %d min of event time (%d per 30 s batch), %d runs each, runner %s%n",
          n, spanMinutes, n / batches, r, options.getRunner().getSimpleName());
      var result =
          new dev.linkwatch.bench.CountsBench(
                  options, n, r, org.joda.time.Duration.standardMinutes(spanMinutes))
              .run(System.out);
      System.out.println();
      System.out.println("| counts | ns/event (median) | ratio to batches alone |");
      System.out.println("| --- | ---: | ---: |");
      System.out.printf("| 30 s batches alone | %.0f | 1.00 |%n", result.batchesNanosPerEvent());
      System.out.printf(
          "| 30 s batches + 6 h window sliding every 30 s | %.0f | %.2f |%n",
          result.slidingNanosPerEvent(), result.ratio());
      return Main.EXIT_OK;
    }

    private int endToEnd(boolean memory) throws Exception {
      long n = tweets != null ? tweets : memory ? 1_000 : quick ? 100_000 : 1_000_000;
      int r = memory ? 0 : runs != null ? runs : quick ? 1 : 3;
      List<String> who =
          contestants != null && !contestants.isEmpty()
              ? contestants
              : quick ? List.of("flink", "limit") : List.of("flink", "spark", "direct", "limit", "original");
      int mins = !memory ? 0 : minutes != null ? minutes : quick ? 1 : 10;
      if (n < 100 || (!memory && r < 1) || (memory && (mins < 1 || rate < 1)) || catalogNames < 6) {
        throw new ConfigException("bench e2e: --tweets must be at least 100, --runs and --minutes at least 1, --catalog-names at least 6");
      }
      // Pipeline flags for the Flink contestant: the launcher adds --runner, which the bench sets itself.
      List<String> flinkArgs = runnerArgs.stream().filter(a -> !a.startsWith("--runner=")).toList();
      java.nio.file.Path project = HOME;
      java.nio.file.Path work = java.nio.file.Files.createTempDirectory("linkwatch-bench-");
      var config =
          new dev.linkwatch.bench.EndToEndBench.Config(
              n, r, who, catalogNames, originalRecords != null ? originalRecords : quick ? 2_000 : 5_000,
              directRecords != null ? directRecords : quick ? 5_000 : 20_000,
              childHeap, sparkHeap, flinkArgs, project, work, 2017, mins, rate);
      var bench = new dev.linkwatch.bench.EndToEndBench(config, System.out);
      System.out.printf(
          memory
              ? "bench memory: %d tweets preloaded, then %4$d min at %5$d tweets/s, catalog of %3$d names%n"
              : "bench e2e: %d full-size v1.1 tweets, %d round(s), catalog of %d names, 30 s batches + 6 h window%n",
          n, r, catalogNames, mins, rate);
      System.out.println("  machine: " + dev.linkwatch.bench.EndToEndBench.machine() + ", load average " + loadAverage());
      var result = bench.run();
      java.nio.file.Path out = json != null ? json : java.nio.file.Path.of("bench-results", section + ".json");
      dev.linkwatch.bench.EndToEndBench.writeJson(result, out);
      System.out.println();
      if (memory) {
        long max = result.memorySamples().stream().mapToLong(s -> s[1]).max().orElse(0);
        System.out.printf(
            "memory: %d samples, max heap after full GC %.0f MB, trend over the second half %+.2f MB per minute%n",
            result.memorySamples().size(), max / 1e6,
            dev.linkwatch.bench.EndToEndBench.trendAfterWarmUp(result.memorySamples()) / 1e6);
      } else {
        dev.linkwatch.bench.EndToEndBench.printTable(result, System.out);
      }
      System.out.println();
      System.out.println("JSON: " + out + "  (children's logs: " + work + ")");
      return Main.EXIT_OK;
    }

    private static String loadAverage() {
      var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      return String.format("%.2f", os.getSystemLoadAverage());
    }

    private int matcher() {
      int r = runs != null ? runs : 3;
      int texts = quick ? 5_000 : 20_000;
      var catalog = Settings.builtin("builtin:original").merge(Settings.builtin("builtin:chinook"));
      var bench = new dev.linkwatch.bench.MatcherBench(catalog, texts, 2017);
      System.out.printf(
          "bench matcher: %d generated tweet texts (%d chars), %d runs each, one thread%n",
          bench.textCount(), bench.totalChars(), r);
      List<dev.linkwatch.bench.MatcherBench.Row> rows = new java.util.ArrayList<>();
      for (int names : quick ? new int[] {6, 1_000, 10_000} : new int[] {6, 1_000, 10_000, 100_000}) {
        rows.add(bench.measure(names, r));
        System.out.printf("  %d names done%n", names);
      }
      System.out.println();
      dev.linkwatch.bench.MatcherBench.printTable(rows, System.out);
      return Main.EXIT_OK;
    }
  }
}
