package dev.linkwatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Mastodon reader against the real statuses and frames in src/test/resources/sources. */
class MastodonParserTest {
  private static final RecordParser PARSER =
      RecordParser.create(TweetParser.ParseLimits.defaults(), RecordFormat.AUTO);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<byte[]> STATUSES =
      TweetFixtures.lines("/sources/mastodon_statuses.jsonl");
  private static final List<byte[]> FRAMES =
      TweetFixtures.lines("/sources/mastodon_stream_frames.jsonl");

  private static Tweet status(int line) throws MalformedTweetException {
    return (Tweet) PARSER.parse(STATUSES.get(line - 1));
  }

  @Test
  void everyRealStatusIsAMastodonPost() throws Exception {
    assertThat(STATUSES).hasSize(26);
    for (int i = 1; i <= 26; i++) {
      Tweet t = status(i);
      assertThat(t.platform()).as("line %d", i).isEqualTo("mastodon");
      assertThat(t.format()).isEqualTo("mastodon-status");
      assertThat(t.hasEntities()).isTrue();
      assertThat(t.canonicalId()).as("line %d", i).isNotBlank();
      assertThat(t.eventTimeMillis()).isPresent();
      // Boosts are lines 20 and 21, and nothing else.
      assertThat(t.retweet()).as("line %d", i).isEqualTo(i == 20 || i == 21);
      assertThat(t.quote()).as("line %d", i).isEqualTo(i == 22);
      assertThat(t.text()).as("line %d", i).doesNotContain("<", "&quot;", "&#39;", "https://");
    }
  }

  @Test
  void musicTuesdayPostKeepsHashtagsAndReadsTheBandcampLink() throws Exception {
    Tweet t = status(4);
    assertThat(t.urls())
        .containsExactly("https://cstudios.bandcamp.com/track/celestia-gravity-assist-no-19-var-2");
    assertThat(t.text())
        .startsWith("#musicTuesday Here's a solo #piano track of mine called Gravity Assist")
        .doesNotContain("bandcamp");
    assertThat(t.canonicalId()).startsWith("https://ruby.social/users/");
    assertThat(t.webUrl()).startsWith("https://ruby.social/@");
    assertThat(t.eventTimeMillis()).hasValue(java.time.Instant.parse("2022-11-15T16:08:30.000Z").toEpochMilli());
  }

  @Test
  void entitiesAreDecodedAndSplitDisplayTextIsNotSearched() throws Exception {
    Tweet t = status(9);
    assertThat(t.text())
        .isEqualTo("\"I lost my inheritance with one wrong digit on my sort code\"");
    // The anchor's text is split over span.invisible/ellipsis; the href is whole, and the card repeats it.
    assertThat(t.urls())
        .containsExactly(
            "https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code");
    Tweet apostrophes = status(10);
    assertThat(apostrophes.text()).contains("'advanced'", "Wouldn't").doesNotContain("youtu");
    assertThat(apostrophes.urls())
        .containsExactly(
            "https://youtu.be/X_TLztvV4ns?si=uGz-23iyZs0yoe5r",
            "https://www.youtube.com/watch?si=uGz-23iyZs0yoe5r&v=X_TLztvV4ns&feature=youtu.be");
  }

  @Test
  void onlyHashtagsAndMentionsGiveNoUrlsAndNoHandles() throws Exception {
    Tweet t = status(16);
    assertThat(t.urls()).isEmpty();
    assertThat(t.text()).doesNotContain("catgoat").contains("#Mastodon", "#bird", "#ale");
    Tweet tagOnly = status(7);
    assertThat(tagOnly.text()).isEqualTo("#test");
    assertThat(tagOnly.urls()).isEmpty();
    Tweet pleroma = status(2); // span.h-card > a.u-url.mention
    assertThat(pleroma.text()).isEqualTo("glad i was able to help");
    assertThat(pleroma.urls()).isEmpty();
  }

  @Test
  void nonLatinTextKeepsWordsAndDropsTheLinkText() throws Exception {
    Tweet t = status(13);
    assertThat(t.text()).contains("「徳丸 浩」", "#公式アカウント").doesNotContain("takulog", "pawoo");
    assertThat(t.urls())
        .containsExactly(
            "https://takulog.info/20170420you-ming-gou/",
            "https://pawoo.net/media/7irphvcmS8sO_K-rlEU");
  }

