package dev.linkwatch.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: one {@code # HELP} and one
 * {@code # TYPE} line per family, then its samples. Label values are escaped (backslash, quote, line
 * feed) as the format requires, so a hostile error reason cannot break a scrape.
 */
public final class MetricsText {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Map<String, Family> families = new LinkedHashMap<>();

  private record Family(String help, String type, StringBuilder samples) {}

  /** Adds a sample to family {@code name} ({@code type} counter or gauge); labels in pairs: name, value. */
  public MetricsText add(String name, String type, String help, double value, String... labels) {
    StringBuilder s = declare(name, type, help).families.get(name).samples().append(name);
    if (labels.length > 0) {
      s.append('{');
      for (int i = 0; i + 1 < labels.length; i += 2) {
        if (i > 0) {
          s.append(',');
        }
        s.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
      }
      s.append('}');
    }
    s.append(' ').append(number(value)).append('\n');
    return this;
  }

  /** Declares a family with no samples yet, so a scrape always shows its HELP and TYPE. */
  public MetricsText declare(String name, String type, String help) {
    families.computeIfAbsent(name, n -> new Family(help, type, new StringBuilder()));
    return this;
  }

  static String number(double v) {
    // Whole numbers up to 2^53 (a Jetstream time_us, a byte count) exactly, without an exponent.
    if (v == Math.rint(v) && Math.abs(v) <= 9_007_199_254_740_992.0) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  public String render() {
    StringBuilder out = new StringBuilder();
    families.forEach(
        (name, f) ->
            out.append("# HELP ").append(name).append(' ')
                .append(f.help().replace("\\", "\\\\").replace("\n", "\\n")).append('\n')
                .append("# TYPE ").append(name).append(' ').append(f.type()).append('\n')
                .append(f.samples()));
    return out.toString();
  }
}
