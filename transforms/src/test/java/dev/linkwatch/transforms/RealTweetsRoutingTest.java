package dev.linkwatch.transforms;

import static org.junit.Assert.assertEquals;

import dev.linkwatch.core.Catalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
 * Every real tweet payload in the test resources (v1.1, v2, a 2009 capture, a v2 stream with a broken
 * line) through the whole detection chain: each line leaves exactly once, as matched, unmatched,
 * notice or error, with the outcome the rules give it.
 */
public class RealTweetsRoutingTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  static List<SourceRecord> lines(String resource) {
    return lines(resource, "/tweets/");
  }

  /** The non-empty lines of a resource file, numbered from 1 as offsets, the file name as topic. */
  static List<SourceRecord> lines(String resource, String folder) {
    try (InputStream in = RealTweetsRoutingTest.class.getResourceAsStream(folder + resource)) {
      byte[] all = in.readAllBytes();
      List<SourceRecord> out = new ArrayList<>();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long n = 0;
      for (int i = 0; i <= all.length; i++) {
        if (i == all.length || all[i] == '\n') {
          if (line.size() > 0) {
            out.add(new SourceRecord(resource, 0, ++n, 0L, null, line.toByteArray()));
          } else if (i < all.length) {
            n++;
          }
          line.reset();
        } else {
          line.write(all[i]);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  public void everyRealPayloadIsRoutedOnce() {
    List<SourceRecord> input = new ArrayList<>();
    for (String file :
        List.of(
            "tweets_v1.jsonl",
            "tweets_v2.jsonl",
            "twitter4j_streamingapi-testcase.raw.jsonl",
            "twarc-csv_streaming_output_with_error.jsonl")) {
      input.addAll(lines(file));
    }
    int total = input.size();

    ParseTweet parse = ParseTweet.create();
    ParseTweet.Result parsed = p.apply(Create.of(input).withCoder(SourceRecord.coder())).apply(parse);
    RouteByOutcome route = RouteByOutcome.create();
    RouteByOutcome.Result routed =
        parsed
            .posts()
            .apply(ClassifyUrls.create())
            .apply(MatchTerms.of(Catalog.original()))
            .apply(route);

    PCollection<String> outcomes =
        PCollectionList.of(
                routed.matched()
                    .apply("M", MapElements.into(TypeDescriptors.strings()).via(r -> "matched")))
            .and(
                routed.unmatched()
                    .apply(
                        "U",
                        MapElements.into(TypeDescriptors.strings())
                            .via(r -> "unmatched " + RouteByOutcomeTest.json(r.value()).get("code").asInt())))
            .and(
                parsed.notices()
                    .apply("N", MapElements.into(TypeDescriptors.strings()).via(n -> "notice")))
            .and(
                parsed.failures()
                    .apply("E", MapElements.into(TypeDescriptors.strings()).via(d -> "error")))
            .and(
                routed.errors()
                    .apply("E2", MapElements.into(TypeDescriptors.strings()).via(d -> "error")))
            .apply(Flatten.pCollections());

    PAssert.that(outcomes)
        .satisfies(
            all -> {
              Map<String, Integer> byOutcome = new TreeMap<>();
              int n = 0;
              for (String o : all) {
                byOutcome.merge(o, 1, Integer::sum);
                n++;
              }
              // Nothing lost, nothing doubled.
              assertEquals(byOutcome.toString(), total, n);
              // The 21 native retweets of the v1.1 file (the v2 file's one retweet sits in a search page).
              assertEquals(byOutcome.toString(), 21, (int) byOutcome.getOrDefault("unmatched -1", 0));
              // 7 notices in the v1.1 file, 3 in the 2009 capture.
              assertEquals(byOutcome.toString(), 10, (int) byOutcome.getOrDefault("notice", 0));
              // Errors: the 7 v2 search pages (many tweets in one record, refused with that reason)
              // and line 8 of the twarc capture, which is cut off.
              assertEquals(byOutcome.toString(), 8, (int) byOutcome.getOrDefault("error", 0));
              // Old shapes without entities (rule -2): 4 in the v1.1 file, more in the 2009 capture.
              assertEquals(byOutcome.toString(), 8, (int) byOutcome.getOrDefault("unmatched -2", 0));
              // None of these real tweets names two of the original's six entries.
              assertEquals(byOutcome.toString(), 0, (int) byOutcome.getOrDefault("matched", 0));
              return null;
            });
    p.run();
  }
}
