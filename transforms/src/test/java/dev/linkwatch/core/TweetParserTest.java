package dev.linkwatch.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linkwatch.core.TweetParser.ParseLimits;
import dev.linkwatch.core.StreamNotice;
import dev.linkwatch.core.Tweet;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Shapes and hostile inputs, one rule per test. */
class TweetParserTest {

  private final TweetParser parser = TweetParser.create();

  private Parsed parse(String json) throws MalformedTweetException {
    return parser.parse(json.getBytes(UTF_8));
  }

  private Tweet tweet(String json) throws MalformedTweetException {
    return (Tweet) parse(json);
  }

  private static String rejection(TweetParser p, byte[] bytes) {
    try {
      p.parse(bytes);
    } catch (MalformedTweetException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + new String(bytes, UTF_8));
  }

  private String rejection(String json) {
    return rejection(parser, json.getBytes(UTF_8));
  }

  // ------------------------------------------------------------------ v1

  @Test
  void v1TweetFields() throws Exception {
    Tweet t =
        tweet(
            """
            {"id":1,"id_str":"818233","text":"Shout Out To My Ex &amp; Touch &lt;3 &#39;CDQ&#x27;",
             "timestamp_ms":"1484181382000","created_at":"Thu Jan 12 00:36:22 +0000 2017",
             "entities":{"urls":[
               {"url":"https://t.co/a","expanded_url":"http://mp3.example/x"},
               {"url":"https://t.co/b","expanded_url":null},
               {"url":"https://t.co/c"},
               {"url":"https://t.co/a","expanded_url":"http://mp3.example/x"}],
               "media":[{"url":"https://t.co/m","expanded_url":"https://twitter.com/u/status/1/photo/1"}]}}
            """);
    assertThat(t.id()).isEqualTo("818233");
    assertThat(t.format()).isEqualTo("v1");
    assertThat(t.text()).isEqualTo("Shout Out To My Ex & Touch <3 'CDQ'");
    assertThat(t.urls()).containsExactly("http://mp3.example/x", "https://t.co/b", "https://t.co/c");
    assertThat(t.hasEntities()).isTrue();
    assertThat(t.retweet()).isFalse();
    assertThat(t.quote()).isFalse();
    assertThat(t.eventTimeMillis()).hasValue(1484181382000L);
  }

  @Test
  void timestampAsNumberAndCreatedAtFallback() throws Exception {
    assertThat(tweet("{\"text\":\"a\",\"timestamp_ms\":1484181382123}").eventTimeMillis())
        .hasValue(1484181382123L);
    assertThat(
            tweet("{\"text\":\"a\",\"created_at\":\"Thu Jan 12 00:36:22 +0000 2017\"}")
                .eventTimeMillis())
        .hasValue(1484181382000L);
    assertThat(tweet("{\"text\":\"a\"}").eventTimeMillis()).isEmpty();
    assertThat(tweet("{\"text\":\"a\"}").id()).isNull();
  }

  @Test
  void retweetNeedsANonNullRetweetedStatus() throws Exception {
    assertThat(tweet("{\"text\":\"RT @a: hi\",\"retweeted_status\":{\"text\":\"hi\"}}").retweet())
        .isTrue();
    assertThat(tweet("{\"text\":\"RT @a: hi\",\"retweeted_status\":null}").retweet()).isFalse();
    assertThat(tweet("{\"text\":\"RT @a: hi\"}").retweet()).isFalse();
  }

  @Test
  void quoteKeepsItsOwnTextAndUrls() throws Exception {
    Tweet t =
        tweet(
            """
            {"text":"mine","is_quote_status":true,"entities":{"urls":[{"expanded_url":"http://mine.example"}]},
             "quoted_status":{"text":"theirs","entities":{"urls":[{"expanded_url":"http://theirs.example"}]}}}
            """);
    assertThat(t.quote()).isTrue();
    assertThat(t.retweet()).isFalse();
    assertThat(t.text()).isEqualTo("mine");
    assertThat(t.urls()).containsExactly("http://mine.example");
  }

