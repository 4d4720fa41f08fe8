package dev.linkwatch.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A compacted Kafka topic holding the catalog: one record per entry, keyed by an entry id, the value
 * one filter object as in the JSON catalog ({@code {"tag","value","match"}}); a null value (a
 * tombstone) deletes the entry. The catalog is the latest value of every key.
 *
 * <p>The reader is a plain consumer with every partition assigned and no group (nothing is
 * committed; each worker reads the whole topic). Each poll reads up to the end offsets it saw when
 * it began, so a poll returns a catalog that reflects a whole prefix of the topic, never a part of a
 * batch that is still arriving. Entries are taken in key order, so the same content gives the same
 * {@link Catalog#version} on every worker.
 *
 * <p>All or nothing: when any current value does not parse, the whole update is refused with a
 * message naming its key and offset, and the job keeps its previous catalog until that key is
 * overwritten or deleted.
 *
 * @param clientSettings Kafka client settings (bootstrap servers, security), as the job's own
 *     consumers get them; they may hold config-provider references, never secret values
 */
public record CatalogTopic(String topic, Map<String, String> clientSettings) implements CatalogFeed {

  /** How long one poll may wait for the broker before it gives up until the next. */
  static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
  static final Duration UNKNOWN_TOPIC_GRACE = Duration.ofSeconds(3);

  public CatalogTopic {
    clientSettings = new TreeMap<>(clientSettings);
  }

  /** {@code kafka:TOPIC}, the form {@code --catalog} takes. */
  public static final String PREFIX = "kafka:";

  @Override
  public String key() {
    return PREFIX + clientSettings.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + "/" + topic;
  }

  @Override
  public String describe() {
    return "catalog topic " + topic;
  }

  /** Names the topic only: client settings stay out of logs and display data. */
  @Override
  public String toString() {
    return "CatalogTopic[" + topic + "]";
  }

  @Override
  public Reader open() {
    return new TopicReader();
  }

  /** The id an entry is keyed by: its tag and normalised value, as {@link Catalog} deduplicates. */
  public static String keyOf(CatalogEntry e) {
    String norm = TextNormalizer.normalizeTerm(e.value());
    return e.tag().label() + ":" + (norm.isEmpty() ? e.value().strip() : norm);
  }

  /** The topic's current values by key, unparsed (read to the end offsets; tombstoned keys absent). */
  public Map<String, byte[]> contents() throws CatalogException {
    try (TopicReader reader = new TopicReader()) {
      reader.readToEnd();
      return new TreeMap<>(reader.values);
    }
  }

  /** A consumer over all of the topic's partitions, with the values read so far. */
  private final class TopicReader implements Reader {
    private final KafkaConsumer<byte[], byte[]> consumer;
    /** Key -> (value, where it came from); the topic's current content as far as read. */
    private final TreeMap<String, byte[]> values = new TreeMap<>();
    private final Map<String, String> offsets = new HashMap<>();
    private boolean first = true;
    /** Records read since the last catalog was returned (kept across a poll that failed midway). */
    private boolean dirty = true;

    TopicReader() {
      Properties p = new Properties();
      p.putAll(clientSettings);
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.remove(ConsumerConfig.GROUP_ID_CONFIG);
      consumer = new KafkaConsumer<>(p);
    }

    @Override
    public Catalog poll() throws CatalogException {
      readToEnd();
      if (!dirty) {
        return null;
      }
      dirty = false;
      List<CatalogEntry> entries = new ArrayList<>(values.size());
      for (var e : values.entrySet()) {
        if (e.getKey().isEmpty()) {
          throw new CatalogException(describe() + " record at " + offsets.get(e.getKey())
              + ": no key; every entry needs an id as its key");
        }
        entries.add(CatalogJson.entry(e.getValue(),
            describe() + " key '" + e.getKey() + "' at " + offsets.get(e.getKey()) + ": "));
      }
      return Catalog.of(entries);
    }

    /**
     * The topic's partitions. A topic created a moment ago (catalog push creates it, then reads it)
     * can be unknown to the broker that answers for a few hundred milliseconds under KRaft, so an
     * empty answer is asked again for {@link #UNKNOWN_TOPIC_GRACE} before the topic counts as missing.
     */
    private List<PartitionInfo> partitions() {
      long deadline = System.nanoTime() + UNKNOWN_TOPIC_GRACE.toNanos();
      while (true) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, FETCH_TIMEOUT);
        if ((infos != null && !infos.isEmpty()) || System.nanoTime() > deadline) {
          return infos == null ? List.of() : infos;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return List.of();
        }
      }
    }

    /** Reads every record up to the end offsets seen now into {@link #values}. */
    void readToEnd() throws CatalogException {
      try {
        if (first) {
          List<PartitionInfo> infos = partitions();
          if (infos.isEmpty()) {
            throw new CatalogException(describe() + ": the topic does not exist");
          }
          List<TopicPartition> parts = new ArrayList<>();
          infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
          consumer.assign(parts);
          consumer.seekToBeginning(parts);
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), FETCH_TIMEOUT);
        long deadline = System.nanoTime() + FETCH_TIMEOUT.toNanos();
        while (!reached(end)) {
          if (System.nanoTime() > deadline) {
            throw new CatalogException(describe() + ": could not read to the end offsets " + end
                + " within " + FETCH_TIMEOUT.toSeconds() + " s");
          }
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
              values.remove(key);
              offsets.remove(key);
            } else {
              values.put(key, r.value());
              offsets.put(key, r.partition() + "/" + r.offset());
            }
            dirty = true;
          }
        }
        first = false;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        // Kafka's own words ("Timeout expired while fetching topic metadata") do not say where it looked.
        throw new CatalogException(describe() + ": no answer from the Kafka brokers at "
            + clientSettings.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + " within "
            + FETCH_TIMEOUT.toSeconds() + " s (--bootstrapServers; " + e.getMessage() + ")", e);
      } catch (org.apache.kafka.common.KafkaException e) {
        throw new CatalogException(describe() + ": " + e.getMessage(), e);
      }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
      for (var e : end.entrySet()) {
        if (consumer.position(e.getKey(), FETCH_TIMEOUT) < e.getValue()) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void close() {
      consumer.close(Duration.ofSeconds(5));
    }
  }
}
