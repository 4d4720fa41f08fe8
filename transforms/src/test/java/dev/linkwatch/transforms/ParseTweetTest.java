package dev.linkwatch.transforms;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

public class ParseTweetTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final byte[] INVALID_UTF8 = {
    '{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', ',', '"', 'i', 'd', '"', ':', '1', '}'
  };

  @Test
  public void everyRecordLeavesOnExactlyOneOutput() {
    List<SourceRecord> input = new ArrayList<>();
    input.add(Fixtures.record("pirate", 0));
    input.add(Fixtures.record("retweet", 1));
    input.add(Fixtures.raw(2, "{\"delete\":{\"status\":{\"id\":1,\"id_str\":\"1\",\"user_id\":3}}}"));
    input.add(Fixtures.raw(3, "{\"limit\":{\"track\":12,\"timestamp_ms\":\"1484181382000\"}}"));
    input.add(Fixtures.raw(4, "{\"text\": \"cut off"));
    input.add(Fixtures.raw(5, INVALID_UTF8));
    input.add(Fixtures.raw(6, "[1,2,3]"));
    input.add(Fixtures.raw(7, ""));
    input.add(Fixtures.raw(8, "{\"foo\":1}"));

    java.util.HashMap<Long, byte[]> originals = new java.util.HashMap<>();
    input.forEach(r -> originals.put(r.offset(), r.value()));
    ParseTweet parse = ParseTweet.create();
    ParseTweet.Result out =
        p.apply(Create.of(input).withCoder(SourceRecord.coder())).apply(parse);

    PAssert.that(
            out.posts()
                .apply(
                    "TweetOffsets",
                    MapElements.into(TypeDescriptors.strings())
                        .via(t -> t.source().offset() + ":" + t.tweet().retweet())))
        .containsInAnyOrder("0:false", "1:true");
    PAssert.that(
            out.notices()
                .apply(
                    "NoticeKinds",
                    MapElements.into(TypeDescriptors.strings())
                        .via(n -> n.sourceOffset() + ":" + RouteByOutcomeTest.json(n.value()).get("notice").asText())))
        .containsInAnyOrder("2:delete", "3:limit");
    PAssert.that(out.failures())
        .satisfies(
            failures -> {
              List<Long> offsets = new ArrayList<>();
              for (DeadLetter d : failures) {
                offsets.add(d.source().offset());
                assertEquals("ParseTweet", d.step());
                assertTrue("reason for " + d.source().offset(), !d.reason().isBlank());
                // The original bytes travel unchanged, invalid UTF-8 included.
                assertArrayEquals(originals.get(d.source().offset()), d.source().value());
              }
              offsets.sort(Long::compare);
              assertEquals(List.of(4L, 5L, 6L, 7L, 8L), offsets);
              return null;
            });
    p.run();
  }

  @Test
  public void deadLetterJsonCarriesCoordinatesAndExactBytes() throws Exception {
    DeadLetter d = DeadLetter.of(Fixtures.raw(5, INVALID_UTF8), "ParseTweet", "invalid UTF-8");
    var json = RouteByOutcomeTest.JSON.readTree(d.toJson());
    assertEquals("tweets", json.get("topic").asText());
    assertEquals(1, json.get("partition").asInt());
    assertEquals(5, json.get("offset").asLong());
    assertEquals("invalid UTF-8", json.get("reason").asText());
    assertArrayEquals(INVALID_UTF8, java.util.Base64.getDecoder().decode(json.get("value_base64").asText()));
    // Not valid UTF-8, so no readable copy that would silently replace bytes.
    assertTrue(json.get("value_text") == null);
    assertEquals("k", new String(java.util.Base64.getDecoder().decode(json.get("key_base64").asText()), StandardCharsets.UTF_8));
  }

  @Test
  public void deadLetterJsonStaysUnderTheSizeLimit() throws Exception {
    byte[] big = new byte[2_000_000];
    java.util.Arrays.fill(big, (byte) 'a');
    DeadLetter d = DeadLetter.of(Fixtures.raw(9, big), "RouteByOutcome", "too large");
    byte[] json = d.toJson(1_000_000);
    assertTrue("size " + json.length, json.length <= 1_000_000);
    var node = RouteByOutcomeTest.JSON.readTree(json);
    assertTrue(node.get("value_truncated").asBoolean());
    assertEquals(2_000_000, node.get("value_length").asInt());
    assertEquals(64, node.get("value_sha256").asText().length());
  }
}
