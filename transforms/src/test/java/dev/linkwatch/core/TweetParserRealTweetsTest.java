package dev.linkwatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linkwatch.core.Parsed;
import dev.linkwatch.core.StreamNotice;
import dev.linkwatch.core.Tweet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The parser against real payloads (see src/test/resources/tweets/LICENSES.md) and their facts. */
class TweetParserRealTweetsTest {

  private static final TweetParser PARSER = TweetParser.create();

  /** Outcome per line (1-based): a Parsed or the MalformedTweetException. */
  private static final Map<Integer, Object> V1 = new HashMap<>();

  @BeforeAll
  static void parseV1() {
    List<byte[]> lines = TweetFixtures.lines("/tweets/tweets_v1.jsonl");
    for (int i = 0; i < lines.size(); i++) {
      V1.put(i + 1, outcome(lines.get(i)));
    }
  }

  /** Anything but a Parsed or a MalformedTweetException escapes and fails the test. */
  private static Object outcome(byte[] line) {
    try {
      return PARSER.parse(line);
    } catch (MalformedTweetException e) {
      return e;
    }
  }

  private static Tweet v1Tweet(int line) {
    assertThat(V1.get(line)).as("line %d", line).isInstanceOf(Tweet.class);
    return (Tweet) V1.get(line);
  }

  private static List<Tweet> v1Tweets() {
    List<Tweet> out = new ArrayList<>();
    V1.values().forEach(o -> {
      if (o instanceof Tweet t) {
        out.add(t);
      }
    });
    return out;
  }

  @Test
  void everyV1LineIsATweetOrANotice() {
    assertThat(V1).hasSize(161);
    assertThat(V1.values()).allMatch(o -> o instanceof Parsed, "parsed");
    assertThat(v1Tweets()).hasSize(154).allMatch(t -> t.format().equals("v1"));
  }

