package dev.linkwatch.transforms;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;

/**
 * One pane of counts: a batch (fixed window) or a sliding window, its bounds in event time, whether the
 * pane fired on time or late (a later pane carries the new total), and the counts.
 */
public record CountReport(
    Scope scope, long windowStartMillis, long windowEndMillis, String timing, boolean last, Counts counts) {

  public enum Scope {
    BATCH("Batch", "batch"),
    WINDOW("Window", "window"),
    /** A bounded run's final account: every record of the run, over the span of its batches. */
    RUN("Run", "run");

    private final String title;
    private final String label;

    Scope(String title, String label) {
      this.title = title;
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The contract of count records; an additive change keeps the number, anything else bumps it. */
  public static final String SCHEMA = "linkwatch.counts/1";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final JsonFactory JSON = new JsonFactory();

  /** The original job's console layout: a header with the time, then one line per count. */
  public String toConsole(int topN) {
    String rule = "-------------------------------------------";
    StringBuilder sb = new StringBuilder();
    sb.append(rule).append('\n');
    sb.append("Time: ").append(TIME.format(Instant.ofEpochMilli(windowEndMillis)));
    if (scope != Scope.BATCH) {
      sb.append(scope == Scope.RUN ? "  (run from " : "  (window from ").append(TIME.format(Instant.ofEpochMilli(windowStartMillis))).append(')');
    }
    if ("LATE".equals(timing)) {
      sb.append("  [late data: updated totals]");
    }
    sb.append('\n').append(rule).append('\n');
    String t = scope.title;
    sb.append(t).append("/Inbound: ").append(counts.inbound()).append('\n');
    sb.append(t).append("/Matched: ").append(counts.matched()).append('\n');
    sb.append(t).append("/Non-Matched: ").append(counts.unmatched()).append('\n');
    sb.append(t).append("/Errored: ").append(counts.errored()).append('\n');
    sb.append(t).append("/Notices: ").append(counts.notices()).append('\n');
    sb.append(t).append("/Dropped-Late: ").append(counts.droppedLate()).append('\n');
    // timeline brief: links on shorteners that could not be resolved, never ranked as domains.
    sb.append(t).append("/Unresolved-Links: ").append(counts.unresolvedLinks()).append('\n');
    if (counts.unshortenLookups() > 0) { // only where unshortening is on
      sb.append(t).append("/Unshorten-Lookups: ").append(counts.unshortenLookups())
          .append("\tFailed: ").append(counts.unshortenFailures()).append('\n');
    }
    // Per platform once there is more than one: a single-network stream needs no breakdown.
    if (counts.platforms().size() > 1) {
      counts.platforms().forEach((p, n) -> sb.append(t).append("/Platform: ").append(p)
          .append("\tInbound: ").append(n[0]).append("\tMatched: ").append(n[1]).append('\n'));
    }
    // Per catalog version once the catalog changed within the span (docs/matching.md).
    if (counts.catalogVersions().size() > 1) {
      counts.catalogVersions().forEach((v, n) -> sb.append(t).append("/Catalog: ").append(v)
          .append("\tEntries: ").append(counts.catalogEntries().getOrDefault(v, 0L))
          .append("\tMatched: ").append(n).append('\n'));
    }
    for (Map.Entry<String, Long> e : counts.topArtists(topN)) {
      sb.append(t).append("/Artist: ").append(e.getKey()).append("\tCount: ").append(e.getValue()).append('\n');
    }
    for (Map.Entry<String, Long> e : counts.topDomains(topN)) {
      sb.append(t).append("/Domain: ").append(e.getKey()).append("\tCount: ").append(e.getValue()).append('\n');
    }
    return sb.toString();
  }

  /**
   * One JSON record per count: schema, scope, window bounds, metric, key and rank where there is one,
   * count, timing, final (see {@code docs/schemas/counts.schema.json}).
   */
  public List<byte[]> toJsonRecords(int topN) {
    List<byte[]> out = new ArrayList<>();
    out.add(json("inbound", null, counts.inbound(), 0));
    out.add(json("matched", null, counts.matched(), 0));
    out.add(json("unmatched", null, counts.unmatched(), 0));
    out.add(json("errored", null, counts.errored(), 0));
    out.add(json("notices", null, counts.notices(), 0));
    out.add(json("dropped_late", null, counts.droppedLate(), 0));
    // timeline brief: links on shorteners that could not be resolved, never ranked as domains.
    out.add(json("unresolved_links", null, counts.unresolvedLinks(), 0));
    // The job's own unshortener: links it was asked to follow (cache answers too), and failed to.
    out.add(json("unshorten_lookups", null, counts.unshortenLookups(), 0));
    out.add(json("unshorten_failures", null, counts.unshortenFailures(), 0));
    counts.platforms().forEach((p, n) -> {
      out.add(json("platform_inbound", p, n[0], 0));
      out.add(json("platform_matched", p, n[1], 0));
    });
    counts.catalogVersions().forEach((v, n) -> out.add(json("catalog_version", v, n, 0)));
    counts.catalogEntries().forEach((v, n) -> out.add(json("catalog_entries", v, n, 0)));
    int rank = 0;
    for (Map.Entry<String, Long> e : counts.topArtists(topN)) {
      out.add(json("artist", e.getKey(), e.getValue(), ++rank));
    }
    rank = 0;
    for (Map.Entry<String, Long> e : counts.topDomains(topN)) {
      out.add(json("domain", e.getKey(), e.getValue(), ++rank));
    }
    return out;
  }

  private byte[] json(String metric, String key, long count, int rank) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(200);
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("schema", SCHEMA);
      g.writeStringField("scope", scope.label);
      g.writeStringField("window_start", Instant.ofEpochMilli(windowStartMillis).toString());
      g.writeStringField("window_end", Instant.ofEpochMilli(windowEndMillis).toString());
      g.writeStringField("metric", metric);
      if (key != null) {
        g.writeStringField("key", key);
      }
      if (rank > 0) {
        g.writeNumberField("rank", rank);
      }
      g.writeNumberField("count", count);
      g.writeStringField("timing", timing);
      g.writeBooleanField("final", last);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static final Coder<CountReport> CODER =
      Codec.coder(
          1,
          (r, out) -> {
            out.writeByte(r.scope.ordinal());
            out.writeLong(r.windowStartMillis);
            out.writeLong(r.windowEndMillis);
            Codec.writeString(out, r.timing);
            out.writeBoolean(r.last);
            Counts.coder().encode(r.counts, out);
          },
          in ->
              new CountReport(
                  Scope.values()[in.readByte()],
                  in.readLong(),
                  in.readLong(),
                  Codec.readString(in),
                  in.readBoolean(),
                  Counts.coder().decode(in)));

  public static Coder<CountReport> coder() {
    return CODER;
  }
}
