package dev.linkwatch.transforms;

import dev.linkwatch.core.DomainList;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

public class ClassifyUrlsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private PCollection<String> verdicts(ClassifyUrls classify, String... names) {
    return Fixtures.parsed(p, names)
        .apply(classify)
        .apply(
            MapElements.into(TypeDescriptors.strings())
                .via(
                    j ->
                        names[(int) j.record().source().offset()]
                            + ":"
                            + j.verdict().outcome()
                            + ":"
                            + j.verdict().code()
                            + ":"
                            + String.join(
                                ",", j.links().stream().map(Link::primaryDomain).toList())));
  }

  @Test
  public void appliesTheOriginalRulesInOrder() {
    PAssert.that(
            verdicts(
                ClassifyUrls.create(),
                "pirate",
                "variants",
                "retweet",
                "manual_rt",
                "no_url",
                "no_entities",
                "whitelisted"))
        .containsInAnyOrder(
            // one pirate link is enough even when another is whitelisted
            "pirate:PENDING:0:mp3-leaks.co.uk,spotify.com",
            "variants:PENDING:0:freemusic.com.au",
            "retweet:UNMATCHED:-1:",
            // "RT @" typed by hand is an original tweet
            "manual_rt:PENDING:0:example.net",
            "no_url:UNMATCHED:-3:",
            "no_entities:UNMATCHED:-2:",
            // open.spotify.com and en.wikipedia.org are sub-domains of whitelisted domains
            "whitelisted:UNMATCHED:-8:spotify.com,wikipedia.org");
    p.run();
  }

  @Test
  public void aConfiguredBlacklistRequiresOneListedDomain() {
    PAssert.that(
            verdicts(
                ClassifyUrls.create().withBlacklist(DomainList.of(List.of("freemusic.com.au"))),
                "pirate",
                "variants"))
        .containsInAnyOrder(
            "pirate:UNMATCHED:-9:mp3-leaks.co.uk,spotify.com",
            "variants:PENDING:0:freemusic.com.au");
    p.run();
  }
}
