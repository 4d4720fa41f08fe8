package dev.linkwatch.dashboard;

import dev.linkwatch.metrics.MetricsText;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkwatch.dashboard.DashboardState.Channel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state the page and /metrics show, fed records shaped as docs/schemas describes them. */
class DashboardStateTest {
  static final long NOW = 1_700_000_000_000L;

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** A matched tweet whose raw text has an HTML entity: the pipeline searched the unescaped text. */
  static byte[] matched(long offset, String domain) {
    return bytes(
        "{\"created_at\":\"Thu Jan 12 10:00:00 +0000 2017\",\"id_str\":\"" + offset + "\",\"text\":\"Tom &amp; Little Mix Glory Days zip\","
            + "\"entities\":{\"urls\":[{\"expanded_url\":\"http://" + domain + "/x\"}]},"
            + "\"enriched\":{\"schema\":\"linkwatch.matched/1\",\"platform\":\"twitter\",\"post_id\":\"" + offset + "\","
            + "\"post_url\":\"https://x.com/i/status/" + offset + "\","
            + "\"media_details\":{\"artist\":\"Little Mix\",\"album\":\"Glory Days\",\"artists\":[\"Little Mix\"],\"albums\":[\"Glory Days\"],\"tracks\":[]},"
            + "\"url_details\":{\"domain\":[\"" + domain + "\",null],\"primary_domain\":[\"" + domain + "\",null],"
            + "\"full_url\":[\"http://" + domain + "/x\",\"javascript:alert(1)\"],"
            + "\"links\":[{\"url\":\"http://" + domain + "/x\",\"resolved\":\"http://" + domain + "/x\",\"resolution\":\"not_shortened\",\"whitelisted\":false,\"blacklisted\":true},"
            + "{\"url\":\"javascript:alert(1)\",\"resolved\":\"javascript:alert(1)\",\"resolution\":\"failed: no host\",\"whitelisted\":false,\"blacklisted\":false}]},"
            + "\"match_count\":2,\"hits\":[{\"tag\":\"artist\",\"value\":\"Little Mix\",\"variant\":\"little mix\",\"start\":6,\"end\":16},"
            + "{\"tag\":\"album\",\"value\":\"Glory Days\",\"variant\":\"glory days\",\"start\":17,\"end\":27}],"
            + "\"source\":{\"topic\":\"tweets\",\"partition\":0,\"offset\":" + offset + "}}}");
  }

  static byte[] count(String scope, String start, String end, String metric, String key, Integer rank, long n, String timing) {
    return bytes(
        "{\"schema\":\"linkwatch.counts/1\",\"scope\":\"" + scope + "\",\"window_start\":\"" + start + "\",\"window_end\":\"" + end + "\","
            + "\"metric\":\"" + metric + "\"" + (key == null ? "" : ",\"key\":\"" + key + "\"") + (rank == null ? "" : ",\"rank\":" + rank)
            + ",\"count\":" + n + ",\"timing\":\"" + timing + "\",\"final\":true}");
  }

  @Test
  void hitsIndexTheSearchedTextAndDomainsCollectEvidence() {
    DashboardState s = new DashboardState(DashboardState.Limits.defaults());
    s.accept(Channel.MATCHED, matched(41, "mp3.example"), NOW - 5_000, NOW);
    s.accept(Channel.MATCHED, matched(42, "mp3.example"), NOW, NOW);

    JsonNode m = s.recentMatches().get(0);
    String text = m.path("text").asText();
    assertThat(text).isEqualTo("Tom & Little Mix Glory Days zip");
    assertThat(text.substring(m.at("/hits/0/start").asInt(), m.at("/hits/0/end").asInt())).isEqualTo("Little Mix");
    assertThat(text.substring(m.at("/hits/1/start").asInt(), m.at("/hits/1/end").asInt())).isEqualTo("Glory Days");

    // The javascript: link has no host: it is shown with its post, but is no domain's evidence.
    assertThat(s.domainNames()).containsExactly("mp3.example");
    JsonNode d = s.domainView("mp3.example");
    assertThat(d.path("matches").asLong()).isEqualTo(2);
    assertThat(d.path("first_seen").asLong()).isEqualTo(NOW - 5_000);
    assertThat(d.path("last_seen").asLong()).isEqualTo(NOW);
    assertThat(d.path("urls")).hasSize(1);
    assertThat(d.at("/urls/0/count").asLong()).isEqualTo(2);
    assertThat(s.domainCsv("mp3.example")).contains("\"http://mp3.example/x\"");
    assertThat(s.domainCsv("nowhere.example")).isNull();
  }

