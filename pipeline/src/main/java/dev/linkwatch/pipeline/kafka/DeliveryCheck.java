package dev.linkwatch.pipeline.kafka;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Accounts for every input record: reads the input topic's offsets and every output topic back, and
 * counts, per input offset, how many output records name it (in their {@code linkwatch.source.*}
 * headers, or their body where a writer dropped the headers). At-least-once delivery needs every
 * offset at least once; exactly-once needs exactly once.
 *
 * <p>Plain Kafka clients, no Beam: it checks the pipeline from outside, as a user would.
 */
public final class DeliveryCheck {
  private final Map<String, Object> clientConfig;
  private final String inputTopic;
  private final List<String> outputTopics;
  private boolean readCommitted;
  private Duration quiet = Duration.ofSeconds(3);
  private Duration max = Duration.ofMinutes(2);

  private DeliveryCheck(Map<String, Object> clientConfig, String inputTopic, List<String> outputTopics) {
    this.clientConfig = new HashMap<>(clientConfig);
    this.inputTopic = inputTopic;
    this.outputTopics = List.copyOf(outputTopics);
  }

  /** Checks {@code inputTopic} against {@code outputTopics}; {@code clientConfig} needs bootstrap.servers. */
  public static DeliveryCheck of(
      Map<String, Object> clientConfig, String inputTopic, List<String> outputTopics) {
    if (!clientConfig.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("clientConfig needs " + ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
    }
    if (outputTopics.isEmpty()) {
      throw new IllegalArgumentException("outputTopics is empty");
    }
    return new DeliveryCheck(clientConfig, inputTopic, outputTopics);
  }

  /** Only committed transactional records count (what a downstream read_committed consumer sees). */
  public DeliveryCheck readCommitted(boolean value) {
    this.readCommitted = value;
    return this;
  }

  /**
   * Stop reading the outputs once every input offset has been seen and nothing new arrived for
   * {@code quiet} (so late duplicates still show), or after {@code max} in any case.
   */
  public DeliveryCheck waitingAtMost(Duration quiet, Duration max) {
    this.quiet = quiet;
    this.max = max;
    return this;
  }

  public Report run() {
    Map<Integer, InputPartition> inputs = readInputOffsets();
    Map<String, Long> perTopic = new LinkedHashMap<>();
    outputTopics.forEach(t -> perTopic.put(t, 0L));
    long unknown = 0;
    List<String> unknownExamples = new ArrayList<>();
    long deadline = System.nanoTime() + max.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : outputTopics) {
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
          parts.add(new TopicPartition(topic, p.partition()));
        }
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long lastNew = System.nanoTime();
      while (System.nanoTime() < deadline) {
        var records = consumer.poll(Duration.ofMillis(250));
        if (!records.isEmpty()) {
          lastNew = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          perTopic.merge(r.topic(), 1L, Long::sum);
          Coordinates c = Coordinates.of(r);
          InputPartition in = c == null || !inputTopic.equals(c.topic) ? null : inputs.get(c.partition);
          if (in == null || !in.record(c.offset)) {
            unknown++;
            if (unknownExamples.size() < 5) {
              unknownExamples.add(r.topic() + "@" + r.partition() + ":" + r.offset() + " names " + c);
            }
          }
        }
        boolean allSeen = inputs.values().stream().allMatch(InputPartition::allSeen);
        if (allSeen && System.nanoTime() - lastNew > quiet.toNanos()) {
          break;
        }
      }
    }
    return Report.of(inputTopic, inputs, perTopic, unknown, unknownExamples);
  }

  private Map<Integer, InputPartition> readInputOffsets() {
    Map<Integer, InputPartition> inputs = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(inputTopic, Duration.ofSeconds(30))) {
        parts.add(new TopicPartition(inputTopic, p.partition()));
      }
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      parts.forEach(tp -> inputs.put(tp.partition(), new InputPartition(begin.get(tp), end.get(tp))));
      // Read the input itself: offsets taken by transaction markers or removed by compaction are no
      // records, so the range alone would overstate what has to come out.
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + max.toNanos();
      while (System.nanoTime() < deadline
          && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            inputs.get(r.partition()).exists(r.offset());
          }
        }
      }
      if (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        throw new IllegalStateException("could not read all of " + inputTopic + " within " + max);
      }
    }
    return inputs;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = new Properties();
    p.putAll(clientConfig);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "linkwatch-verify-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  /**
   * The input record an output record names: in its {@code linkwatch.source.*} headers, or, where a
   * tool on the way dropped them (one that copies only key and value), in its JSON body.
   */
  public record Coordinates(String topic, int partition, long offset) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Coordinates of(ConsumerRecord<byte[], byte[]> r) {
      Header topic = r.headers().lastHeader(KafkaIo.HEADER_TOPIC);
      Header partition = r.headers().lastHeader(KafkaIo.HEADER_PARTITION);
      Header offset = r.headers().lastHeader(KafkaIo.HEADER_OFFSET);
      if (topic == null && partition == null && offset == null) {
        return fromBody(r.value());
      }
      if (topic == null || partition == null || offset == null
          || partition.value().length != 4 || offset.value().length != 8) {
        return null;
      }
      return new Coordinates(
          new String(topic.value(), StandardCharsets.UTF_8),
          ByteBuffer.wrap(partition.value()).getInt(),
          ByteBuffer.wrap(offset.value()).getLong());
    }

    /**
     * Matched records carry {@code enriched.source}, unmatched ones and notices a top-level
     * {@code source} object, dead letters top-level {@code topic}, {@code partition}, {@code offset}
     * (a tweet's own {@code source} is a string, the client it was sent from, and does not count).
     */
    public static Coordinates fromBody(byte[] value) {
      if (value == null) {
        return null;
      }
      JsonNode root;
      try {
        root = JSON.readTree(value);
      } catch (IOException e) {
        return null;
      }
      if (root == null || !root.isObject()) {
        return null;
      }
      JsonNode enriched = root.path("enriched").path("source");
      if (enriched.isObject()) {
        return fromFields(enriched);
      }
      if (root.path("source").isObject()) {
        return fromFields(root.get("source"));
      }
      return "error".equals(root.path("outcome").asText(null)) ? fromFields(root) : null;
    }

    private static Coordinates fromFields(JsonNode n) {
      JsonNode topic = n.get("topic");
      JsonNode partition = n.get("partition");
      JsonNode offset = n.get("offset");
      if (topic == null || !topic.isTextual()
          || partition == null || !partition.isIntegralNumber() || !partition.canConvertToInt()
          || offset == null || !offset.isIntegralNumber() || !offset.canConvertToLong()) {
        return null;
      }
      return new Coordinates(topic.asText(), partition.intValue(), offset.longValue());
    }

    @Override
    public String toString() {
      return topic + "@" + partition + ":" + offset;
    }
  }

  /** One input partition: which offsets hold records, and how often each came out. */
  static final class InputPartition {
    final long begin;
    final long end;
    final BitSet present = new BitSet();
    final byte[] seen;

    InputPartition(long begin, long end) {
      this.begin = begin;
      this.end = end;
      this.seen = new byte[Math.toIntExact(end - begin)];
    }

    void exists(long offset) {
      present.set(Math.toIntExact(offset - begin));
    }

    /** Counts one output for {@code offset}; false when that offset holds no input record. */
    boolean record(long offset) {
      if (offset < begin || offset >= end || !present.get((int) (offset - begin))) {
        return false;
      }
      int i = (int) (offset - begin);
      if (seen[i] < Byte.MAX_VALUE) {
        seen[i]++;
      }
      return true;
    }

    boolean allSeen() {
      for (int i = present.nextSetBit(0); i >= 0; i = present.nextSetBit(i + 1)) {
        if (seen[i] == 0) {
          return false;
        }
      }
      return true;
    }
  }

  /** What came out for what went in. */
  public record Report(
      String inputTopic,
      long inputRecords,
      Map<String, Long> outputsPerTopic,
      long lost,
      long duplicatedOffsets,
      long extraRecords,
      long unknown,
      List<String> examples) {

    static Report of(
        String inputTopic,
        Map<Integer, InputPartition> inputs,
        Map<String, Long> perTopic,
        long unknown,
        List<String> unknownExamples) {
      long records = 0;
      long lost = 0;
      long duplicated = 0;
      long extra = 0;
      List<String> examples = new ArrayList<>();
      for (var e : new java.util.TreeMap<>(inputs).entrySet()) {
        InputPartition in = e.getValue();
        for (int i = in.present.nextSetBit(0); i >= 0; i = in.present.nextSetBit(i + 1)) {
          records++;
          if (in.seen[i] == 0) {
            lost++;
            if (examples.size() < 5) {
              examples.add("lost " + inputTopic + "@" + e.getKey() + ":" + (in.begin + i));
            }
          } else if (in.seen[i] > 1) {
            duplicated++;
            extra += in.seen[i] - 1;
            if (examples.size() < 10) {
              examples.add(
                  "duplicated " + inputTopic + "@" + e.getKey() + ":" + (in.begin + i) + " x" + in.seen[i]);
            }
          }
        }
      }
      unknownExamples.forEach(x -> examples.add("unknown source: " + x));
      return new Report(
          inputTopic, records, Map.copyOf(perTopic), lost, duplicated, extra, unknown, List.copyOf(examples));
    }

    public long outputRecords() {
      return outputsPerTopic.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every input record came out at least once and no output names a record that does not exist. */
    public boolean noneLost() {
      return lost == 0 && unknown == 0;
    }

    public boolean exactlyOnce() {
      return noneLost() && duplicatedOffsets == 0;
    }

    public String toText() {
      StringBuilder s = new StringBuilder();
      s.append(String.format("input      %s: %d records%n", inputTopic, inputRecords));
      outputsPerTopic.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> s.append(String.format("output     %s: %d records%n", e.getKey(), e.getValue())));
      s.append(String.format("lost       %d%n", lost));
      s.append(String.format("duplicated %d offsets (%d extra records)%n", duplicatedOffsets, extraRecords));
      s.append(String.format("unknown    %d (outputs naming no input record)%n", unknown));
      examples.forEach(x -> s.append("  ").append(x).append(System.lineSeparator()));
      return s.toString();
    }
  }
}
