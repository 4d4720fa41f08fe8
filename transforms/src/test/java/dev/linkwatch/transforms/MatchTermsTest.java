package dev.linkwatch.transforms;

import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.CatalogEntry;
import dev.linkwatch.core.Tag;
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

public class MatchTermsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private PCollection<String> outcomes(MatchTerms match, String... names) {
    return Fixtures.parsed(p, names)
        .apply(ClassifyUrls.create())
        .apply(match)
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
                                "|",
                                j.hits().stream()
                                    .map(h -> h.tag().label() + "=" + h.value())
                                    .toList())));
  }

  @Test
  public void theOriginalExamplesMatchWithTheirTags() {
    PAssert.that(
            outcomes(
                MatchTerms.of(Catalog.original()),
                "pirate",
                "variants",
                "one_match",
                "touch_word",
                "retweet"))
        .containsInAnyOrder(
            "pirate:MATCHED:2:artist=Little Mix|track=Shout Out To My Ex",
            // the misspelling and the hashtag are both found
            "variants:MATCHED:2:artist=Little Mix|album=Glory Days",
            // "Touchdown" is not "Touch": one match only
            "one_match:UNMATCHED:1:artist=Little Mix",
            "touch_word:UNMATCHED:1:track=Touch",
            // refused before matching, untouched
            "retweet:UNMATCHED:-1:");
    p.run();
  }

  @Test
  public void oneSpanNamingTwoEntriesCountsOnce() {
    Catalog catalog =
        Catalog.of(
            List.of(
                new CatalogEntry(Tag.ALBUM, "Touch", List.of()),
                new CatalogEntry(Tag.TRACK, "Touch", List.of())));
    PAssert.that(outcomes(MatchTerms.of(catalog), "touch_word"))
        .containsInAnyOrder("touch_word:UNMATCHED:1:album=Touch|track=Touch");
    p.run();
  }

  @Test
  public void minMatchesIsHonoured() {
    PAssert.that(outcomes(MatchTerms.of(Catalog.original()).withMinMatches(1), "one_match"))
        .containsInAnyOrder("one_match:MATCHED:1:artist=Little Mix");
    p.run();
  }

  @Test(expected = IllegalArgumentException.class)
  public void minMatchesMustBePositive() {
    MatchTerms.of(Catalog.original()).withMinMatches(0);
  }
}
