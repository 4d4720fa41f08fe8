package dev.linkwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EventTimesTest {
  private static OptionalLong of(String json) {
    return EventTimes.of(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void blueskyAndMastodonRecordsGiveTheirOwnTimes() {
    java.util.List<byte[]> jetstream =
        TweetFixtures.lines("/sources/bluesky_jetstream_posts_reposts_deletes.jsonl");
    assertThat(EventTimes.of(jetstream.get(1))).hasValue(1783175888090L); // time_us / 1000
    assertThat(EventTimes.of(jetstream.get(30))).hasValue(1783175888384L); // identity event
    java.util.List<byte[]> statuses = TweetFixtures.lines("/sources/mastodon_statuses.jsonl");
    assertThat(EventTimes.of(statuses.get(3)))
        .hasValue(java.time.Instant.parse("2022-11-15T16:08:30.000Z").toEpochMilli());
    java.util.List<byte[]> frames = TweetFixtures.lines("/sources/mastodon_stream_frames.jsonl");
    assertThat(EventTimes.of(frames.get(0)))
        .hasValue(java.time.Instant.parse("2022-08-30T21:38:22.000Z").toEpochMilli());
    assertThat(EventTimes.of(frames.get(1))).isEmpty(); // a delete frame has no time
  }

  @Test
  void topLevelTimestampMsWins() {
    assertThat(of("{\"created_at\":\"Thu Jan 12 00:36:22 +0000 2017\",\"timestamp_ms\":\"1484181382123\"}"))
        .hasValue(1484181382123L);
    assertThat(of("{\"timestamp_ms\":1484181382123}")).hasValue(1484181382123L);
  }

  @Test
  void nestedOrQuotedStampsAreNotTheTweets() {
    // A retweeted status's own fields, and the text "timestamp_ms" inside a string, are not the tweet's.
    assertThat(
            of("{\"text\":\"\\\"timestamp_ms\\\":\\\"1111111111111\\\"\",\"created_at\":\"Thu Jan 12 00:36:22 +0000 2017\","
                + "\"retweeted_status\":{\"created_at\":\"Mon Jan 01 00:00:00 +0000 2001\"}}"))
        .hasValue(1484181382000L);
  }

  @Test
  void v1CreatedAtThenV2DataCreatedAt() {
    assertThat(of("{\"created_at\":\"Thu Jan 12 00:36:22 +0000 2017\",\"user\":{\"created_at\":\"Mon Jan 01 00:00:00 +0000 2001\"}}"))
        .hasValue(1484181382000L);
    assertThat(of("{\"data\":{\"id\":\"1\",\"created_at\":\"2021-06-01T10:00:00.000Z\",\"text\":\"x\"}}"))
        .hasValue(1622541600000L);
  }

  @Test
  void noticesCarryTheirStampOneLevelDown() {
    assertThat(of("{\"delete\":{\"status\":{\"id\":1},\"timestamp_ms\":\"1484181382000\"}}")).hasValue(1484181382000L);
    assertThat(of("{\"limit\":{\"track\":3,\"timestamp_ms\":\"1484181382001\"}}")).hasValue(1484181382001L);
  }

  @Test
  void nothingUsableGivesEmpty() {
    assertThat(of("{\"text\":\"no time\"}")).isEmpty();
    assertThat(of("not json")).isEmpty();
    assertThat(of("{\"created_at\":\"yesterday\"}")).isEmpty();
    assertThat(EventTimes.of(new byte[0])).isEmpty();
  }

  @Test
  void aStampAtTheEndIsReadFromTheEndOnlyWhenItIsTopLevel() {
    assertThat(EventTimes.lastMemberTimestampMs(bytes("{\"a\":{\"b\":1},\"timestamp_ms\":\"1484181382000\"}\n")))
        .hasValue(1484181382000L);
    assertThat(EventTimes.lastMemberTimestampMs(bytes("{\"timestamp_ms\" : 1484181382001 }"))).hasValue(1484181382001L);
    // Nested, quoted inside a string, or too short: not from the end (the full scan decides).
    assertThat(EventTimes.lastMemberTimestampMs(bytes("{\"delete\":{\"timestamp_ms\":\"1484181382000\"}}"))).isEmpty();
    assertThat(EventTimes.lastMemberTimestampMs(bytes("{\"t\":\"x\\\"timestamp_ms\\\":\\\"1484181382000\\\"\"}"))).isEmpty();
    assertThat(EventTimes.lastMemberTimestampMs(bytes("{\"t\":\"x\",\"xtimestamp_ms\":\"1484181382000\"}"))).isEmpty();
    assertThat(EventTimes.lastMemberTimestampMs(bytes("{\"timestamp_ms\":\"123\"}"))).isEmpty();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
