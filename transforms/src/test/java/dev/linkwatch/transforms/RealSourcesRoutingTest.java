package dev.linkwatch.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.core.Catalog;
import dev.linkwatch.samples.RealSamples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/**
 * Every real Bluesky Jetstream event and Mastodon status and frame in src/test/resources/sources (see
 * its README; expected routes shared with the runner ITs through {@link RealSamples}) through the whole detection chain on the DirectRunner, mixed with tweets in one input
 * as a topic carrying several shapes would be: each record leaves exactly once, with the outcome the
 * rules give it, checked record by record.
 */
public class RealSourcesRoutingTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  /** How consumers read our output: strictly. */
  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  static JsonNode strict(byte[] b) {
    try {
      return STRICT.readTree(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<SourceRecord> lines(String file) {
    return RealTweetsRoutingTest.lines(file, "/sources/");
  }

  /** A sample file as a stream carries it (see {@link RealSamples#fed}), numbered from 1 as offsets. */
  private static List<SourceRecord> fed(String file) {
    List<SourceRecord> out = new ArrayList<>();
    long line = 0;
    for (byte[] value : RealSamples.fed(file)) {
      out.add(new SourceRecord(file, 0, ++line, 0L, null, value));
    }
    return out;
  }

  private PCollection<String> outcomes(List<SourceRecord> input, Catalog catalog) {
    ParseTweet parse = ParseTweet.create();
    ParseTweet.Result parsed = p.apply(Create.of(input).withCoder(SourceRecord.coder())).apply(parse);
    RouteByOutcome route = RouteByOutcome.create();
    RouteByOutcome.Result routed =
        parsed
            .posts()
            .apply(ClassifyUrls.create())
            .apply(MatchTerms.of(catalog))
            .apply(route);
    return PCollectionList.of(
            routed
                .matched()
                .apply(
                    "M",
                    MapElements.into(TypeDescriptors.strings())
                        .via(r -> r.sourceTopic() + "/" + r.sourceOffset() + "=matched " + enriched(r.value()))))
        .and(
            routed
                .unmatched()
                .apply(
                    "U",
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            r ->
                                r.sourceTopic() + "/" + r.sourceOffset() + "=unmatched "
                                    + OutputContract.check("unmatched", r.value()).get("code").asInt())))
        .and(
            parsed
                .notices()
                .apply(
                    "N",
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            n ->
                                n.sourceTopic() + "/" + n.sourceOffset() + "="
                                    + OutputContract.check("unmatched", n.value()).get("outcome").asText())))
        .and(
            parsed
                .failures()
                .apply(
                    "E",
                    MapElements.into(TypeDescriptors.strings())
                        .via(d -> d.source().topic() + "/" + d.source().offset() + "=error")))
        .and(
            routed
                .errors()
                .apply(
                    "E2",
                    MapElements.into(TypeDescriptors.strings())
                        .via(d -> d.source().topic() + "/" + d.source().offset() + "=error")))
        .apply(Flatten.pCollections());
  }

  private static String enriched(byte[] value) {
    JsonNode e = OutputContract.check("matched", value).get("enriched");
    return e.get("platform").asText() + " " + e.get("post_id").asText() + " " + e.get("post_url").asText();
  }

  @Test
  public void everyRealPostEventAndFrameIsRoutedOnceAsTheRulesSay() {
    List<SourceRecord> input = new ArrayList<>();
    input.addAll(fed(RealSamples.POSTS));
    input.addAll(fed(RealSamples.STATUSES));
    input.addAll(fed(RealSamples.FRAMES));
    // Tweets in the same input: the v1.1 file's 21 retweets still leave as retweets.
    input.addAll(RealTweetsRoutingTest.lines("tweets_v1.jsonl"));
    Map<String, String> expected = new TreeMap<>(RealSamples.expectedRoutes());
    expected.keySet().removeIf(k -> k.startsWith(RealSamples.WINDOW + "/"));
    assertThat(expected).hasSize(32 + 26 + 18);
    int total = input.size();

    PAssert.that(outcomes(input, Catalog.original()))
        .satisfies(
            all -> {
              Map<String, String> got = new TreeMap<>();
              Map<String, Integer> tweets = new TreeMap<>();
              int n = 0;
              for (String o : all) {
                n++;
                String key = o.substring(0, o.indexOf('='));
                String outcome = o.substring(o.indexOf('=') + 1);
                if (key.startsWith("tweets_v1.jsonl/")) {
                  tweets.merge(outcome, 1, Integer::sum);
                } else {
                  assertThat(got.put(key, outcome)).as("twice: " + key).isNull();
                }
              }
              assertThat(n).isEqualTo(total);
              assertThat(got).containsExactlyInAnyOrderEntriesOf(expected);
              assertThat(tweets.get("unmatched -1")).isEqualTo(21);
              return null;
            });
    p.run();
  }

  @Test
  public void everyEventOfTheFullJetstreamWindowIsAccountedFor() {
    List<SourceRecord> input = fed(RealSamples.WINDOW);
    Map<String, String> copied = new TreeMap<>(RealSamples.expectedRoutes());
    copied.keySet().removeIf(k -> !k.startsWith(RealSamples.WINDOW + "/"));
    PAssert.that(outcomes(input, Catalog.original()))
        .satisfies(
            all -> {
              Map<String, Integer> by = new HashMap<>();
              Map<String, String> got = new TreeMap<>();
              for (String o : all) {
                String outcome = o.substring(o.indexOf('=') + 1);
                by.merge(outcome, 1, Integer::sum);
                got.put(o.substring(0, o.indexOf('=')), outcome);
              }
              // 17 posts (5 with links), 15 reposts, 120 notices, no errors.
              assertThat(by).containsExactlyInAnyOrderEntriesOf(RealSamples.windowTotals());
              // The lines the posts sample copies route as they do there.
              assertThat(got).containsAllEntriesOf(copied);
              return null;
            });
    p.run();
  }

  /** A real post and a real status, their text changed to name two of the original's entries. */
  @Test
  public void matchedPostsCarryPlatformIdAndWebLink() throws Exception {
    List<SourceRecord> posts = lines("bluesky_jetstream_posts_reposts_deletes.jsonl");
    ObjectNode gif = (ObjectNode) strict(posts.get(24).value()); // empty text, external embed
    ((ObjectNode) gif.get("commit").get("record")).put("text", "Little Mix - Glory Days (full album)");
    List<SourceRecord> statuses = lines("mastodon_statuses.jsonl");
    ObjectNode card = (ObjectNode) strict(statuses.get(22).value()); // example.org link and card
    card.put("content", "<p>Little Mix &amp; Glory Days <a href=\"http://example.org/\">example.org/</a></p>");
    List<SourceRecord> input =
        List.of(
            new SourceRecord("b", 0, 1, 0L, null, STRICT.writeValueAsBytes(gif)),
            new SourceRecord("m", 0, 1, 0L, null, STRICT.writeValueAsBytes(card)));
    PAssert.that(outcomes(input, Catalog.original()))
        .containsInAnyOrder(
            "b/1=matched bluesky at://did:plc:ajg5c7huhiibhwandhdscpdq/app.bsky.feed.post/3mptbyproxc2q"
                + " https://bsky.app/profile/did:plc:ajg5c7huhiibhwandhdscpdq/post/3mptbyproxc2q",
            "m/1=matched mastodon http://localhost:3000/ap/users/117020565966271181/statuses/117020609135389699"
                + " http://localhost:3000/@mastodonpy_test/117020609135389699");
    p.run();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
