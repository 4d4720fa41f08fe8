package dev.linkwatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Jetstream reader against the real events in src/test/resources/sources (see its README), and
 * against a few events built from the lexicons where the real data has no example.
 */
class JetstreamParserTest {
  private static final RecordParser PARSER =
      RecordParser.create(TweetParser.ParseLimits.defaults(), RecordFormat.AUTO);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DID = "did:plc:ynfp6wddjqpl44gordpsqkuw";

  private static final List<byte[]> POSTS =
      TweetFixtures.lines("/sources/bluesky_jetstream_posts_reposts_deletes.jsonl");

  private static Parsed parse(byte[] b) throws MalformedTweetException {
    return PARSER.parse(b);
  }

  private static Tweet post(int line) throws MalformedTweetException {
    return (Tweet) parse(POSTS.get(line - 1));
  }

  private static String text(int line) throws Exception {
    return JSON.readTree(POSTS.get(line - 1)).path("commit").path("record").path("text").textValue();
  }

  @Test
  void everyLineOfTheWindowIsAPostARepostOrANotice() throws Exception {
    Map<String, Integer> kinds = new TreeMap<>();
    for (byte[] line : TweetFixtures.lines("/sources/bluesky_jetstream_v1_window152.jsonl")) {
      Parsed p = parse(line);
      String k =
          p instanceof Tweet t
              ? (t.retweet() ? "repost" : "post") + ":" + t.platform()
              : "notice:" + ((StreamNotice) p).kind();
      kinds.merge(k, 1, Integer::sum);
    }
    // The upstream README's mix: 105 likes, 17 posts, 15 reposts, 6 follows, 4 deletes, 2 updates
    // (teal.fm and actor status), 1 block, 1 identity, 1 account.
    assertThat(kinds)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "post:bluesky", 17,
                "repost:bluesky", 15,
                "notice:app.bsky.feed.like", 105,
                "notice:app.bsky.graph.follow", 6,
                "notice:delete", 4,
                "notice:fm.teal.alpha.actor.status", 1,
                "notice:app.bsky.actor.status", 1,
                "notice:app.bsky.graph.block", 1,
                "notice:identity", 1,
                "notice:account", 1));
  }

  @Test
  void truncatedLinkTextGivesTheFacetsFullUrlAndIsNotSearched() throws Exception {
    Tweet t = post(2);
    assertThat(t.urls()).containsExactly("https://www.youtube.com/watch?v=V5lDo-jw8mA");
    // The whole text is the (truncated) link facet: nothing left to search.
    assertThat(t.text()).isEqualTo(" ");
    assertThat(t.platform()).isEqualTo("bluesky");
    assertThat(t.id()).isEqualTo("3mptbyoeyc22k");
    assertThat(t.canonicalId())
        .isEqualTo("at://did:plc:dclwtltrt2ggsryagfzk7dp4/app.bsky.feed.post/3mptbyoeyc22k");
    assertThat(t.webUrl())
        .isEqualTo("https://bsky.app/profile/did:plc:dclwtltrt2ggsryagfzk7dp4/post/3mptbyoeyc22k");
    assertThat(t.eventTimeMillis()).hasValue(1783175888090L);
    assertThat(t.retweet()).isFalse();
    assertThat(t.quote()).isFalse();
  }

  @Test
  void linkWithoutSchemeBeforeCzechTextIsCutAtItsBytes() throws Exception {
    Tweet t = post(26);
    assertThat(t.urls()).hasSize(1);
    assertThat(t.urls().get(0)).contains("denikn.cz/2113523").startsWith("https://");
    String original = text(26);
    assertThat(t.text()).isEqualTo(" " + original.substring("denikn.cz/2113523".length()));
    assertThat(t.text()).contains("hlavním městě");
  }

  @Test
  void tagFacetsStaySearchableAfterMultiByteText() throws Exception {
    Tweet t = post(14);
    assertThat(t.text()).isEqualTo(text(14)).contains("#HowToTellAiToShutUp", "#IndieRebellion");
    assertThat(t.urls()).isEmpty();
    assertThat(t.hasEntities()).isTrue();
  }

  @Test
  void linkFacetIsBlankedAndTagsKept() throws Exception {
    Tweet t = post(30);
    byte[] b = text(30).getBytes(StandardCharsets.UTF_8);
    String expected =
        new String(b, 0, 75, StandardCharsets.UTF_8)
            + " "
            + new String(b, 105, b.length - 105, StandardCharsets.UTF_8);
    assertThat(t.text()).isEqualTo(expected).doesNotContain("tumblr").contains("#talesatwonderworld");
    assertThat(t.urls())
        .containsExactly(
            "https://www.tumblr.com/tempo-tales/765681292369166336/behind-them-timmi-and-wankyu-follow-silently-but?source=share");
  }

  @Test
  void emptyTextWithAnExternalEmbedHasOneLink() throws Exception {
    Tweet t = post(25);
    assertThat(t.text()).isEmpty();
    assertThat(t.urls()).hasSize(1);
    assertThat(t.urls().get(0)).startsWith("https://static.klipy.com/");
  }

  @Test
  void postWithoutFacetsOrEmbedHasNoUrlsButHasEntities() throws Exception {
    Tweet t = post(4); // Japanese, with an emoji
    assertThat(t.urls()).isEmpty();
    assertThat(t.hasEntities()).isTrue();
    assertThat(t.text()).isEqualTo(text(4));
  }

  @Test
  void repostsDeletesAndAccountEvents() throws Exception {
    Tweet repost = post(6);
    assertThat(repost.retweet()).isTrue();
    assertThat(repost.canonicalId()).endsWith("/app.bsky.feed.repost/3mptbypowzs2e");
    assertThat(parse(POSTS.get(28))).isEqualTo(new StreamNotice("delete", "bluesky")); // a post delete
    assertThat(parse(POSTS.get(4))).isEqualTo(new StreamNotice("delete", "bluesky")); // a follow delete
    assertThat(parse(POSTS.get(30))).isEqualTo(new StreamNotice("identity", "bluesky"));
    assertThat(parse(POSTS.get(31))).isEqualTo(new StreamNotice("account", "bluesky"));
    assertThat(parse(POSTS.get(8))).isEqualTo(new StreamNotice("fm.teal.alpha.actor.status", "bluesky"));
  }

  // ------------------------------------------------------------ built from the lexicons

  /** A post event around {@code record}; the real window holds no quotes, so these are built. */
  private static byte[] event(ObjectNode record) throws Exception {
    ObjectNode e = JSON.createObjectNode();
    e.put("did", DID);
    e.put("time_us", 1783175888400999L);
    e.put("kind", "commit");
    ObjectNode c = e.putObject("commit");
    c.put("rev", "3mptbyplt4524");
    c.put("operation", "create");
    c.put("collection", "app.bsky.feed.post");
    c.put("rkey", "3mptbyo7tas2u");
    record.put("$type", "app.bsky.feed.post");
    record.put("createdAt", "2026-07-04T14:38:06.071Z");
    c.set("record", record);
    c.put("cid", "bafyreif3yyrzwtq3bc6verdxc764qa3u3lbxrhdyaacgawuke2k36dvu34");
    return JSON.writeValueAsBytes(e);
  }

  private static void facet(ArrayNode facets, String text, String covered, String type, String value) {
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    byte[] part = covered.getBytes(StandardCharsets.UTF_8);
    int start = indexOf(all, part);
    ObjectNode f = facets.addObject();
    f.putObject("index").put("byteStart", start).put("byteEnd", start + part.length);
    ObjectNode feature = f.putArray("features").addObject();
    feature.put("$type", "app.bsky.richtext.facet#" + type);
    feature.put(type.equals("link") ? "uri" : type.equals("mention") ? "did" : "tag", value);
  }

  private static int indexOf(byte[] all, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= all.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (all[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  @Test
  void facetOffsetsAreUtf8BytesWithEmojiAndNonLatinText() throws Exception {
    // Emoji (4 bytes, 2 chars), kana (3 bytes, 1 char) and Cyrillic (2 bytes) before each facet:
    // char offsets would cut the wrong spans.
    String text = "🎧🎶 ジャ Little Mix @kpop.fan — Слава Glory Days rip.example/x… #nowplaying";
    ObjectNode record = JSON.createObjectNode();
    record.put("text", text);
    ArrayNode facets = record.putArray("facets");
    facet(facets, text, "@kpop.fan", "mention", "did:plc:aaaa");
    facet(facets, text, "rip.example/x…", "link", "https://rip.example/x/full-album.zip");
    facet(facets, text, "#nowplaying", "tag", "nowplaying");
    Tweet t = (Tweet) parse(event(record));
    assertThat(t.text()).isEqualTo("🎧🎶 ジャ Little Mix   — Слава Glory Days   #nowplaying");
    assertThat(t.urls()).containsExactly("https://rip.example/x/full-album.zip");
  }

  @Test
  void facetRangesOutsideTheTextAreIgnoredAndCutCharactersWidened() throws Exception {
    String text = "ジャズ link";
    ObjectNode record = JSON.createObjectNode();
    record.put("text", text);
    ArrayNode facets = record.putArray("facets");
    ObjectNode bad = facets.addObject();
    bad.putObject("index").put("byteStart", 5).put("byteEnd", 400);
    bad.putArray("features")
        .addObject()
        .put("$type", "app.bsky.richtext.facet#link")
        .put("uri", "https://a.example/");
    ObjectNode cut = facets.addObject();
    // Bytes 4..5 fall inside "ャ" (bytes 3..6): the whole character goes.
    cut.putObject("index").put("byteStart", 4).put("byteEnd", 5);
    cut.putArray("features")
        .addObject()
        .put("$type", "app.bsky.richtext.facet#mention")
        .put("did", "did:plc:b");
    Tweet t = (Tweet) parse(event(record));
    assertThat(t.text()).isEqualTo("ジ ズ link");
    assertThat(t.urls()).containsExactly("https://a.example/");
  }

  @Test
  void quoteEmbedIsAQuoteAndItsAtUriIsNotALink() throws Exception {
    ObjectNode record = JSON.createObjectNode();
    record.put("text", "this");
    ObjectNode embed = record.putObject("embed");
    embed.put("$type", "app.bsky.embed.record");
    embed.putObject("record")
        .put("uri", "at://did:plc:lthsfxxeghkgg44eummxtvbe/app.bsky.feed.post/3mpt6c57uy22u")
        .put("cid", "bafyreig7t4btqz2izpbcxm6olbbzrvjqhmccx5xnn54avbv3y2kerbpyea");
    Tweet t = (Tweet) parse(event(record));
    assertThat(t.quote()).isTrue();
    assertThat(t.urls()).isEmpty();
  }

  @Test
  void recordWithMediaReadsTheMediasExternalLink() throws Exception {
    ObjectNode record = JSON.createObjectNode();
    record.put("text", "");
    ObjectNode embed = record.putObject("embed");
    embed.put("$type", "app.bsky.embed.recordWithMedia");
    embed.putObject("record")
        .put("$type", "app.bsky.embed.record")
        .putObject("record")
        .put("uri", "at://did:plc:lthsfxxeghkgg44eummxtvbe/app.bsky.feed.post/3mpt6c57uy22u")
        .put("cid", "bafyreig7t4btqz2izpbcxm6olbbzrvjqhmccx5xnn54avbv3y2kerbpyea");
    ObjectNode media = embed.putObject("media");
    media.put("$type", "app.bsky.embed.external");
    media.putObject("external")
        .put("uri", "https://files.example/album.zip")
        .put("title", "t")
        .put("description", "d");
    ArrayNode facets = record.putArray("facets");
    ObjectNode f = facets.addObject();
    f.putObject("index").put("byteStart", 0).put("byteEnd", 0);
    f.putArray("features")
        .addObject()
        .put("$type", "app.bsky.richtext.facet#link")
        .put("uri", "at://did:plc:x/app.bsky.feed.post/y");
    Tweet t = (Tweet) parse(event(record));
    assertThat(t.quote()).isTrue();
    assertThat(t.urls()).containsExactly("https://files.example/album.zip");
  }

  @Test
  void badJetstreamEventsAreMalformedWithAReason() throws Exception {
    String post = new String(POSTS.get(1), StandardCharsets.UTF_8);
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {post.replace("\"kind\":\"commit\"", "\"kind\":\"sync\""), "unknown Jetstream kind \"sync\""});
    cases.add(new String[] {post.replace("\"did\":", "\"actor\":").replace("\"time_us\"", "\"did\":\"x\",\"time_us\"").replace("\"did\":\"x\",", ""), "did is missing"});
    cases.add(new String[] {post.replace("\"time_us\":1783175888090631", "\"time_us\":\"1783175888090631\""), "time_us is not an integer"});
    cases.add(new String[] {post.replace("\"operation\":\"create\"", "\"operation\":\"upsert\""), "unknown commit.operation \"upsert\""});
    cases.add(new String[] {post.replace("\"text\":\"www.youtube.com/watch?v=V5lD...\"", "\"text\":31"), "commit.record.text is not a string"});
    cases.add(new String[] {post.replace("\"byteEnd\":31", "\"byteEnd\":31.5"), "commit.record.facets[0].index.byteEnd is not an integer"});
    cases.add(new String[] {post.replace("\"uri\":\"https://www.youtube.com/watch?v=V5lDo-jw8mA\"}],", "\"url\":\"x\"}],"), "commit.record.facets[0].features[0].uri is missing"});
    cases.add(new String[] {post.replace("\"facets\":[", "\"facets\":{\"a\":[").replace("],\"langs\"", "]},\"langs\""), "commit.record.facets is not an array"});
    cases.add(new String[] {post.replace("\"langs\":[\"en\"],", "\"text\":\"again\","), "duplicate key 'text'"});
    cases.add(new String[] {post + "{}", "trailing data after the JSON object"});
    cases.add(new String[] {"{\"did\":\"did:plc:a\",\"time_us\":1,\"kind\":\"commit\"}", "commit is missing"});
    cases.add(new String[] {"{\"did\":\"did:plc:a\",\"time_us\":1,\"kind\":\"commit\",\"commit\":{\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"k\"}}", "commit.record is missing"});
    for (String[] c : cases) {
      assertThat(c[0]).isNotEqualTo(post);
      assertThatThrownBy(() -> parse(c[0].getBytes(StandardCharsets.UTF_8)))
          .as(c[1])
          .isInstanceOf(MalformedTweetException.class)
          .hasMessage(c[1]);
    }
  }
}