  @Test
  void quoteInlineParagraphIsNeitherTextNorLink() throws Exception {
    Tweet t = status(22);
    assertThat(t.text()).isEqualTo("yoooooooo");
    assertThat(t.urls()).isEmpty();
  }

  @Test
  void cardUrlAndSpoilerText() throws Exception {
    assertThat(status(23).urls()).containsExactly("http://example.org/");
    assertThat(status(26).text()).isEqualTo("Content warning\nToot!");
    assertThat(status(20).text()).isEmpty();
  }

  @Test
  void framesParseTwiceOrBecomeNotices() throws Exception {
    Tweet update = (Tweet) PARSER.parse(FRAMES.get(0));
    assertThat(update.format()).isEqualTo("mastodon-frame");
    assertThat(update.platform()).isEqualTo("mastodon");
    assertThat(update.id()).isEqualTo("108913983692647032");
    assertThat(update.text())
        .isEqualTo("And now I can't exit the inner nvim because I mapped escape to the parent vim instance 😂");
    assertThat(PARSER.parse(FRAMES.get(1))).isEqualTo(new StreamNotice("delete", "mastodon"));
    assertThat(PARSER.parse(FRAMES.get(2))).isEqualTo(new StreamNotice("filters_changed", "mastodon"));
  }

  @Test
  void forcedFormatsReadOneShapeOnly() throws Exception {
    RecordParser bluesky = RecordParser.create(TweetParser.ParseLimits.defaults(), RecordFormat.BLUESKY);
    assertThatThrownBy(() -> bluesky.parse(STATUSES.get(0)))
        .isInstanceOf(MalformedTweetException.class)
        .hasMessage("did is missing");
    RecordParser mastodon = RecordParser.create(TweetParser.ParseLimits.defaults(), RecordFormat.MASTODON);
    assertThat(mastodon.parse(STATUSES.get(0))).isInstanceOf(Tweet.class);
    assertThat(RecordFormat.fromOption(" Mastodon ")).isEqualTo(RecordFormat.MASTODON);
    assertThatThrownBy(() -> RecordFormat.fromOption("threads"))
        .hasMessageContaining("auto, twitter, bluesky or mastodon");
  }

  @Test
  void badMastodonRecordsAreMalformedWithAReason() throws Exception {
    ObjectNode status = (ObjectNode) JSON.readTree(STATUSES.get(22));
    String frame = new String(FRAMES.get(0), StandardCharsets.UTF_8);
    String[][] cases = {
      {"{\"stream\":[\"public\"],\"event\":\"update\",\"payload\":{\"id\":\"1\"}}", "payload is not a string"},
      {"{\"stream\":[\"public\"],\"event\":\"update\",\"payload\":\"{\\\"id\\\":\"}", "payload: not JSON: Unexpected end-of-input within/between Object entries at byte 6"},
      {"{\"stream\":[\"public\"],\"event\":\"update\",\"payload\":\"[1]\"}", "payload is not a JSON object (array)"},
      {"{\"stream\":[\"public\"],\"event\":\"update\"}", "payload is missing"},
      {"{\"stream\":[\"public\"],\"event\":\"poll.vote\",\"payload\":\"1\"}", "unknown Mastodon event \"poll.vote\""},
      {frame.replace("\\\"content\\\":", "\\\"contents\\\":"), "payload.content is missing"},
      {"{\"stream\":[\"public\"]}", "content is missing"},
      {with(status, "created_at", "yesterday"), "created_at is not an ISO-8601 date"},
      {with(status, "reblog", "yes"), "reblog is not an object"},
      {with(status, "card", "http://x.example/"), "card is not an object"},
      {with(status, "content", 7), "content is not a string"},
      {new String(STATUSES.get(22), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"content\":\"<p>x</p>\","), "duplicate key 'content'"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> PARSER.parse(c[0].getBytes(StandardCharsets.UTF_8)))
          .as(c[1])
          .isInstanceOf(MalformedTweetException.class)
          .hasMessage(c[1]);
    }
  }

  private static String with(ObjectNode status, String key, Object value) throws Exception {
    ObjectNode copy = status.deepCopy();
    if (value instanceof Integer i) {
      copy.put(key, i);
    } else {
      copy.put(key, (String) value);
    }
    return JSON.writeValueAsString(copy);
  }
}