  @Test
  void boundsHoldAndRepeatsCountAsAReplay() {
    DashboardState s = new DashboardState(new DashboardState.Limits(10, 5, 3, 2, 2, 3));
    s.accept(Channel.MATCHED, matched(100, "old.example"), NOW, NOW);
    for (int i = 0; i < 20; i++) {
      s.accept(Channel.MATCHED, matched(i, "d" + (i % 3) + ".example"), NOW + i, NOW + i);
    }
    assertThat(s.recentMatches()).hasSize(5);
    assertThat(s.recentMatches().get(0).path("seq").asLong()).isEqualTo(21);
    // The least recently seen domain went first; the others keep their newest samples only.
    assertThat(s.domainNames()).containsExactly("d1.example", "d0.example", "d2.example");
    assertThat(s.domainView("d1.example").path("matches").asLong()).isEqualTo(7);
    assertThat(s.domainView("d1.example").path("samples")).hasSize(2);
    assertThat(s.domainView("d1.example").at("/samples/0/post_id").asText()).isEqualTo("19");
    assertThat(s.status(NOW + 20, 60_000).path("replays").asLong()).isZero();
    s.accept(Channel.MATCHED, matched(7, "d0.example"), NOW + 30, NOW + 30);
    assertThat(s.status(NOW + 30, 60_000).path("replays").asLong()).isEqualTo(1);
    assertThat(s.status(NOW + 30, 60_000).path("last_replay").asText()).isEqualTo("tweets/0/7");
  }

  @Test
  void metricsTotalTheLatestPaneOfEachBatchAndEscapeLabels() {
    DashboardState s = new DashboardState(DashboardState.Limits.defaults());
    s.accept(Channel.COUNTS, count("batch", "2017-01-12T10:00:00Z", "2017-01-12T10:00:30Z", "inbound", null, null, 5, "ON_TIME"), NOW, NOW);
    // A late pane carries the window's new total, not an increment.
    s.accept(Channel.COUNTS, count("batch", "2017-01-12T10:00:00Z", "2017-01-12T10:00:30Z", "inbound", null, null, 7, "LATE"), NOW, NOW);
    s.accept(Channel.COUNTS, count("batch", "2017-01-12T10:00:30Z", "2017-01-12T10:01:00Z", "inbound", null, null, 3, "ON_TIME"), NOW, NOW);
    s.accept(Channel.COUNTS, count("batch", "2017-01-12T10:00:30Z", "2017-01-12T10:01:00Z", "platform_inbound", "bluesky", null, 3, "ON_TIME"), NOW, NOW);
    s.accept(Channel.COUNTS, count("window", "2017-01-12T04:00:30Z", "2017-01-12T10:00:30Z", "domain", "a.example", 1, 9, "ON_TIME"), NOW, NOW);
    s.accept(Channel.COUNTS, count("window", "2017-01-12T04:01:00Z", "2017-01-12T10:01:00Z", "domain", "b.example", 1, 4, "ON_TIME"), NOW, NOW);
    s.accept(Channel.ERRORS, bytes("{\"schema\":\"linkwatch.errors/1\",\"outcome\":\"error\",\"step\":\"ParseTweet\","
        + "\"reason\":\"invalid UTF-8 at byte 17 \\\"q\\\"\\nx\",\"topic\":\"tweets\",\"partition\":0,\"offset\":3,\"timestamp\":1}"), NOW, NOW);
    s.accept(Channel.ERRORS, bytes("{\"schema\":\"linkwatch.errors/1\",\"outcome\":\"error\",\"step\":\"ParseTweet\","
        + "\"reason\":\"invalid UTF-8 at byte 9 \\\"q\\\"\\nx\",\"topic\":\"tweets\",\"partition\":0,\"offset\":4,\"timestamp\":1}"), NOW, NOW);
    s.accept(Channel.UNMATCHED, bytes("{\"schema\":\"linkwatch.unmatched/1\",\"outcome\":\"notice\",\"code\":-2,\"reason\":\"stream notice\","
        + "\"notice\":\"delete\",\"source\":{\"topic\":\"tweets\",\"partition\":0,\"offset\":9},\"tweet\":{}}"), NOW, NOW);
    s.accept(Channel.COUNTS, bytes("not json"), NOW, NOW);

    MetricsText m = new MetricsText();
    s.metrics(m, NOW + 1_000, 60_000);
    List<String> lines = m.render().lines().toList();
    assertThat(lines).contains(
        "linkwatch_records_total{channel=\"inbound\"} 10",
        "linkwatch_records_total{channel=\"matched\"} 0",
        "linkwatch_platform_records_total{channel=\"inbound\",platform=\"bluesky\"} 3",
        "linkwatch_errors_total{step=\"ParseTweet\",reason=\"invalid UTF-N at byte N \\\"q\\\"\\nx\"} 2",
        "linkwatch_notices_total{kind=\"delete\"} 1",
        "linkwatch_dashboard_records_read_total{topic=\"counts\"} 7",
        "linkwatch_dashboard_unreadable_records_total 1",
        "linkwatch_dashboard_last_record_age_seconds 1",
        "linkwatch_dashboard_stale 0");
    assertThat(lines.stream().filter(l -> l.startsWith("# TYPE linkwatch_records_total "))).hasSize(1);

    JsonNode view = s.countsView(NOW, 60_000);
    assertThat(view.at("/top_domain/window_end").asText()).isEqualTo("2017-01-12T10:01:00Z");
    assertThat(view.at("/top_domain/entries/0/key").asText()).isEqualTo("b.example");
    assertThat(view.at("/top_domain/entries")).hasSize(1);
    assertThat(view.path("times")).hasSize(2);
    assertThat(view.at("/series/inbound/0").asLong()).isEqualTo(7);
    assertThat(view.at("/platforms/bluesky/0").isNull()).isTrue();
    assertThat(view.at("/platforms/bluesky/1").asLong()).isEqualTo(3);
  }

