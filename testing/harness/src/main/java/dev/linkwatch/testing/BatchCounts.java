package dev.linkwatch.testing;

import dev.linkwatch.contract.OutputContract;
import com.fasterxml.jackson.databind.JsonNode;
import dev.linkwatch.pipeline.Channel;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The batch counts on a counts topic, one total per window, metric and key, whatever panes the engine
 * split them into.
 *
 * <p>Panes accumulate, so a window's last pane holds its total and every later pane is at least as
 * large as the earlier ones: the largest count seen is the total. Pane timing ({@code ON_TIME},
 * {@code LATE}, {@code UNKNOWN} in batch mode), {@code final} and {@code rank} are left out, since
 * engines fire panes differently (a batch engine fires each window once at the end of its input, a
 * streaming one when the watermark passes, then again for late records), and the rank follows from
 * the counts. Every record is first checked against the counts contract ({@link OutputContract}).
 */
public final class BatchCounts {
  private BatchCounts() {}

  /** {@code window_start/window_end metric[ key]} → total, sorted, for the scope=batch records. */
  public static Map<String, Long> totals(Collection<byte[]> countRecords) {
    Map<String, Long> totals = new TreeMap<>();
    for (byte[] value : countRecords) {
      JsonNode n = OutputContract.check(Channel.COUNTS.fileName(), value);
      if (!n.path("scope").asText().equals("batch")) {
        continue;
      }
      String key =
          n.get("window_start").asText()
              + "/" + n.get("window_end").asText()
              + " " + n.get("metric").asText()
              + (n.has("key") ? " " + n.get("key").asText() : "");
      totals.merge(key, n.get("count").asLong(), Math::max);
    }
    return totals;
  }

  /** The sum of one metric over every batch window, e.g. all {@code inbound} records counted. */
  public static long sum(Map<String, Long> totals, String metric) {
    return totals.entrySet().stream()
        .filter(e -> e.getKey().split(" ")[1].equals(metric) && e.getKey().split(" ").length == 2)
        .mapToLong(Map.Entry::getValue)
        .sum();
  }
}
