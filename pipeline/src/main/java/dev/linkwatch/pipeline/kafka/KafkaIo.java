package dev.linkwatch.pipeline.kafka;

import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.KafkaReadOptions;
import dev.linkwatch.pipeline.LinkwatchOptions;
import dev.linkwatch.pipeline.Settings;
import dev.linkwatch.pipeline.Sinks;
import dev.linkwatch.pipeline.Windowing;

import dev.linkwatch.transforms.OutputRecord;
import dev.linkwatch.transforms.SourceRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.ProducerRecordCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import dev.linkwatch.core.EventTimes;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The Kafka ends of the pipeline, built in one place.
 *
 * <p>Values are read as bytes, never through a String deserializer (which would replace invalid UTF-8
 * silently), and parse failures are routed by linkwatch itself rather than by KafkaIO's bad-record
 * handler (which works only on one of KafkaIO's read paths). Every written record carries the input
 * record's coordinates as headers.
 */
public final class KafkaIo {
  public static final String HEADER_TOPIC = "linkwatch.source.topic";
  public static final String HEADER_PARTITION = "linkwatch.source.partition";
  public static final String HEADER_OFFSET = "linkwatch.source.offset";
  /** How long the writers wait for a broker that is away before the job fails (see {@link #sinks}). */
  static final int DELIVERY_TIMEOUT_MS = 300_000;

  private KafkaIo() {}

  public static PTransform<PBegin, PCollection<SourceRecord>> readTweets(
      KafkaReadOptions options, Settings settings) {
    Map<String, Object> consumer = new HashMap<>(settings.kafkaProperties());
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, options.getConsumerGroup());
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, options.getStartOffset());
    KafkaIO.Read<byte[], byte[]> read =
        KafkaIO.<byte[], byte[]>read()
            .withBootstrapServers(options.getBootstrapServers())
            // Several topics, comma-separated: each record keeps its own topic in its coordinates.
            .withTopics(List.of(options.getInputTopic().split(",")))
            .withKeyDeserializer(ByteArrayDeserializer.class)
            .withValueDeserializer(ByteArrayDeserializer.class)
            .withConsumerConfigUpdates(consumer)
            .withTimestampPolicyFactory(timestampPolicy(settings.windowing()));
    if (options.getCommitOffsets()) {
      read = read.commitOffsetsInFinalize();
    }
    if (options.getMaxReadSeconds() > 0) {
      read = read.withMaxReadTime(Duration.standardSeconds(options.getMaxReadSeconds()));
    }
    if (options.getMaxReadRecords() > 0) {
      read = read.withMaxNumRecords(options.getMaxReadRecords());
    }
    KafkaIO.Read<byte[], byte[]> configured = read;
    Windowing windowing = settings.windowing();
    return new PTransform<>("ReadKafka") {
      @Override
      public PCollection<SourceRecord> expand(PBegin input) {
        return input
            .apply("ReadBytes", configured)
            .apply("ToSourceRecord", ParDo.of(new ToSourceRecordFn(windowing)))
            .setCoder(SourceRecord.coder());
      }
    };
  }

  /** Kafka records as SourceRecords, marked too late when the timestamp policy clamped them. */
  static final class ToSourceRecordFn extends DoFn<KafkaRecord<byte[], byte[]>, SourceRecord> {
    private final Counter tooLate = Metrics.counter(KafkaIo.class, "tooLateForCounts");
    private final Windowing windowing;

    ToSourceRecordFn(Windowing windowing) {
      this.windowing = windowing;
    }

    @ProcessElement
    public void process(
        @Element KafkaRecord<byte[], byte[]> r,
        @Timestamp Instant stamp,
        OutputReceiver<SourceRecord> out) {
      boolean late = isClamped(r, stamp, windowing);
      if (late) {
        tooLate.inc();
      }
      out.output(toSourceRecord(r, late));
    }
  }

  /**
   * Stamps each record with its time in the chosen domain. The event-time and Kafka-time policies hold
   * the watermark a batch length behind the newest record; a caught-up partition moves on from its own
   * newest time by the wall-clock time since its last record, so a replay of old tweets stays on its
   * own timeline (see {@link LateClampingPolicy}).
   */
  static TimestampPolicyFactory<byte[], byte[]> timestampPolicy(Windowing windowing) {
    Duration delay = windowing.batch();
    Duration lateness = windowing.allowedLateness();
    return switch (windowing.timeDomain()) {
      case PROCESSING -> TimestampPolicyFactory.withProcessingTime();
      case KAFKA ->
          (partition, previous) ->
              new LateClampingPolicy(KafkaIo::kafkaTime, delay, lateness, previous);
      case EVENT ->
          (partition, previous) ->
              new LateClampingPolicy(KafkaIo::ownEventTime, delay, lateness, previous);
    };
  }

  static Instant kafkaTime(KafkaRecord<byte[], byte[]> r) {
    return new Instant(r.getTimestamp());
  }

  /** The record's own event time, or null when it has none (the policy then keeps its partition's). */
  static Instant ownEventTime(KafkaRecord<byte[], byte[]> r) {
    java.util.OptionalLong t = EventTimes.of(r.getKV().getValue());
    return t.isPresent() ? new Instant(t.getAsLong()) : null;
  }

  static Instant eventTime(KafkaRecord<byte[], byte[]> r) {
    return new Instant(EventTimes.of(r.getKV().getValue()).orElse(r.getTimestamp()));
  }

  /**
   * Whether the policy stamped {@code r} later than its own time, i.e. it came too late for the
   * counts. Stamps are only ever moved forward, so a stamp after the record's own time says so.
   */
  static boolean isClamped(KafkaRecord<byte[], byte[]> r, Instant stamp, Windowing windowing) {
    return switch (windowing.timeDomain()) {
      case PROCESSING -> false;
      case KAFKA -> stamp.isAfter(kafkaTime(r));
      case EVENT -> stamp.isAfter(eventTime(r));
    };
  }

  static SourceRecord toSourceRecord(KafkaRecord<byte[], byte[]> r, boolean tooLate) {
    return new SourceRecord(
        r.getTopic(),
        r.getPartition(),
        r.getOffset(),
        r.getTimestamp(),
        r.getKV().getKey(),
        r.getKV().getValue(),
        tooLate);
  }

  public static Sinks sinks(LinkwatchOptions options, Settings settings) {
    String bootstrap = options.getBootstrapServers();
    Map<String, Object> producer = producerConfig(settings);
    Map<Channel, String> topics =
        Map.of(
            Channel.MATCHED, options.getMatchedTopic(),
            Channel.UNMATCHED, options.getUnmatchedTopic(),
            Channel.ERRORS, options.getErrorsTopic(),
            Channel.COUNTS, options.getCountsTopic());
    boolean eos = options.getExactlyOnce();
    if (eos) {
      // At start, before anything is built: the writer needs per-partition order.
      WriteExactlyOnce.requireOrderedRunner(options.getRunner());
    }
    Map<String, Object> client = new HashMap<>(settings.kafkaProperties());
    client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    String group = options.getConsumerGroup();
    return new Sinks() {
      @Override
      public PTransform<PCollection<OutputRecord>, PDone> to(Channel channel) {
        return to(channel, channel.fileName());
      }

      @Override
      public PTransform<PCollection<OutputRecord>, PDone> to(Channel channel, String branch) {
        String topic = topics.get(channel);
        // Counts belong to windows, not to input offsets, so they have no marker to deduplicate by:
        // at least once in either mode (each report names its window; the last one for a window wins).
        return eos && channel != Channel.COUNTS
            ? WriteExactlyOnce.to(topic, group + ".eos." + branch, client, transactional(producer))
            : writeRecords(bootstrap, topic, producer);
      }

      @Override
      public boolean writesEachBranch() {
        return true;
      }
    };
  }

  /**
   * The exactly-once writer's settings: a transaction must be allowed to outlast a delivery that
   * rides out a broker outage, or the broker aborts it while its records are still being retried.
   */
  static Map<String, Object> transactional(Map<String, Object> producer) {
    Map<String, Object> config = new HashMap<>(producer);
    config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DELIVERY_TIMEOUT_MS + 60_000);
    return config;
  }

  /** The writers' client settings: the user's kafkaProperties, then linkwatch's defaults. */
  static Map<String, Object> producerConfig(Settings settings) {
    Map<String, Object> producer = new HashMap<>(settings.kafkaProperties());
    // The producer must accept whatever RouteByOutcome lets through (records above the limit became
    // dead letters), so a too-large record can never make the writer retry forever.
    producer.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.maxRecordBytes() + 65_536);
    producer.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
    // Ride out a broker that is down or frozen for a while instead of failing the job. KafkaIO sets
    // retries=3, which a broker coming back spends in milliseconds (NOT_LEADER_OR_FOLLOWER while it
    // re-elects its leaders, seen in BrokerPauseFaultIT); unlimited retries leave the time bound alone
    // in charge, as Kafka intends (KIP-91). Retries stay safe: the producer is idempotent.
    producer.putIfAbsent(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    // The time bound: a record not written within 5 min fails the job loudly (the default is 2 min,
    // which a slow broker restart on a loaded machine plus the backlog after it can come close to).
    producer.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
    // send() blocks while the buffer is full or the partition's metadata is unknown (a broker away):
    // as long as delivery may take, so an outage the writer waits out does not fail it here instead.
    producer.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, DELIVERY_TIMEOUT_MS);
    producer.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Tweets run 3-6 KB enriched: Kafka's default 16 KB batch would hold three, so each request
    // would carry little and compress badly.
    producer.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    return producer;
  }

  public static PTransform<PCollection<OutputRecord>, PDone> writeRecords(
      String bootstrapServers, String topic, Map<String, Object> producerConfig) {
    Map<String, Object> config = new HashMap<>(producerConfig);
    KafkaIO.WriteRecords<byte[], byte[]> write =
        KafkaIO.<byte[], byte[]>writeRecords()
            .withBootstrapServers(bootstrapServers)
            .withTopic(topic)
            .withKeySerializer(ByteArraySerializer.class)
            .withValueSerializer(ByteArraySerializer.class)
            .withProducerConfigUpdates(config)
            .withProducerFactoryFn(SharedProducer.factory());
    return new PTransform<>("WriteKafka") {
      @Override
      public PDone expand(PCollection<OutputRecord> input) {
        return input
            .apply(
                "ToProducerRecord",
                MapElements.into(new TypeDescriptor<ProducerRecord<byte[], byte[]>>() {})
                    .via(r -> toProducerRecord(topic, r)))
            .setCoder(
                // Keys are often null (tweets arrive unkeyed), and Flink copies through coders.
                ProducerRecordCoder.of(
                    NullableCoder.of(ByteArrayCoder.of()), NullableCoder.of(ByteArrayCoder.of())))
            .apply("Produce", write);
      }
    };
  }

  public static ProducerRecord<byte[], byte[]> toProducerRecord(String topic, OutputRecord r) {
    RecordHeaders headers = new RecordHeaders();
    if (r.sourceTopic() == null) {
      // Counts belong to a window, not to one input record.
      return new ProducerRecord<>(topic, null, null, r.key(), r.value(), headers);
    }
    headers.add(HEADER_TOPIC, r.sourceTopic().getBytes(StandardCharsets.UTF_8));
    headers.add(HEADER_PARTITION, ByteBuffer.allocate(4).putInt(r.sourcePartition()).array());
    headers.add(HEADER_OFFSET, ByteBuffer.allocate(8).putLong(r.sourceOffset()).array());
    return new ProducerRecord<>(topic, null, null, r.key(), r.value(), headers);
  }
}
