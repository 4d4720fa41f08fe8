package dev.linkwatch.transforms;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.core.Catalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

public class RouteByOutcomeTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  /** Strict, as consumers read: one JSON value per record, no member twice (the schemas are checked in the pipeline's OutputContractTest). */
  static final ObjectMapper JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private RouteByOutcome.Result route(RouteByOutcome route, List<SourceRecord> input) {
    ParseTweet parse = ParseTweet.create();
    return p.apply(Create.of(input).withCoder(SourceRecord.coder()))
        .apply(parse)
        .posts()
        .apply(ClassifyUrls.create())
        .apply(MatchTerms.of(Catalog.original()))
        .apply(route);
  }

  @Test
  public void matchedRecordsKeepTheOriginalAndAddEnrichment() {
    List<SourceRecord> input = new ArrayList<>();
    input.add(Fixtures.record("pirate", 0));
    input.add(Fixtures.record("whitelisted", 1));
    input.add(Fixtures.record("touch_word", 2));
    RouteByOutcome route = RouteByOutcome.create();
    RouteByOutcome.Result out = route(route, input);

    PAssert.that(out.matched())
        .satisfies(
            records -> {
              List<OutputRecord> list = new ArrayList<>();
              records.forEach(list::add);
              assertEquals(1, list.size());
              JsonNode original = json(Fixtures.record("pirate", 0).value());
              JsonNode t = json(list.get(0).value());
              // every original field is still there, unchanged
              original.fieldNames().forEachRemaining(f -> assertEquals(f, original.get(f), t.get(f)));
              JsonNode e = t.get("enriched");
              assertEquals("Little Mix", e.at("/media_details/artist").asText());
              assertEquals("Shout Out To My Ex", e.at("/media_details/track").asText());
              assertEquals(2, e.get("match_count").asInt());
              assertEquals("mp3-leaks.co.uk", e.at("/url_details/primary_domain/0").asText());
              assertEquals("www.mp3-leaks.co.uk", e.at("/url_details/domain/0").asText());
              assertEquals(2, e.get("hits").size());
              JsonNode hit = e.get("hits").get(0);
              String text = t.get("text").asText();
              assertEquals(
                  "Little Mix", text.substring(hit.get("start").asInt(), hit.get("end").asInt()));
              assertEquals(0, e.at("/source/offset").asInt());
              return null;
            });
    PAssert.that(
            out.unmatched()
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            r -> {
                              JsonNode n = json(r.value());
                              assertTrue(n.get("tweet").isObject());
                              return n.get("source").get("offset").asInt() + ":" + n.get("code").asInt() + ":" + n.get("reason").asText();
                            })))
        .containsInAnyOrder("1:-8:all URLs whitelisted", "2:1:too few catalog matches: 1 of 2 needed");
    PAssert.that(out.errors()).empty();
    p.run();
  }

  @Test
  public void aMatchedRecordTooLargeForTheProducerBecomesAnError() {
    // A real tweet padded with a long field the rules never read: matched, but too big to write.
    String pirate = new String(Fixtures.record("pirate", 0).value(), java.nio.charset.StandardCharsets.UTF_8);
    String padded = pirate.substring(0, pirate.length() - 1) + ",\"padding\":\"" + "x".repeat(3000) + "\"}";
    List<SourceRecord> input = List.of(Fixtures.raw(0, padded), Fixtures.record("variants", 1));
    RouteByOutcome route = RouteByOutcome.create().withMaxRecordBytes(2048);
    RouteByOutcome.Result out = route(route, input);
    PAssert.that(
            out.matched()
                .apply("MatchedOffsets", MapElements.into(TypeDescriptors.longs()).via(OutputRecord::sourceOffset)))
        .containsInAnyOrder(1L);
    PAssert.that(
            out.errors()
                .apply(
                    "ErrorReasons",
                    MapElements.into(TypeDescriptors.strings())
                        .via(d -> d.source().offset() + ":" + d.step() + ":" + d.reason().replaceAll("[0-9]+ bytes exceeds", "N bytes exceeds"))))
        .containsInAnyOrder("0:RouteByOutcome:enriched record of N bytes exceeds the limit of 2048 bytes");
    PAssert.that(out.unmatched()).empty();
    p.run();
  }
}
