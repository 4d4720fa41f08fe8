package dev.linkwatch.dashboard;

import dev.linkwatch.metrics.MetricsText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkwatch.core.MalformedTweetException;
import dev.linkwatch.core.Parsed;
import dev.linkwatch.core.RecordFormat;
import dev.linkwatch.core.RecordParser;
import dev.linkwatch.core.Tweet;
import dev.linkwatch.core.TweetParser;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * What the dashboard knows, built from the output records it reads, in bounded memory: the batch
 * counts per window (the last {@link Limits#windows} windows; older ones fold into a running total),
 * the latest sliding window's top artists and domains, the latest matches (a ring of {@link
 * Limits#matches}), per-domain evidence (at most {@link Limits#domains} domains, least recently seen
 * dropped first, each with at most {@link Limits#urlsPerDomain} URLs and {@link Limits#samplesPerDomain}
 * sample posts), and totals by channel, error step and reason, unmatched reason, notice kind and link
 * resolution (at most {@link Limits#labels} distinct values each; the rest count as {@code other}).
 *
 * <p>Thread-safe: the reader thread adds, the HTTP threads read; every method locks the instance.
 * Records that are not valid JSON (which the contract rules out) are counted as unreadable, never
 * thrown.
 */
final class DashboardState {
  /** The bounds on what is kept. */
  record Limits(int windows, int matches, int domains, int urlsPerDomain, int samplesPerDomain, int labels) {
    static Limits defaults() {
      return new Limits(720, 200, 5_000, 500, 20, 50);
    }
  }

  /** The four output channels the dashboard reads. */
  enum Channel {
    MATCHED, UNMATCHED, ERRORS, COUNTS;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The batch metrics charted over time and totalled in /metrics, in chart order. */
  static final List<String> BATCH_METRICS =
      List.of("inbound", "matched", "unmatched", "errored", "notices", "dropped_late", "unresolved_links");

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Post text kept per match: far above any real post; the hits of a longer one are dropped past it. */
  private static final int MAX_TEXT = 10_000;

  private final Limits limits;
  private final RecordParser parser =
      RecordParser.create(new TweetParser.ParseLimits(64, 256 * 1024, 64, 100, 4 * 1024 * 1024), RecordFormat.AUTO);

  /** series name (metric, or metric:key for per-platform ones) -> window start -> latest pane's count. */
  private final Map<String, TreeMap<Instant, Long>> batches = new LinkedHashMap<>();
  /** series name -> the counts of windows that fell out of {@link #batches}. */
  private final Map<String, Long> settled = new HashMap<>();
  /** metric (artist, domain) -> the latest window end seen and its ranked entries. */
  private final Map<String, Instant> topWindowEnd = new HashMap<>();
  private final Map<String, TreeMap<Integer, ObjectNode>> top = new HashMap<>();
  private final ArrayDeque<ObjectNode> recent = new ArrayDeque<>();
  private final LinkedHashMap<String, DomainEvidence> domains = new LinkedHashMap<>(64, 0.75f, true);
  private final Map<Channel, Long> read = new java.util.EnumMap<>(Channel.class);
  private final Map<String, Long> errorsByStepReason = new TreeMap<>();
  private final Map<String, Long> unmatchedByReason = new TreeMap<>();
  private final Map<String, Long> noticesByKind = new TreeMap<>();
  private final Map<String, Long> resolutions = new TreeMap<>();
  private static final int SEEN_COORDINATES = 50_000;
  /** Input coordinates (topic/partition/offset) of the latest output records, oldest first. */
  private final java.util.LinkedHashSet<String> seenCoordinates = new java.util.LinkedHashSet<>();
  /**
   * The catalogs that judged records in the newest batch that had any (version -> entries), and that
   * batch's start: two versions when an update took effect within the batch.
   */
  private Instant catalogWindow;
  private final Map<String, Long> catalogs = new TreeMap<>();
  private long unreadable;
  private long matchSeq;
  private long version;
  private long lastRecordMillis;
  private long replays;
  private long lastReplayMillis;
  private String lastReplay;
  private final List<Consumer<ObjectNode>> matchListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  DashboardState(Limits limits) {
    this.limits = limits;
  }

  /** Called (on the reader's thread, outside the lock) with each new match as the page shows it. */
  void onMatch(Consumer<ObjectNode> listener) {
    matchListeners.add(listener);
  }

  /** Takes one record of {@code channel}; {@code timestampMillis} is the Kafka record's timestamp. */
  void accept(Channel channel, byte[] value, long timestampMillis, long nowMillis) {
    ObjectNode match = null;
    synchronized (this) {
      version++;
      lastRecordMillis = nowMillis;
      read.merge(channel, 1L, Long::sum);
      JsonNode node;
      try {
        node = value == null ? null : JSON.readTree(value);
      } catch (java.io.IOException e) {
        node = null;
      }
      if (node == null || !node.isObject()) {
        unreadable++;
        return;
      }
      switch (channel) {
        case COUNTS -> count(node);
        case ERRORS -> {
          noticeReplay(node, nowMillis); // an error record carries its input coordinates at the top
          bump(errorsByStepReason, node.path("step").asText("?") + "\u0000" + label(node.path("reason").asText("?")), true);
        }
        case UNMATCHED -> {
          noticeReplay(node.path("source"), nowMillis);
          if ("notice".equals(node.path("outcome").asText())) {
            bump(noticesByKind, node.path("notice").asText("?"), false);
          } else {
            bump(unmatchedByReason, node.path("reason").asText("?"), false);
          }
        }
        case MATCHED -> match = match(node, value, timestampMillis, nowMillis);
      }
    }
    if (match != null) {
      for (Consumer<ObjectNode> l : matchListeners) {
        l.accept(match);
      }
    }
  }

  /** Digits in error reasons (byte positions, sizes) would make every reason a label of its own. */
  private static String label(String reason) {
    return reason.replaceAll("[0-9]+", "N");
  }

  private void bump(Map<String, Long> map, String key, boolean stepKeyed) {
    String k = key;
    if (!map.containsKey(k) && map.size() >= limits.labels()) {
      k = stepKeyed ? key.substring(0, key.indexOf('\u0000') + 1) + "other" : "other";
    }
    map.merge(k, 1L, Long::sum);
  }

  /**
   * Counts an output record whose input coordinates came out before: a job that restarts from its last
   * committed position writes again what it had written since (at-least-once runs). Output topics
   * interleave, so order proves nothing; a repeat does. The last {@link #SEEN_COORDINATES} are kept.
   */
  private void noticeReplay(JsonNode source, long nowMillis) {
    if (!source.isObject()) {
      return;
    }
    String where = source.path("topic").asText() + "/" + source.path("partition").asInt() + "/" + source.path("offset").asLong();
    if (!seenCoordinates.add(where)) {
      if (nowMillis - lastReplayMillis > 5_000) {
        replays++; // one restart replays many records: records within 5 s of each other are one replay
      }
      lastReplayMillis = nowMillis;
      lastReplay = where;
    } else if (seenCoordinates.size() > SEEN_COORDINATES) {
      var eldest = seenCoordinates.iterator();
      eldest.next();
      eldest.remove();
    }
  }

  private void count(JsonNode c) {
    String metric = c.path("metric").asText();
    String scope = c.path("scope").asText();
    Instant start;
    Instant end;
    try {
      start = Instant.parse(c.path("window_start").asText());
      end = Instant.parse(c.path("window_end").asText());
    } catch (java.time.format.DateTimeParseException e) {
      unreadable++;
      return;
    }
    long n = c.path("count").asLong();
    if (scope.equals("batch") && metric.equals("catalog_entries")) {
      // a size, not a count: never summed
      if (catalogWindow == null || start.isAfter(catalogWindow)) {
        catalogWindow = start;
        catalogs.clear();
      }
      if (start.equals(catalogWindow)) {
        catalogs.put(c.path("key").asText(), n);
      }
    } else if (scope.equals("batch")) {
      String series = c.has("key") ? metric + ":" + c.path("key").asText() : metric;
      TreeMap<Instant, Long> windows = batches.computeIfAbsent(series, s -> new TreeMap<>());
      windows.put(start, n); // a later pane carries the new total
      while (windows.size() > limits.windows()) {
        settled.merge(series, windows.pollFirstEntry().getValue(), Long::sum);
      }
    } else if (scope.equals("window") && c.has("rank")) {
      Instant latest = topWindowEnd.get(metric);
      if (latest != null && end.isBefore(latest)) {
        return; // a late pane of a window already superseded
      }
      if (latest == null || end.isAfter(latest)) {
        topWindowEnd.put(metric, end);
        top.put(metric, new TreeMap<>());
      }
      ObjectNode e = JSON.createObjectNode();
      e.put("rank", c.path("rank").asInt());
      e.put("key", c.path("key").asText());
      e.put("count", n);
      top.get(metric).put(c.path("rank").asInt(), e);
    }
  }

  private ObjectNode match(JsonNode node, byte[] value, long timestampMillis, long nowMillis) {
    JsonNode e = node.path("enriched");
    noticeReplay(e.path("source"), nowMillis);
    String text = searchedText(value, node);
    boolean cut = text.length() > MAX_TEXT;
    if (cut) {
      text = text.substring(0, MAX_TEXT);
    }
    ObjectNode m = JSON.createObjectNode();
    m.put("seq", ++matchSeq);
    m.put("seen", timestampMillis);
    m.put("platform", e.path("platform").asText());
    m.set("post_id", e.path("post_id"));
    m.set("post_url", e.path("post_url"));
    m.put("text", text);
    ArrayNode hits = m.putArray("hits");
    for (JsonNode h : e.path("hits")) {
      if (h.path("end").asInt() <= text.length()) {
        hits.add(h);
      }
    }
    m.set("media", e.path("media_details"));
    ArrayNode links = m.putArray("links");
    JsonNode ud = e.path("url_details");
    JsonNode rawLinks = ud.path("links");
    for (int i = 0; i < rawLinks.size(); i++) {
      ObjectNode l = ((ObjectNode) rawLinks.get(i)).deepCopy();
      l.set("domain", ud.path("domain").path(i));
      l.set("primary_domain", ud.path("primary_domain").path(i));
      links.add(l);
      String resolution = l.path("resolution").asText();
      int colon = resolution.indexOf(':');
      bump(resolutions, colon < 0 ? resolution : resolution.substring(0, colon), false);
    }
    m.set("source", e.path("source"));
    recent.addFirst(m);
    while (recent.size() > limits.matches()) {
      recent.removeLast();
    }
    for (JsonNode l : links) {
      String domain = l.path("primary_domain").asText(null);
      if (domain == null || l.path("whitelisted").asBoolean()) {
        continue; // no host (a javascript: link) or an allowed site: not evidence against a domain
      }
      DomainEvidence d = domains.get(domain);
      if (d == null) {
        d = new DomainEvidence(domain);
        domains.put(domain, d);
        if (domains.size() > limits.domains()) {
          var eldest = domains.entrySet().iterator();
          eldest.next();
          eldest.remove();
        }
      }
      d.add(l, m, timestampMillis, limits);
    }
    return m;
  }

  /** The text the pipeline searched (the hits index it); the record's own text when it cannot be read. */
  private String searchedText(byte[] value, JsonNode node) {
    try {
      Parsed p = parser.parse(value);
      if (p instanceof Tweet t) {
        return t.text();
      }
    } catch (MalformedTweetException | RuntimeException e) {
      // fall through: show what the record has
    }
    return node.path("text").asText("");
  }

  /** Evidence against one domain. */
  private static final class DomainEvidence {
    final String domain;
    long matches;
    long firstSeen = Long.MAX_VALUE;
    long lastSeen;
    final LinkedHashMap<String, ObjectNode> urls = new LinkedHashMap<>();
    final ArrayDeque<ObjectNode> samples = new ArrayDeque<>();
    long lastSeq;

    DomainEvidence(String domain) {
      this.domain = domain;
    }

    void add(JsonNode link, ObjectNode match, long seen, Limits limits) {
      long seq = match.path("seq").asLong();
      if (seq != lastSeq) {
        matches++;
        lastSeq = seq;
        samples.addFirst(match);
        while (samples.size() > limits.samplesPerDomain()) {
          samples.removeLast();
        }
      }
      firstSeen = Math.min(firstSeen, seen);
      lastSeen = Math.max(lastSeen, seen);
      String url = link.path("resolved").asText();
      ObjectNode u = urls.get(url);
      if (u == null) {
        if (urls.size() >= limits.urlsPerDomain()) {
          return; // the first URLs are kept; the count above still grows
        }
        u = JSON.createObjectNode();
        u.put("url", url);
        u.put("first_seen", seen);
        u.put("count", 0);
        urls.put(url, u);
      }
      u.put("linked_as", link.path("url").asText());
      u.put("resolution", link.path("resolution").asText());
      u.put("last_seen", Math.max(seen, u.path("last_seen").asLong()));
      u.put("count", u.path("count").asLong() + 1);
      u.set("post_url", match.get("post_url"));
      u.put("post_text", match.path("text").asText());
    }
  }

  /** The counts as the page charts them, plus the totals tables and the status. */
  synchronized ObjectNode countsView(long nowMillis, long staleMillis) {
    ObjectNode v = JSON.createObjectNode();
    TreeSet<Instant> times = new TreeSet<>();
    batches.values().forEach(w -> times.addAll(w.keySet()));
    ArrayNode t = v.putArray("times");
    times.forEach(i -> t.add(i.getEpochSecond()));
    ObjectNode series = v.putObject("series");
    ObjectNode platforms = v.putObject("platforms");
    batches.forEach(
        (name, windows) -> {
          ObjectNode into = name.startsWith("platform_inbound:") ? platforms : name.contains(":") ? null : series;
          if (into == null) {
            return;
          }
          ArrayNode values = into.putArray(name.contains(":") ? name.substring(name.indexOf(':') + 1) : name);
          times.forEach(i -> {
            Long c = windows.get(i);
            if (c == null) {
              values.addNull();
            } else {
              values.add(c);
            }
          });
        });
    for (String metric : List.of("artist", "domain")) {
      ObjectNode top = v.putObject("top_" + metric);
      Instant end = topWindowEnd.get(metric);
      top.put("window_end", end == null ? null : end.toString());
      ArrayNode entries = top.putArray("entries");
      this.top.getOrDefault(metric, new TreeMap<>()).values().forEach(entries::add);
    }
    ArrayNode reasons = v.putArray("unmatched_reasons");
    unmatchedByReason.forEach((r, n) -> reasons.addObject().put("reason", r).put("count", n));
    ArrayNode errors = v.putArray("errors");
    errorsByStepReason.forEach(
        (k, n) -> {
          int cut = k.indexOf('\u0000');
          errors.addObject().put("step", k.substring(0, cut)).put("reason", k.substring(cut + 1)).put("count", n);
        });
    ArrayNode notices = v.putArray("notices");
    noticesByKind.forEach((k, n) -> notices.addObject().put("kind", k).put("count", n));
    v.set("status", status(nowMillis, staleMillis));
    return v;
  }

  /** Whether data is flowing: the age of the last record, stale past {@code staleMillis}, and replays seen. */
  synchronized ObjectNode status(long nowMillis, long staleMillis) {
    ObjectNode s = JSON.createObjectNode();
    s.put("records", read.values().stream().mapToLong(Long::longValue).sum());
    if (lastRecordMillis == 0) {
      s.putNull("last_record_age_ms");
    } else {
      s.put("last_record_age_ms", nowMillis - lastRecordMillis);
    }
    s.put("stale", lastRecordMillis == 0 || nowMillis - lastRecordMillis > staleMillis);
    s.put("stale_after_ms", staleMillis);
    s.put("replays", replays);
    if (lastReplay != null) {
      s.put("last_replay", lastReplay);
      s.put("last_replay_age_ms", nowMillis - lastReplayMillis);
    }
    return s;
  }

  /** The latest matches, newest first. */
  synchronized ArrayNode recentMatches() {
    ArrayNode a = JSON.createArrayNode();
    recent.forEach(a::add);
    return a;
  }

  /** Changes since start; the server pushes counts only when this moved. */
  synchronized long version() {
    return version;
  }

  /** The known domains, most recently seen first. */
  synchronized List<String> domainNames() {
    List<String> names = new ArrayList<>(domains.keySet());
    java.util.Collections.reverse(names);
    return names;
  }

  /** One domain's evidence for the page, or null when it is not known (or was dropped). */
  synchronized ObjectNode domainView(String domain) {
    DomainEvidence d = domains.get(domain);
    if (d == null) {
      return null;
    }
    ObjectNode v = JSON.createObjectNode();
    v.put("domain", d.domain);
    v.put("matches", d.matches);
    v.put("first_seen", d.firstSeen);
    v.put("last_seen", d.lastSeen);
    ArrayNode urls = v.putArray("urls");
    d.urls.values().forEach(u -> urls.add(u.deepCopy()));
    ArrayNode samples = v.putArray("samples");
    d.samples.forEach(samples::add);
    return v;
  }

  /** One domain's distinct URLs as CSV with a header row, or null when it is not known. */
  synchronized String domainCsv(String domain) {
    DomainEvidence d = domains.get(domain);
    if (d == null) {
      return null;
    }
    StringBuilder csv = new StringBuilder();
    csv.append(EvidenceCsv.row(List.of(
        "domain", "url", "linked_as", "resolution", "first_seen", "last_seen", "count", "post_url", "post_text")));
    for (ObjectNode u : d.urls.values()) {
      csv.append(EvidenceCsv.row(List.of(
          d.domain,
          u.path("url").asText(),
          u.path("linked_as").asText(),
          u.path("resolution").asText(),
          Instant.ofEpochMilli(u.path("first_seen").asLong()).toString(),
          Instant.ofEpochMilli(u.path("last_seen").asLong()).toString(),
          Long.toString(u.path("count").asLong()),
          u.path("post_url").isTextual() ? u.path("post_url").asText() : "",
          u.path("post_text").asText())));
    }
    return csv.toString();
  }

  /** A batch series' total: the windows kept plus those that fell out. */
  private long batchTotal(String series) {
    return settled.getOrDefault(series, 0L)
        + batches.getOrDefault(series, new TreeMap<>()).values().stream().mapToLong(Long::longValue).sum();
  }

  /** This state's part of /metrics. */
  synchronized void metrics(MetricsText m, long nowMillis, long staleMillis) {
    for (String metric : BATCH_METRICS) {
      long total = batchTotal(metric);
      m.add("linkwatch_records_total", "counter",
          "Records by channel as the job's batch counts give them (inbound = in; matched, unmatched, errored, notices = out; dropped_late, unresolved_links), summed over the batches the dashboard has read.",
          total, "channel", metric);
    }
    batches.forEach((series, windows) -> {
      if (series.startsWith("platform_")) {
        int colon = series.indexOf(':');
        long total = batchTotal(series);
        m.add("linkwatch_platform_records_total", "counter",
            "Inbound and matched records per platform, from the batch counts.",
            total, "channel", series.substring("platform_".length(), colon), "platform", series.substring(colon + 1));
      }
    });
    m.declare("linkwatch_platform_records_total", "counter", "Inbound and matched records per platform, from the batch counts.");
    for (String metric : List.of("unshorten_lookups", "unshorten_failures")) {
      long total = batchTotal(metric);
      m.add("linkwatch_" + metric + "_total", "counter",
          metric.endsWith("lookups")
              ? "Links the job's unshortener was asked to follow (answers from its cache included), from the batch counts."
              : "Links the job's unshortener could not follow (failed, blocked, timed out, looped, too many hops), from the batch counts.",
          total);
    }
    m.declare("linkwatch_catalog_entries", "gauge",
        "Entries of the catalog that judged records in the newest batch with any (two versions when an update took effect within it).");
    catalogs.forEach((v, n) -> m.add("linkwatch_catalog_entries", "gauge", "", n, "version", v));
    for (Channel c : Channel.values()) {
      m.add("linkwatch_dashboard_records_read_total", "counter",
          "Records the dashboard has read from each output topic (history included).",
          read.getOrDefault(c, 0L), "topic", c.label());
    }
    m.add("linkwatch_dashboard_unreadable_records_total", "counter",
        "Output records the dashboard could not read (not a JSON object, or a bad window time).", unreadable);
    m.declare("linkwatch_errors_total", "counter", "Error records by step and reason (digits in reasons shown as N).");
    errorsByStepReason.forEach((k, n) -> {
      int cut = k.indexOf('\u0000');
      m.add("linkwatch_errors_total", "counter", "", n, "step", k.substring(0, cut), "reason", k.substring(cut + 1));
    });
    m.declare("linkwatch_unmatched_total", "counter", "Unmatched records by reason.");
    unmatchedByReason.forEach((r, n) -> m.add("linkwatch_unmatched_total", "counter", "", n, "reason", r));
    m.declare("linkwatch_notices_total", "counter", "Stream notices by kind (delete, limit, ...).");
    noticesByKind.forEach((k, n) -> m.add("linkwatch_notices_total", "counter", "", n, "kind", k));
    m.declare("linkwatch_link_resolutions_total", "counter",
        "Links of matched records by what unshortening did (resolved, failed, timeout, not_shortened, ...).");
    resolutions.forEach((r, n) -> m.add("linkwatch_link_resolutions_total", "counter", "", n, "resolution", r));
    m.add("linkwatch_dashboard_domains", "gauge", "Domains the dashboard keeps evidence for.", domains.size());
    m.add("linkwatch_dashboard_last_record_age_seconds", "gauge",
        "Seconds since the dashboard last read an output record (-1: none yet).",
        lastRecordMillis == 0 ? -1 : (nowMillis - lastRecordMillis) / 1000.0);
    m.add("linkwatch_dashboard_stale", "gauge", "1 when no output record came for the stale time.",
        lastRecordMillis == 0 || nowMillis - lastRecordMillis > staleMillis ? 1 : 0);
    m.add("linkwatch_dashboard_replays_total", "counter",
        "Times output records repeated an input position already seen (the job restarted from its last commit).", replays);
  }
}
