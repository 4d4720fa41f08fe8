package dev.linkwatch.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.contract.OutputContract;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-platform breakdown of a count report, as the JSON records and the console show it. */
class CountReportTest {

  private static CountEvent event(CountEvent.Outcome outcome, String platform) {
    return CountEvent.of(outcome).on(platform);
  }

  @Test
  void inboundAndMatchedAreBrokenDownPerPlatform() {
    Counts counts = new Counts();
    counts.add(event(CountEvent.Outcome.MATCHED, "bluesky"));
    counts.add(event(CountEvent.Outcome.UNMATCHED, "bluesky"));
    counts.add(event(CountEvent.Outcome.NOTICE, "bluesky"));
    counts.add(event(CountEvent.Outcome.MATCHED, "mastodon"));
    counts.add(event(CountEvent.Outcome.UNMATCHED, "twitter"));
    // Too late for its window: still inbound, and still on its platform.
    counts.add(event(CountEvent.Outcome.MATCHED, "twitter").lateIf(true));
    counts.add(CountEvent.of(CountEvent.Outcome.ERRORED));
    CountReport report = new CountReport(CountReport.Scope.BATCH, 0, 30_000, "ON_TIME", true, counts);

    List<String> platformRecords =
        report.toJsonRecords(10).stream()
            .map(json -> OutputContract.check("counts", json))
            .filter(n -> n.get("metric").asText().startsWith("platform_"))
            .map(n -> n.get("metric").asText() + " " + n.get("key").asText() + " " + n.get("count").asLong())
            .toList();
    assertThat(platformRecords)
        .containsExactly(
            "platform_inbound bluesky 3",
            "platform_matched bluesky 1",
            "platform_inbound mastodon 1",
            "platform_matched mastodon 1",
            "platform_inbound twitter 2",
            "platform_matched twitter 0",
            "platform_inbound unknown 1",
            "platform_matched unknown 0");
    // The platforms add up to the report's own inbound.
    assertThat(counts.inbound()).isEqualTo(3 + 1 + 2 + 1);

    assertThat(report.toConsole(10))
        .contains("Batch/Platform: bluesky\tInbound: 3\tMatched: 1\n")
        .contains("Batch/Platform: unknown\tInbound: 1\tMatched: 0\n");
  }

  @Test
  void oneNetworkAloneGetsNoPlatformLinesOnTheConsoleButKeepsItsRecords() {
    Counts counts = new Counts();
    counts.add(event(CountEvent.Outcome.MATCHED, "twitter"));
    CountReport report = new CountReport(CountReport.Scope.BATCH, 0, 30_000, "ON_TIME", true, counts);
    assertThat(report.toConsole(10)).doesNotContain("/Platform: ");
    assertThat(report.toJsonRecords(10).stream().map(b -> new String(b, StandardCharsets.UTF_8)))
        .anyMatch(s -> s.contains("\"metric\":\"platform_matched\",\"key\":\"twitter\",\"count\":1"));
  }

  @Test
  void platformCountsSurviveTheCoderAndMerging() throws Exception {
    Counts a = new Counts();
    a.add(event(CountEvent.Outcome.MATCHED, "bluesky"));
    Counts b = new Counts();
    b.add(event(CountEvent.Outcome.UNMATCHED, "bluesky"));
    b.add(event(CountEvent.Outcome.MATCHED, "mastodon"));
    a.merge(org.apache.beam.sdk.util.CoderUtils.clone(Counts.coder(), b));
    assertThat(a.platforms()).containsOnlyKeys("bluesky", "mastodon");
    assertThat(a.platforms().get("bluesky")).containsExactly(2, 1);
    assertThat(a.platforms().get("mastodon")).containsExactly(1, 1);
  }

  @Test
  void matchedRecordsAreCountedPerCatalogVersionThroughTheCoderAndMerging() throws Exception {
    String v1 = "c0123456789abcdef";
    String v2 = "cfedcba9876543210";
    Counts a = new Counts();
    a.add(event(CountEvent.Outcome.MATCHED, "twitter").withCatalog(v1, 7));
    a.add(event(CountEvent.Outcome.UNMATCHED, "twitter"));
    Counts b = new Counts();
    b.add(event(CountEvent.Outcome.MATCHED, "twitter").withCatalog(v1, 7));
    b.add(event(CountEvent.Outcome.MATCHED, "twitter").withCatalog(v2, 9));
    // the event coder keeps the version and the size too
    b.add(org.apache.beam.sdk.util.CoderUtils.clone(
        CountEvent.coder(), event(CountEvent.Outcome.MATCHED, "twitter").withCatalog(v2, 9)));
    a.merge(org.apache.beam.sdk.util.CoderUtils.clone(Counts.coder(), b));
    CountReport report = new CountReport(CountReport.Scope.BATCH, 0, 30_000, "ON_TIME", true, a);
    List<String> versions =
        report.toJsonRecords(10).stream()
            .map(json -> OutputContract.check("counts", json))
            .filter(n -> n.get("metric").asText().equals("catalog_version"))
            .map(n -> n.get("key").asText() + " " + n.get("count").asLong())
            .toList();
    assertThat(versions).containsExactly(v1 + " 2", v2 + " 2");
    // a catalog's size is its size however many records it judged and however many batches merged
    List<String> sizes =
        report.toJsonRecords(10).stream()
            .map(json -> OutputContract.check("counts", json))
            .filter(n -> n.get("metric").asText().equals("catalog_entries"))
            .map(n -> n.get("key").asText() + " " + n.get("count").asLong())
            .toList();
    assertThat(sizes).containsExactly(v1 + " 7", v2 + " 9");
    assertThat(report.toConsole(10))
        .contains("Batch/Catalog: " + v1 + "\tEntries: 7\tMatched: 2\n")
        .contains("Batch/Catalog: " + v2 + "\tEntries: 9\tMatched: 2\n");
  }
}