  /**
   * The unshortener's lookups and failures are totals over batches like the record counts; a catalog's
   * entries are a size: the newest batch's catalogs are shown, never a sum, and both versions of a
   * batch in which an update took effect.
   */
  @Test
  void unshortenerTotalsAddUpAndTheCatalogSizeIsTheNewestBatchs() {
    DashboardState s = new DashboardState(DashboardState.Limits.defaults());
    String b1 = "2017-01-12T10:00:00Z";
    String b2 = "2017-01-12T10:00:30Z";
    String b3 = "2017-01-12T10:01:00Z";
    String v1 = "c0123456789abcdef";
    String v2 = "cfedcba9876543210";
    s.accept(Channel.COUNTS, count("batch", b1, b2, "unshorten_lookups", null, null, 4, "ON_TIME"), NOW, NOW);
    s.accept(Channel.COUNTS, count("batch", b1, b2, "unshorten_lookups", null, null, 5, "LATE"), NOW, NOW);
    s.accept(Channel.COUNTS, count("batch", b2, b3, "unshorten_lookups", null, null, 2, "ON_TIME"), NOW, NOW);
    s.accept(Channel.COUNTS, count("batch", b1, b2, "unshorten_failures", null, null, 1, "ON_TIME"), NOW, NOW);
    s.accept(Channel.COUNTS, count("batch", b1, b2, "catalog_entries", v1, null, 1000, "ON_TIME"), NOW, NOW);
    s.accept(Channel.COUNTS, count("window", b1, b3, "catalog_entries", v1, null, 1000, "ON_TIME"), NOW, NOW);
    MetricsText m = new MetricsText();
    s.metrics(m, NOW, 60_000);
    assertThat(m.render().lines().toList()).contains(
        "linkwatch_unshorten_lookups_total 7",
        "linkwatch_unshorten_failures_total 1",
        "linkwatch_catalog_entries{version=\"" + v1 + "\"} 1000");

    // an update took effect within the next batch: both catalogs judged records in it
    s.accept(Channel.COUNTS, count("batch", b2, b3, "catalog_entries", v1, null, 1000, "ON_TIME"), NOW, NOW);
    s.accept(Channel.COUNTS, count("batch", b2, b3, "catalog_entries", v2, null, 1001, "ON_TIME"), NOW, NOW);
    // a late pane of an older batch does not bring back its catalog
    s.accept(Channel.COUNTS, count("batch", b1, b2, "catalog_entries", v1, null, 1000, "LATE"), NOW, NOW);
    m = new MetricsText();
    s.metrics(m, NOW, 60_000);
    List<String> lines = m.render().lines().toList();
    assertThat(lines).contains(
        "linkwatch_catalog_entries{version=\"" + v1 + "\"} 1000",
        "linkwatch_catalog_entries{version=\"" + v2 + "\"} 1001");
    assertThat(lines.stream().filter(l -> l.startsWith("linkwatch_catalog_entries{"))).hasSize(2);
    assertThat(s.countsView(NOW, 60_000).path("series").has("catalog_entries")).isFalse();
  }
}
