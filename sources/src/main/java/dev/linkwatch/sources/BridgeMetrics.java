package dev.linkwatch.sources;

import dev.linkwatch.metrics.MetricsText;

/**
 * The series both bridges publish on their /metrics (label {@code bridge}: bluesky or mastodon), so an
 * operator's monitoring reads them alike: what came in, what Kafka acknowledged, what was skipped as
 * already written, connections made, and where the cursor stands. The cursor's age is how far behind
 * the live stream a restart would resume: it grows when the bridge falls behind or stops writing.
 */
final class BridgeMetrics {
  private BridgeMetrics() {}

  static void counts(MetricsText m, String bridge, long received, long written, long skipped, long connections) {
    m.add("linkwatch_bridge_events_received_total", "counter",
        "Messages received from the stream (and the backfill, on Mastodon).", received, "bridge", bridge);
    m.add("linkwatch_bridge_records_written_total", "counter",
        "Records sent to Kafka (acknowledged before the cursor moves past them).", written, "bridge", bridge);
    m.add("linkwatch_bridge_duplicates_skipped_total", "counter",
        "Events not written again because the bridge had written them before a reconnect or restart.",
        skipped, "bridge", bridge);
    m.add("linkwatch_bridge_connections_total", "counter", "Connections opened to the stream.", connections, "bridge", bridge);
  }

  /** {@code cursorMillis}: the cursor's time, or a negative value before the first write. */
  static void cursorAge(MetricsText m, String bridge, long cursorMillis, long nowMillis) {
    m.add("linkwatch_bridge_cursor_age_seconds", "gauge",
        "Seconds between now and the time of the cursor a restart would resume after (-1: nothing written yet).",
        cursorMillis < 0 ? -1 : Math.max(0, nowMillis - cursorMillis) / 1000.0, "bridge", bridge);
  }
}
