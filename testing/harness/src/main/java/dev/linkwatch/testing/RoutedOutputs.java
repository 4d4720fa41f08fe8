package dev.linkwatch.testing;

import dev.linkwatch.pipeline.kafka.KafkaIo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The matched, unmatched and error records of one run from {@code in} to {@code in.matched},
 * {@code in.unmatched} and {@code in.errors}, each keyed by the input record it came from
 * ({@code partition:offset}), with the input topic's name replaced by {@code in} and an error record's
 * {@code "timestamp"} (the input record's Kafka time, which differs between two copies by a few ms)
 * left out, so two runs over copies of the same input in different topics compare equal when they
 * routed and rendered every record alike.
 */
public final class RoutedOutputs {
  private RoutedOutputs() {}

  public static final List<String> CHANNELS = List.of("matched", "unmatched", "errors");

  /** Channel name to (input partition:offset to record value); expects {@code expected} records in all. */
  public static Map<String, Map<String, String>> read(String bootstrap, String in, int expected) {
    List<String> topics = CHANNELS.stream().map(c -> in + "." + c).toList();
    Map<String, List<ConsumerRecord<byte[], byte[]>>> records =
        KafkaClients.readAll(bootstrap, topics, expected, Duration.ofMinutes(1));
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (String channel : CHANNELS) {
      out.put(
          channel,
          records.get(in + "." + channel).stream()
              .collect(
                  Collectors.toMap(
                      RoutedOutputs::source,
                      r -> normalise(new String(r.value(), StandardCharsets.UTF_8), in),
                      (a, b) -> a + "\n(twice) " + b,
                      TreeMap::new)));
    }
    return out;
  }

  /** How many records each channel holds. */
  public static Map<String, Integer> sizes(Map<String, Map<String, String>> outputs) {
    Map<String, Integer> sizes = new TreeMap<>();
    outputs.forEach((channel, records) -> sizes.put(channel, records.size()));
    return sizes;
  }

  /**
   * Where {@code actual} differs from {@code expected}: channels whose input coordinates differ, then the
   * first few records that differ, each named by channel and coordinates (empty when they are the same).
   */
  public static List<String> differences(
      Map<String, Map<String, String>> expected, Map<String, Map<String, String>> actual) {
    List<String> out = new java.util.ArrayList<>();
    for (String channel : CHANNELS) {
      Map<String, String> e = expected.getOrDefault(channel, Map.of());
      Map<String, String> a = actual.getOrDefault(channel, Map.of());
      if (!e.keySet().equals(a.keySet())) {
        var missing = new java.util.TreeSet<>(e.keySet());
        missing.removeAll(a.keySet());
        var extra = new java.util.TreeSet<>(a.keySet());
        extra.removeAll(e.keySet());
        out.add(channel + ": missing " + first(missing) + ", extra " + first(extra));
      }
      for (var entry : e.entrySet()) {
        String other = a.get(entry.getKey());
        if (other != null && !other.equals(entry.getValue()) && out.size() < 5) {
          out.add(channel + " " + entry.getKey() + ":\n  expected " + entry.getValue() + "\n  actual   " + other);
        }
      }
    }
    return out;
  }

  private static String first(java.util.SortedSet<String> keys) {
    return keys.size() + (keys.isEmpty() ? "" : " (first " + keys.first() + ")");
  }

  private static String normalise(String value, String in) {
    return value.replace(in, "in").replaceFirst("\"timestamp\":-?[0-9]+,", "");
  }

  private static String source(ConsumerRecord<byte[], byte[]> r) {
    Header partition = r.headers().lastHeader(KafkaIo.HEADER_PARTITION);
    Header offset = r.headers().lastHeader(KafkaIo.HEADER_OFFSET);
    if (partition == null || offset == null) {
      return "no-source@" + r.partition() + ":" + r.offset();
    }
    return ByteBuffer.wrap(partition.value()).getInt() + ":" + ByteBuffer.wrap(offset.value()).getLong();
  }
}
