package dev.linkwatch.pipeline.kafka;

import dev.linkwatch.pipeline.ConfigException;

import dev.linkwatch.transforms.OutputRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one branch's records to a Kafka topic exactly once for {@code read_committed} consumers,
 * across crashes and restarts from a Flink or Spark checkpoint ({@code --exactlyOnce=true}).
 *
 * <p>Every record names the input record it stems from. Per input partition, each bundle's records
 * go out in one transaction that also commits, under the branch's group, the input offset they
 * reach ({@link PartitionTransactions}); a record whose input offset is already below that marker
 * was written before the restart and is dropped. This needs two things: the records of one input
 * partition reach the writer in offset order, which the runner must declare ({@link
 * KeepsPartitionOrder}, checked by {@link #requireOrderedRunner} when the sinks are built, before the
 * runner hands the pipeline to the engine's own runner), and each
 * input record goes to one branch (routing depends only on the record). Flink ends each step's open bundle while it takes the step's part of a checkpoint, so a
 * completed checkpoint's read position is never past what the writers have committed. On Spark a
 * bundle is one partition of a microbatch, and a restart recomputes the microbatches from the last
 * saved read state on, so what it reads again starts at or below every marker.
 *
 * <p>Why not KafkaIO's exactly-once sink: it gives each record a random shard and a sequence number
 * that a replay on Flink does not reproduce, and commits about one transaction per record; its
 * restore dropped records in 6 of 11 FlinkRestartIT runs.
 */
public final class WriteExactlyOnce extends PTransform<PCollection<OutputRecord>, PDone> {
  /** How long opening a partition's producer and reading its marker may take. */
  private static final Duration OPEN_TIMEOUT = Duration.ofMinutes(2);

  private final String topic;
  private final String group;
  private final Map<String, Object> producerConfig;
  private final Map<String, Object> adminConfig;

  private WriteExactlyOnce(
      String topic, String group, Map<String, Object> producerConfig, Map<String, Object> adminConfig) {
    this.topic = topic;
    this.group = group;
    this.producerConfig = producerConfig;
    this.adminConfig = adminConfig;
  }

  /**
   * Writes to {@code topic}, keeping progress under consumer group {@code group}: one group per
   * branch, the same in every run of the job. {@code clientConfig} holds the connection settings
   * (bootstrap servers, security); {@code producerConfig} the writer's.
   */
  public static WriteExactlyOnce to(
      String topic, String group, Map<String, Object> clientConfig, Map<String, Object> producerConfig) {
    Map<String, Object> producer = new HashMap<>(clientConfig);
    producer.putAll(producerConfig);
    return new WriteExactlyOnce(topic, group, Map.copyOf(producer), Map.copyOf(clientConfig));
  }

  /**
   * Fails, naming the option, unless {@code runner} keeps each input partition's order to the writer
   * ({@link KeepsPartitionOrder}).
   */
  public static void requireOrderedRunner(Class<?> runner) {
    if (!KeepsPartitionOrder.class.isAssignableFrom(runner)) {
      throw new ConfigException(
          "exactlyOnce: needs the Flink runner (--runner=flink) or the Spark runner (--runner=spark), which keep"
              + " each input partition's order to the writer, with --checkpointDir, not " + runner.getSimpleName());
    }
  }

  @Override
  public PDone expand(PCollection<OutputRecord> input) {
    if (!producerConfig.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new ConfigException("bootstrapServers: needed by the exactly-once writer");
    }
    input.apply(
        "WriteTransactions", ParDo.of(new WriteFn(topic, group, producerConfig, adminConfig)));
    return PDone.in(input.getPipeline());
  }

  static final class WriteFn extends DoFn<OutputRecord, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(WriteExactlyOnce.class);
    private final Counter written = Metrics.counter(WriteExactlyOnce.class, "written");
    private final Counter alreadyWritten = Metrics.counter(WriteExactlyOnce.class, "alreadyWritten");
    private final String topic;
    private final String group;
    private final Map<String, Object> producerConfig;
    private final Map<String, Object> adminConfig;
    private transient Map<TopicPartition, PartitionTransactions> writers;
    private transient Object bundle;
    private transient long skippedInBundle;

    WriteFn(
        String topic, String group, Map<String, Object> producerConfig, Map<String, Object> adminConfig) {
      this.topic = topic;
      this.group = group;
      this.producerConfig = producerConfig;
      this.adminConfig = adminConfig;
    }

    @Setup
    public void setup() {
      writers = new LinkedHashMap<>();
    }

    @StartBundle
    public void startBundle() {
      bundle = new Object();
      skippedInBundle = 0;
    }

    @ProcessElement
    public void process(@Element OutputRecord r) {
      if (r.sourceTopic() == null) {
        throw new IllegalArgumentException("the exactly-once writer needs each record's input offset");
      }
      TopicPartition source = new TopicPartition(r.sourceTopic(), r.sourcePartition());
      PartitionTransactions writer = writers.computeIfAbsent(source, this::open);
      if (writer.send(r.sourceOffset(), KafkaIo.toProducerRecord(topic, r), bundle)) {
        written.inc();
      } else {
        alreadyWritten.inc();
        skippedInBundle++;
      }
    }

    private PartitionTransactions open(TopicPartition source) {
      PartitionTransactions writer =
          PartitionTransactions.open(source, group, producerConfig, adminConfig, OPEN_TIMEOUT);
      LOG.info(
          "{} for {}: input offsets below {} are already written",
          group,
          source,
          writer.committedUpTo());
      return writer;
    }

    @FinishBundle
    public void finishBundle() {
      if (skippedInBundle > 0) {
        LOG.info("{}: skipped {} records written before the restart", group, skippedInBundle);
      }
      for (var it = writers.values().iterator(); it.hasNext(); ) {
        PartitionTransactions writer = it.next();
        try {
          writer.commit();
        } catch (RuntimeException e) {
          // Whatever state the producer is in, the next bundle starts from a fresh one: opening it
          // aborts this transaction and reads the marker again, so the retry drops nothing it must
          // write and writes nothing twice.
          it.remove();
          writer.close();
          throw e;
        }
      }
    }

    @Teardown
    public void teardown() {
      if (writers != null) {
        writers.values().forEach(PartitionTransactions::close);
        writers.clear();
      }
    }
  }
}