  @Test
  void v1NoticesAreTheSevenListedInTheIndex() {
    Map<Integer, String> expected =
        Map.of(152, "delete", 155, "limit", 157, "scrub_geo", 158, "warning", 159, "delete", 160,
            "limit", 161, "disconnect");
    Map<Integer, String> actual = new HashMap<>();
    V1.forEach((line, o) -> {
      if (o instanceof StreamNotice n) {
        actual.put(line, n.kind());
      }
    });
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void twentyOneRetweetsAndTheManualRtIsNotOne() {
    assertThat(v1Tweets().stream().filter(Tweet::retweet)).hasSize(21);
    Tweet manual = v1Tweet(121);
    assertThat(manual.id()).isEqualTo("266367358078169089");
    assertThat(manual.text()).startsWith("RT @TwitterEng");
    assertThat(manual.retweet()).isFalse();
  }

  @Test
  void quoteTweetsAreOriginalsWithTheirOwnUrls() {
    List<Tweet> quotes = v1Tweets().stream().filter(Tweet::quote).toList();
    assertThat(quotes).hasSize(42).noneMatch(Tweet::retweet);
    // Line 47 quotes a tweet linking smittenkitchen.com; only the quoting tweet's link counts.
    Tweet q = v1Tweet(47);
    assertThat(q.quote()).isTrue();
    assertThat(q.urls())
        .containsExactly("https://twitter.com/RobotPrincessFi/status/867470833744191488");
    assertThat(v1Tweet(116).urls()).noneMatch(u -> u.contains("crowdfunder"));
    assertThat(v1Tweet(30).urls()).doesNotContain("http://goo.gl/UNAZME");
  }

  @Test
  void truncatedTweetsUseExtendedTweetEntities() {
    Tweet t = v1Tweet(6);
    assertThat(t.id()).isEqualTo("714461850188926976");
    assertThat(t.urls()).containsExactly("https://twitter.com/jeremycloud/status/704059336788606976");
    // Every truncated tweet in the set: never the self-link to the truncated text.
    List<byte[]> lines = TweetFixtures.lines("/tweets/tweets_v1.jsonl");
    int truncated = 0;
    for (int i = 0; i < lines.size(); i++) {
      String raw = new String(lines.get(i), java.nio.charset.StandardCharsets.UTF_8);
      if (raw.contains("\"truncated\":true") && raw.contains("\"extended_tweet\"")
          && V1.get(i + 1) instanceof Tweet tw && !tw.retweet()) {
        truncated++;
        assertThat(tw.urls()).as("line %d", i + 1).noneMatch(u -> u.contains("twitter.com/i/web/status"));
      }
    }
    assertThat(truncated).isGreaterThan(10);
  }

  @Test
  void oldShapesWithoutEntities() {
    for (int line : new int[] {86, 153, 154, 156}) {
      Tweet t = v1Tweet(line);
      assertThat(t.hasEntities()).as("line %d", line).isFalse();
      assertThat(t.urls()).as("line %d", line).isEmpty();
    }
    Tweet t = v1Tweet(154);
    assertThat(t.id()).isEqualTo("6832063500"); // no id_str in 2009: taken from the number as text
    assertThat(t.text()).contains("http://bit.ly/5tNlDp").contains("só uso");
    assertThat(t.eventTimeMillis()).hasValue(1261238495000L); // Sat Dec 19 16:01:35 +0000 2009
    assertThat(v1Tweets().stream().filter(x -> !x.hasEntities())).hasSize(4);
  }

  @Test
  void htmlEntitiesAreUnescaped() {
    for (int line : new int[] {26, 51, 74, 80, 94, 107, 108, 116}) {
      assertThat(v1Tweet(line).text()).as("line %d", line).doesNotContain("&amp;");
    }
    assertThat(v1Tweets()).noneMatch(t -> t.text().contains("&amp;") || t.text().contains("&gt;"));
  }

  @Test
  void eventTimeFromCreatedAt() {
    assertThat(v1Tweet(121).eventTimeMillis()).hasValue(1352341901000L); // Thu Nov 08 02:31:41 2012
    assertThat(v1Tweets()).allMatch(t -> t.eventTimeMillis().isPresent());
  }

  @Test
  void twitter4jStreamCapture2009() throws Exception {
    List<byte[]> lines = TweetFixtures.lines("/tweets/twitter4j_streamingapi-testcase.raw.jsonl");
    List<String> kinds = new ArrayList<>();
    for (byte[] line : lines) {
      Parsed p = PARSER.parse(line);
      kinds.add(p instanceof StreamNotice n ? n.kind() : "tweet");
      if (p instanceof Tweet t) {
        assertThat(t.hasEntities()).isFalse();
        assertThat(t.id()).isNotNull();
      }
    }
    assertThat(kinds).containsExactly("delete", "tweet", "tweet", "limit", "tweet", "scrub_geo");
  }

  @Test
  void v2Payloads() throws Exception {
    List<byte[]> lines = TweetFixtures.lines("/tweets/tweets_v2.jsonl");
    assertThat(lines).hasSize(15);
    int tweets = 0;
    int pages = 0;
    for (int i = 0; i < lines.size(); i++) {
      Object o = outcome(lines.get(i));
      if (o instanceof Tweet t) {
        tweets++;
        assertThat(t.format()).isEqualTo("v2");
        assertThat(t.id()).isNotNull();
      } else {
        // Search pages (data is an array) are not stream messages: refused, with a reason.
        assertThat(o).isInstanceOf(MalformedTweetException.class);
        assertThat(((Exception) o).getMessage()).contains("data is an array");
        pages++;
      }
    }
    assertThat(tweets).isEqualTo(8);
    assertThat(pages).isEqualTo(7);

    Tweet quote = (Tweet) PARSER.parse(lines.get(0));
    assertThat(quote.id()).isEqualTo("1377650090978992134");
    assertThat(quote.quote()).isTrue();
    assertThat(quote.retweet()).isFalse();
    assertThat(quote.urls())
        .containsExactly(
            "https://twitter.com/blackheart_265/status/1377650090978992134/photo/1",
            "https://twitter.com/Manie_DS/status/1377640162566496258");
    assertThat(quote.eventTimeMillis()).hasValue(1617292351000L); // 2021-04-01T15:52:31Z

    Tweet link = (Tweet) PARSER.parse(lines.get(2));
    assertThat(link.urls()).containsExactly("https://www.instagram.com/p/CNIQbqSrZRL/?igshid=je3jmv61ndpu");

    Tweet bare = (Tweet) PARSER.parse(lines.get(13)); // data with id and text only
    assertThat(bare.hasEntities()).isFalse();
    assertThat(bare.eventTimeMillis()).isEmpty();
  }

  @Test
  void twarcCaptureWithTruncatedLastLine() throws Exception {
    List<byte[]> lines = TweetFixtures.lines("/tweets/twarc-csv_streaming_output_with_error.jsonl");
    assertThat(lines).hasSize(8);
    for (int i = 0; i < 7; i++) {
      assertThat(PARSER.parse(lines.get(i))).isInstanceOf(Tweet.class);
    }
    assertThatThrownBy(() -> PARSER.parse(lines.get(7)))
        .isInstanceOf(MalformedTweetException.class)
        .hasMessageStartingWith("not JSON: ")
        .hasMessageContaining("at byte");
  }
}