  @Test
  void truncatedTweetReadsExtendedTweet() throws Exception {
    Tweet t =
        tweet(
            """
            {"text":"short… https://t.co/self","truncated":true,
             "entities":{"urls":[{"expanded_url":"https://twitter.com/i/web/status/1"}]},
             "extended_tweet":{"full_text":"the long text","entities":{"urls":[{"expanded_url":"http://real.example"}]}}}
            """);
    assertThat(t.text()).isEqualTo("the long text");
    assertThat(t.urls()).containsExactly("http://real.example");
    assertThat(t.hasEntities()).isTrue();
  }

  @Test
  void fullTextBeatsText() throws Exception {
    assertThat(tweet("{\"text\":\"a\",\"full_text\":\"long\"}").text()).isEqualTo("long");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"delete\":{\"status\":{\"id\":1,\"user_id\":2}}}|delete",
        "{\"scrub_geo\":{\"user_id\":1}}|scrub_geo",
        "{\"limit\":{\"track\":121564}}|limit",
        "{\"status_withheld\":{\"id\":1}}|status_withheld",
        "{\"user_withheld\":{\"id\":1}}|user_withheld",
        "{\"disconnect\":{\"code\":4}}|disconnect",
        "{\"warning\":{\"code\":\"FALLING_BEHIND\"}}|warning",
        "{\"friends\":[1,2]}|friends",
        "{\"friends_str\":[\"1\"]}|friends_str",
        "{\"event\":\"favorite\",\"source\":{},\"target\":{},\"created_at\":\"x\"}|event",
        "{\"control\":{\"control_uri\":\"/x\"}}|control",
        "{\"errors\":[{\"title\":\"operational-disconnect\"}]}|errors",
      })
  void streamNotices(String json, String kind) throws Exception {
    assertThat(parse(json)).isEqualTo(new StreamNotice(kind));
  }

  // ------------------------------------------------------------------ v2

  @Test
  void v2RetweetQuoteAndNoteTweet() throws Exception {
    Tweet rt =
        tweet(
            "{\"data\":{\"id\":\"5\",\"text\":\"RT @x: y\",\"referenced_tweets\":[{\"type\":\"retweeted\",\"id\":\"4\"}]}}");
    assertThat(rt.retweet()).isTrue();
    assertThat(rt.format()).isEqualTo("v2");
    Tweet note =
        tweet(
            """
            {"data":{"id":"6","text":"cut…","created_at":"2021-04-01T15:52:31.000Z",
              "referenced_tweets":[{"type":"quoted","id":"3"}],
              "entities":{"urls":[{"url":"https://t.co/a","expanded_url":"http://a.example","unwound_url":"http://u.example"}]},
              "note_tweet":{"text":"the whole &amp; long","entities":{"urls":[{"url":"https://t.co/b"}]}}},
             "includes":{"tweets":[{"entities":{"urls":[{"expanded_url":"http://quoted.example"}]}}]},
             "errors":[{"title":"partial"}]}
            """);
    assertThat(note.quote()).isTrue();
    assertThat(note.retweet()).isFalse();
    assertThat(note.text()).isEqualTo("the whole & long");
    assertThat(note.urls()).containsExactly("https://t.co/b");
    assertThat(note.eventTimeMillis()).hasValue(1617292351000L);
  }

  // ------------------------------------------------------------------ hostile input

  @Test
  void emptyAndNonObjects() {
    assertThat(rejection(parser, new byte[0])).isEqualTo("empty record");
    assertThat(rejection(parser, null)).isEqualTo("empty record");
    assertThat(rejection("  \n ")).isEqualTo("empty record");
    assertThat(rejection("null")).isEqualTo("not a JSON object (null)");
    assertThat(rejection("[{\"text\":\"a\"}]")).isEqualTo("not a JSON object (array)");
    assertThat(rejection("\"text\"")).isEqualTo("not a JSON object (string)");
    assertThat(rejection("42")).isEqualTo("not a JSON object (number)");
  }

  @Test
  void invalidUtf8IsRefusedEvenInFieldsNobodyReads() {
    byte[] prefix = "{\"text\":\"ok\",\"user\":{\"description\":\"".getBytes(UTF_8);
    byte[] suffix = "\"}}".getBytes(UTF_8);
    for (byte[] bad : new byte[][] {{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0x80}}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(prefix);
      out.writeBytes(bad);
      out.writeBytes(suffix);
      assertThat(rejection(parser, out.toByteArray())).startsWith("invalid UTF-8 at byte ");
    }
    byte[] inText = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xFE, '"', '}'};
    assertThat(rejection(parser, inText)).startsWith("invalid UTF-8 at byte ");
  }

  @Test
  void utf8ThatJacksonWouldAcceptIsRefusedToo() {
    String[] cases = {"C0 80", "E0 80 80", "ED A0 80", "F4 90 80 80", "F0 9F 98", "E2 28 A1"};
    for (String hex : cases) {
      String[] parts = hex.split(" ");
      byte[] bad = new byte[parts.length];
      for (int i = 0; i < parts.length; i++) {
        bad[i] = (byte) Integer.parseInt(parts[i], 16);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes("{\"text\":\"abc".getBytes(UTF_8));
      out.writeBytes(bad);
      out.writeBytes("\"}".getBytes(UTF_8));
      assertThat(rejection(parser, out.toByteArray())).as(hex).isEqualTo("invalid UTF-8 at byte 12");
    }
  }

  @Test
  void validUtf8OfEveryLengthIsAccepted() throws Exception {
    String text = "a é € 😀 한국어 \u007F\u0080\u07FF\u0800\uFFFD\uD7FF\uE000\uDBFF\uDFFF";
    assertThat(tweet("{\"text\":\"" + text + "\"}").text()).isEqualTo(text);
    assertThat(Utf8.firstInvalid(new byte[0])).isEqualTo(-1);
  }

  @Test
  void deepNestingIsRefusedWithoutStackOverflow() {
    String deep = "{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    assertThat(rejection(deep)).isEqualTo("nesting deeper than 64");
    String deepInText = "{\"text\":\"a\",\"user\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_001);
    assertThat(rejection(deepInText)).isEqualTo("nesting deeper than 64");
  }

  @Test
  void hugeIdStaysExactText() throws Exception {
    String big = "123456789012345678901234567890123456789";
    assertThat(tweet("{\"id\":" + big + ",\"text\":\"a\"}").id()).isEqualTo(big);
    assertThat(tweet("{\"data\":{\"id\":" + big + ",\"text\":\"a\"}}").id()).isEqualTo(big);
    assertThat(rejection("{\"id\":" + "9".repeat(65) + ",\"text\":\"a\"}"))
        .isEqualTo("number longer than 64 digits");
  }

  @Test
  void tooManyUrls() {
    StringBuilder sb = new StringBuilder("{\"text\":\"a\",\"entities\":{\"urls\":[");
    for (int i = 0; i < 10_000; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"expanded_url\":\"http://x").append(i).append(".example\"}");
    }
    sb.append("]}}");
    assertThat(rejection(sb.toString())).isEqualTo("too many URLs: 10000 > 100");
  }

  @Test
  void limitsAreConfigurable() {
    TweetParser tight = TweetParser.create(new ParseLimits(4, 10, 5, 1, 200));
    assertThat(rejection(tight, "{\"text\":\"01234567890123\"}".getBytes(UTF_8)))
        .isEqualTo("string longer than 10 chars");
    assertThat(rejection(tight, ("{\"text\":\"" + "a".repeat(300) + "\"}").getBytes(UTF_8)))
        .isEqualTo("record too large: 311 bytes > 200");
    assertThat(rejection(tight, "{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}".getBytes(UTF_8)))
        .isEqualTo("nesting deeper than 4");
    assertThatThrownBy(() -> new ParseLimits(0, 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ParseLimits.defaults()).isEqualTo(new ParseLimits(64, 262_144, 64, 100, 1_048_576));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"text\":42}|text is not a string",
        "{\"text\":\"a\",\"entities\":{\"urls\":{}}}|entities.urls is not an array",
        "{\"text\":\"a\",\"entities\":[]}|entities is not an object",
        "{\"text\":\"a\",\"entities\":{\"urls\":[\"http://x\"]}}|entities.urls[0] is not an object",
        "{\"text\":\"a\",\"entities\":{\"urls\":[{\"expanded_url\":7}]}}|entities.urls[0].expanded_url is not a string",
        "{\"text\":\"a\",\"truncated\":true,\"extended_tweet\":{\"entities\":{\"urls\":1}}}|extended_tweet.entities.urls is not an array",
        "{\"text\":\"a\",\"extended_tweet\":\"x\"}|extended_tweet is not an object",
        "{\"text\":\"a\",\"retweeted_status\":true}|retweeted_status is not an object",
        "{\"text\":\"a\",\"truncated\":\"yes\"}|truncated is not a boolean",
        "{\"text\":\"a\",\"id\":1.5}|id is not an integer or a string",
        "{\"text\":\"a\",\"id_str\":1}|id_str is not a string",
        "{\"text\":\"a\",\"timestamp_ms\":\"soon\"}|timestamp_ms is not a number of milliseconds",
        "{\"text\":\"a\",\"created_at\":\"yesterday\"}|created_at is not a Twitter date",
        "{\"data\":{\"id\":\"1\"}}|data.text is missing",
        "{\"data\":{\"text\":[]}}|data.text is not a string",
        "{\"data\":{\"text\":\"a\",\"entities\":{\"urls\":\"x\"}}}|data.entities.urls is not an array",
        "{\"data\":{\"text\":\"a\",\"referenced_tweets\":{}}}|data.referenced_tweets is not an array",
        "{\"data\":{\"text\":\"a\",\"created_at\":\"April\"}}|data.created_at is not an ISO-8601 instant",
        "{\"data\":[{\"text\":\"a\"}]}|data is an array (a v2 search page, not a stream message)",
        "{\"foo\":1,\"bar\":2}|not a tweet and not a known stream notice (keys: foo, bar)",
        "{}|not a tweet and not a known stream notice (keys: none)",
      })
  void wrongShapesNameTheField(String json, String reason) {
    assertThat(rejection(json)).isEqualTo(reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"text\":\"a\"} garbage",
        "{\"text\":\"a\"}{\"text\":\"b\"}",
        "{\"text\":\"a\"}]",
        "{\"text\":\"a\"",
        "{\"text\":\"a\",}",
        "{text:\"a\"}",
      })
  void syntaxErrorsAndTrailingData(String json) {
    assertThat(rejection(json)).matches("(not JSON: .+|trailing data after the JSON object) at byte \\d+");
  }

  @Test
  void trailingWhitespaceIsFine() throws Exception {
    assertThat(tweet("{\"text\":\"a\"}\r\n  ").text()).isEqualTo("a");
  }

  @Test
  void errorMessagesNeverQuoteThePayload() {
    String secret = "{\"text\":\"s3cr3t-payload\" oops}";
    assertThat(rejection(secret)).doesNotContain("s3cr3t");
  }

  @Test
  void htmlUnescape() {
    assertThat(Html.unescape("a &amp;amp; b")).isEqualTo("a &amp; b");
    assertThat(Html.unescape("&quot;x&quot; &#128512; &#x1F600; &bogus; & &#0; &#xD800;"))
        .isEqualTo("\"x\" \uD83D\uDE00 \uD83D\uDE00 &bogus; & &#0; &#xD800;");
    assertThat(Html.unescape("no entities")).isEqualTo("no entities");
  }
}
