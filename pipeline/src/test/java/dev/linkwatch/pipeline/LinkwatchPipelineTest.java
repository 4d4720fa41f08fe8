package dev.linkwatch.pipeline;

import dev.linkwatch.pipeline.kafka.DeliveryCheck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.transforms.OutputRecord;
import dev.linkwatch.transforms.SourceRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/** The whole detection chain of {@link LinkwatchPipeline#buildPipeline} on the DirectRunner. */
public class LinkwatchPipelineTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  private static final ObjectMapper JSON = OutputContract.STRICT;

  static List<byte[]> fixtureLines() {
    try (InputStream in = LinkwatchPipelineTest.class.getResourceAsStream("/detection.jsonl")) {
      List<byte[]> lines = new ArrayList<>();
      new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .forEach(l -> lines.add(l.getBytes(StandardCharsets.UTF_8)));
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A sink that writes nowhere: the test asserts on the routed collections instead. */
  static Sinks discard() {
    return channel ->
        new PTransform<PCollection<OutputRecord>, POutput>() {
          @Override
          public POutput expand(PCollection<OutputRecord> input) {
            return input.apply(ParDo.of(new DoFn<OutputRecord, Void>() {
              @ProcessElement
              public void process() {}
            }));
          }
        };
  }

  static String summary(OutputRecord r) {
    try {
      JsonNode n = OutputContract.STRICT.readTree(r.value());
      // Which channel a record belongs to shows in the record itself; then it must keep that contract.
      OutputContract.check(
          (n.has("enriched") ? Channel.MATCHED : n.path("outcome").asText().equals("error") ? Channel.ERRORS : Channel.UNMATCHED)
              .fileName(),
          r.value(),
          r.coordinates());
      String kind = n.has("enriched") ? "matched" : n.path("outcome").asText();
      String detail =
          n.has("enriched")
              ? n.at("/enriched/match_count").asText()
              : n.has("code") ? n.get("code").asText() : n.path("step").asText();
      return r.sourceOffset() + ":" + kind + ":" + detail;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  public void everyRecordIsRoutedOnceWithItsOutcome() {
    everyRecordIsRoutedOnceWithItsOutcome(false);
  }

  /** Spark's shape (OneOutputPerStep): the multi-output steps as one collection split by filters. */
  @Test
  public void everyRecordIsRoutedOnceWithItsOutcomeWhenEachStepHasOneOutput() {
    everyRecordIsRoutedOnceWithItsOutcome(true);
  }

  private void everyRecordIsRoutedOnceWithItsOutcome(boolean oneOutputPerStep) {
    List<SourceRecord> input = new ArrayList<>();
    List<byte[]> lines = fixtureLines();
    for (int i = 0; i < lines.size(); i++) {
      input.add(new SourceRecord("tweets", 0, i, 0L, null, lines.get(i)));
    }
    input.add(new SourceRecord("tweets", 0, 100, 0L, null, "{\"delete\":{\"status\":{\"id\":1}}}".getBytes(StandardCharsets.UTF_8)));
    input.add(new SourceRecord("tweets", 0, 101, 0L, null, "not json".getBytes(StandardCharsets.UTF_8)));
    input.add(new SourceRecord("tweets", 0, 102, 0L, null, new byte[] {(byte) 0xff, (byte) 0xfe}));

    Settings settings = Settings.from(ConfigFile.parse("--unshorten=false"));
    LinkwatchPipeline.Routed routed =
        LinkwatchPipeline.buildPipeline(
            p, settings, new CreateSource(input), discard(), oneOutputPerStep);

    PAssert.that(routed.matched().apply("M", MapElements.into(TypeDescriptors.strings()).via(LinkwatchPipelineTest::summary)))
        .containsInAnyOrder("0:matched:2", "1:matched:2", "3:matched:2"); // 3: a manual "RT @" is an original
    PAssert.that(routed.unmatched().apply("U", MapElements.into(TypeDescriptors.strings()).via(LinkwatchPipelineTest::summary)))
        .containsInAnyOrder(
            "2:unmatched:-1", // retweet
            "4:unmatched:-3",
            "5:unmatched:-8",
            "6:unmatched:1",
            "7:unmatched:1",
            "100:notice:-2");
    PAssert.that(routed.errors().apply("E", MapElements.into(TypeDescriptors.strings()).via(LinkwatchPipelineTest::summary)))
        .containsInAnyOrder("101:error:ParseTweet", "102:error:ParseTweet");
    p.run();
  }

  /**
   * KafkaIO's exactly-once sink drops headers, so the delivery check falls back to the body: every kind
   * of output (matched, unmatched, notice, dead letter) must name its input record there too.
   */
  @Test
  public void everyOutputNamesItsSourceInItsBody() {
    List<SourceRecord> input = new ArrayList<>();
    List<byte[]> lines = fixtureLines();
    for (int i = 0; i < lines.size(); i++) {
      input.add(new SourceRecord("in.topic", 3, 1_000 + i, 0L, null, lines.get(i)));
    }
    input.add(new SourceRecord("in.topic", 3, 5_000_000_000L, 0L, null, "{\"delete\":{\"status\":{\"id\":1}}}".getBytes(StandardCharsets.UTF_8)));
    input.add(new SourceRecord("in.topic", 3, 5_000_000_001L, 0L, null, "[1,2]".getBytes(StandardCharsets.UTF_8)));
    input.add(new SourceRecord("in.topic", 3, 5_000_000_002L, 0L, null, new byte[] {(byte) 0xff, '{'}));

    Settings settings = Settings.from(ConfigFile.parse("--unshorten=false"));
    LinkwatchPipeline.Routed routed = LinkwatchPipeline.buildPipeline(p, settings, new CreateSource(input), discard());
    List<String> expected = new ArrayList<>();
    input.forEach(r -> expected.add(r.topic() + "@" + r.partition() + ":" + r.offset()));
    PCollection<String> named =
        org.apache.beam.sdk.values.PCollectionList.of(routed.matched())
            .and(routed.unmatched())
            .and(routed.errors())
            .apply(org.apache.beam.sdk.transforms.Flatten.pCollections())
            .apply("FromBody", MapElements.into(TypeDescriptors.strings())
                .via(r -> String.valueOf(DeliveryCheck.Coordinates.fromBody(r.value()))));
    PAssert.that(named).containsInAnyOrder(expected);
    p.run();
  }

  /** Create as a source transform, as tests swap it for KafkaIO. */
  static final class CreateSource
      extends PTransform<org.apache.beam.sdk.values.PBegin, PCollection<SourceRecord>> {
    private final List<SourceRecord> records;

    CreateSource(List<SourceRecord> records) {
      this.records = records;
    }

    @Override
    public PCollection<SourceRecord> expand(org.apache.beam.sdk.values.PBegin input) {
      return input.apply(Create.of(records).withCoder(SourceRecord.coder()));
    }
  }

  @Test
  public void optionsFactoryKnowsEveryOption() {
    LinkwatchOptions o = ConfigFile.parse();
    assertEquals("tweets", o.getInputTopic());
    assertEquals(2, o.getMinMatches());
    assertTrue(Settings.from(o).whitelist().contains("open.spotify.com"));
  }
}
