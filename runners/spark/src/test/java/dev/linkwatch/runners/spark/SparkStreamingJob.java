package dev.linkwatch.runners.spark;

import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import dev.linkwatch.testing.KafkaClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the Spark streaming ITs share: the topics of one job, its command line ({@code ./linkwatch run
 * --runner=spark --streaming=true --checkpointDir=DIR} on linkwatch's defaults), a paced tweet stream
 * and the delivery account.
 */
final class SparkStreamingJob {
  static final int PARTITIONS = 2;
  /** Tweets a second, stamped as they are sent. */
  static final int RATE = 40;
  /** The promise: Ctrl-C or SIGTERM ends the Spark job within this. */
  static final Duration STOPS_WITHIN = Duration.ofSeconds(30);

  final LocalKafka kafka;
  final String in;
  final List<String> routed;

  private SparkStreamingJob(LocalKafka kafka, String in) {
    this.kafka = kafka;
    this.in = in;
    this.routed = List.of(in + ".matched", in + ".unmatched", in + ".errors");
  }

  /** A job on fresh topics named after {@code prefix}: input, the three routed ones and counts. */
  static SparkStreamingJob onNewTopics(LocalKafka kafka, String prefix) {
    SparkStreamingJob job = new SparkStreamingJob(kafka, prefix + "." + UUID.randomUUID().toString().substring(0, 8));
    kafka.createTopics(
        PARTITIONS, job.in, job.routed.get(0), job.routed.get(1), job.routed.get(2), job.countsTopic());
    return job;
  }

  String countsTopic() {
    return in + ".counts";
  }

  /**
   * The command line: linkwatch's Spark defaults (batch interval, read time, checkpoint interval) apply;
   * {@code extra} is added (e.g. {@code --exactlyOnce=true}).
   */
  List<String> args(Path checkpoint, String... extra) {
    List<String> args = new ArrayList<>(List.of("--sparkMaster=local[2]"));
    args.addAll(submitArgs(checkpoint, extra));
    return args;
  }

  /**
   * {@link #args} without {@code --sparkMaster}, for spark-submit: Beam then takes the master
   * spark-submit was given.
   */
  List<String> submitArgs(Path checkpoint, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--runner=LinkwatchSparkRunner",
                "--streaming=true",
                "--checkpointDir=" + checkpoint,
                "--bootstrapServers=" + kafka.bootstrapServers(),
                "--inputTopic=" + in,
                "--matchedTopic=" + routed.get(0),
                "--unmatchedTopic=" + routed.get(1),
                "--errorsTopic=" + routed.get(2),
                "--countsTopic=" + countsTopic(),
                "--consumerGroup=" + in,
                "--unshorten=false",
                "--printCounts=false",
                "--batchSeconds=10",
                "--windowSeconds=20",
                "--slideSeconds=10"));
    args.addAll(List.of(extra));
    return args;
  }

  /** Every input offset against the routed topics, waiting up to {@code max} for stragglers. */
  DeliveryCheck.Report account(Duration max, boolean readCommitted) {
    return DeliveryCheck.of(Map.of("bootstrap.servers", kafka.bootstrapServers()), in, routed)
        .readCommitted(readCommitted)
        .waitingAtMost(Duration.ofSeconds(5), max)
        .run();
  }

  /** Records on the routed topics so far (any isolation: it says the job is writing). */
  long outputs() {
    return KafkaClients.readAll(kafka.bootstrapServers(), routed, 0, Duration.ofSeconds(2)).values().stream()
        .mapToLong(List::size)
        .sum();
  }

  /** Deletes the consumer group's committed offsets: a restart must then resume from Spark's checkpoint. */
  void deleteCommittedOffsets() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      var committed = admin.listConsumerGroupOffsets(in).partitionsToOffsetAndMetadata().get().keySet();
      if (!committed.isEmpty()) {
        admin.deleteConsumerGroupOffsets(in, committed).all().get();
      }
    }
  }

  /** {@code n} tweets at about {@link #RATE} a second, stamped as they are sent, both partitions alike. */
  void send(TweetGenerator generator, int n) throws InterruptedException {
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long wait = start + i * 1_000_000_000L / RATE - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000);
        }
        producer.send(new ProducerRecord<>(in, i % PARTITIONS, null, generator.next().value()));
      }
    }
  }

  /** {@link #send} on a thread of its own (the stream goes on while the job is stopped). */
  Thread sendInBackground(TweetGenerator generator, int n) {
    Thread sender =
        new Thread(
            () -> {
              try {
                send(generator, n);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "sender-" + in);
    sender.start();
    return sender;
  }

  static double secs(Duration d) {
    return d.toMillis() / 1e3;
  }
}
