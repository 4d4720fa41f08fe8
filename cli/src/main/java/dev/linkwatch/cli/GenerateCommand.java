package dev.linkwatch.cli;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.Settings;
import dev.linkwatch.local.TweetGenerator;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `linkwatch generate`: realistic synthetic tweets into a file or a topic. */
@Command(
    name = "generate",
    header = "Write realistic synthetic tweets to a file, standard output or a topic.",
    description = {
      "Write realistic synthetic tweets (Twitter v1.1 JSON): originals naming catalog entries with"
          + " pirate-looking links, retweets, tweets without links, whitelisted links, common-word titles,"
          + " stream notices and a share of broken records. Seeded: the same seed gives the same bytes."
    },
    mixinStandardHelpOptions = true)
final class GenerateCommand implements Callable<Integer> {
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
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalState.bootstrap(bootstrapServers));
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
