package dev.linkwatch.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.DomainList;
import dev.linkwatch.core.MalformedTweetException;
import dev.linkwatch.core.Parsed;
import dev.linkwatch.core.StreamNotice;
import dev.linkwatch.core.TermMatcher;
import dev.linkwatch.core.Tweet;
import dev.linkwatch.core.TweetParser;
import dev.linkwatch.core.unshorten.Resolution;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every renderer's output for the real tweet payloads (v1.1, v2, a 2009 capture, a v2 stream with a
 * broken line) through {@link OutputContract}; the unmatched bytes of the renderer before the fix are
 * rejected; and each schema rejects records a wrong renderer would write.
 */
class OutputContractTest {
  private static final List<String> FILES =
      List.of(
          "tweets_v1.jsonl",
          "tweets_v2.jsonl",
          "twitter4j_streamingapi-testcase.raw.jsonl",
          "twarc-csv_streaming_output_with_error.jsonl");
  private static final ObjectMapper LENIENT = new ObjectMapper();
  private static final TweetParser PARSER = TweetParser.create();
  private static final TermMatcher MATCHER = TermMatcher.build(Catalog.original(), false);
  private static final DomainList NONE = DomainList.of(List.of());

  @Test
  void everyRendererKeepsItsContractOnEveryRealRecord() throws Exception {
    Map<String, Integer> seen = new TreeMap<>();
    for (SourceRecord source : realRecords()) {
      Parsed parsed;
      try {
        parsed = PARSER.parse(source.value());
      } catch (MalformedTweetException e) {
        check(seen, "error", "errors", DeadLetter.of(source, "ParseTweet", e.getMessage()).toJson());
        // Too large for the limit: the readable copy goes, then the value is cut (with length and hash).
        check(seen, "error cut", "errors", DeadLetter.of(source, "ParseTweet", e.getMessage()).toJson(400));
        check(seen, "error exception", "errors", DeadLetter.of(source, "RouteByOutcome", e).toJson());
        continue;
      }
      JsonNode original = OutputContract.STRICT.readTree(source.value());
      if (parsed instanceof StreamNotice notice) {
        JsonNode n = check(seen, "notice", "unmatched", Enrichment.notice(new NoticeRecord(source, notice.kind(), notice.platform())));
        assertThat(n.get("tweet")).isEqualTo(original);
        continue;
      }
      JudgedTweet judged = judge(source, (Tweet) parsed);
      if (judged.isMatched()) {
        check(seen, "matched", "matched", Enrichment.matched(judged));
      } else {
        JsonNode n = check(seen, "unmatched", "unmatched", Enrichment.unmatched(judged));
        // Nothing lost: the consumer gets the original tweet back, member for member.
        assertThat(n.get("tweet")).isEqualTo(original);
        assertThat(n.get("code").asInt()).isEqualTo(judged.verdict().code());
      }
      // Every real tweet's bytes through the matched splice too, whatever its verdict.
      JudgedTweet forced =
          judged.withMatches(judged.hits(), judged.spanCount(), Verdict.matched(Math.max(1, judged.hits().size())));
      ObjectNode m = (ObjectNode) check(seen, "matched (forced)", "matched", Enrichment.matched(forced));
      assertThat(m.get("enriched").get("schema").asText()).isEqualTo(Enrichment.MATCHED_SCHEMA);
      m.remove("enriched");
      assertThat((JsonNode) m).isEqualTo(original);
    }
    System.out.println("records per rendering: " + seen);
    // The original catalog names no artist in these tweets: real matches come in the pipeline tests.
    assertThat(seen).containsKeys("matched (forced)", "unmatched", "notice", "error", "error cut", "error exception");
  }

  @Test
  void countRecordsKeepTheirContract() {
    Counts counts = Counts.of(3, 5, 1, 2, Map.of("Little Mix", 2L, "Adele", 1L), Map.of("mp3.example", 3L));
    int records = 0;
    for (CountReport.Scope scope : CountReport.Scope.values()) {
      for (String timing : List.of("ON_TIME", "LATE", "UNKNOWN")) {
        CountReport report = new CountReport(scope, 1_484_179_200_000L, 1_484_179_260_500L, timing, true, counts);
        for (byte[] json : report.toJsonRecords(10)) {
          OutputContract.check("counts", json);
          records++;
        }
      }
    }
    // Nine totals (unresolved_links, unshorten_lookups and unshorten_failures the last three) and three
    // ranked keys per report, in every scope.
    assertThat(records).isEqualTo(CountReport.Scope.values().length * 3 * 12);
  }

  /**
   * The original is embedded byte for byte, not re-encoded: the record ends with {@code "tweet":}, the
   * original's exact bytes and one brace. Real tweets of every size, and the same tweets padded past
   * the generator's 8 000-byte buffer, which takes the other copy path.
   */
  @Test
  void theUnmatchedRecordCarriesTheOriginalBytesUnchanged() throws Exception {
    int small = 0;
    int large = 0;
    for (SourceRecord real : realRecords()) {
      for (SourceRecord source : List.of(real, padded(real, 20_000))) {
        JudgedTweet judged = unmatchedTweet(source);
        if (judged == null) {
          continue;
        }
        byte[] record = Enrichment.unmatched(judged);
        OutputContract.check("unmatched", record, source.coordinates());
        byte[] tail = concat("\"tweet\":".getBytes(StandardCharsets.UTF_8), source.value(), new byte[] {'}'});
        assertThat(java.util.Arrays.copyOfRange(record, record.length - tail.length, record.length))
            .as(source.coordinates())
            .isEqualTo(tail);
        if (source.value().length > 8_000) {
          large++;
        } else {
          small++;
        }
      }
    }
    assertThat(small).isGreaterThan(50);
    assertThat(large).isGreaterThan(50);
  }

  /** The judged tweet of a record that parses as a tweet and is not matched; null for any other. */
  private static JudgedTweet unmatchedTweet(SourceRecord source) {
    Parsed parsed;
    try {
      parsed = PARSER.parse(source.value());
    } catch (MalformedTweetException e) {
      return null;
    }
    if (!(parsed instanceof Tweet tweet)) {
      return null;
    }
    JudgedTweet judged = judge(source, tweet);
    return judged.isMatched() ? null : judged;
  }

  /** The same record with a long string member first, still one valid JSON object. */
  private static SourceRecord padded(SourceRecord source, int bytes) {
    byte[] pad = ("{\"padding\":\"" + "x".repeat(bytes) + "\",").getBytes(StandardCharsets.UTF_8);
    byte[] value = source.value();
    int open = 0;
    while (open < value.length && value[open] != '{') {
      open++;
    }
    if (open == value.length) {
      return source;
    }
    byte[] rest = java.util.Arrays.copyOfRange(value, open + 1, value.length);
    return new SourceRecord(source.topic(), source.partition(), source.offset(), source.timestampMillis(), source.key(), concat(pad, rest));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /**
   * The unmatched renderer before the fix wrote one closing brace by hand and let the generator's
   * auto-close write another. A lenient reader (readTree without FAIL_ON_TRAILING_TOKENS) took that;
   * the contract does not, and today's renderer passes on the same record.
   */
  @Test
  void theUnmatchedBytesOfTheOldRendererAreRejected() throws Exception {
    int checked = 0;
    for (SourceRecord source : realRecords()) {
      JudgedTweet judged = unmatchedTweet(source);
      if (judged == null) {
        continue;
      }
      byte[] old = oldWrap(judged);
      assertThat(new String(old, StandardCharsets.UTF_8)).endsWith("}}");
      assertThat(LENIENT.readTree(old).get("tweet")).isEqualTo(LENIENT.readTree(source.value()));
      assertThat(OutputContract.violations("unmatched", old))
          .singleElement()
          .asString()
          .startsWith("not strict JSON")
          .contains("close marker '}'");
      assertThatThrownBy(() -> OutputContract.check("unmatched", old, source.coordinates()))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining(source.coordinates());
      assertThat(OutputContract.violations("unmatched", Enrichment.unmatched(judged))).isEmpty();
      checked++;
    }
    assertThat(checked).isGreaterThan(50);
  }

  @Test
  void theSchemasRejectWhatAWrongRendererWouldWrite() throws Exception {
    SourceRecord source = new SourceRecord("in", 0, 7, 0L, null, "{\"text\":\"hi\",\"entities\":{}}".getBytes(StandardCharsets.UTF_8));
    Tweet tweet = (Tweet) PARSER.parse(source.value());
    JudgedTweet noUrls = judge(source, tweet);
    ObjectNode unmatched = (ObjectNode) OutputContract.check("unmatched", Enrichment.unmatched(noUrls));
    assertThat(unmatched.get("code").asInt()).isEqualTo(Verdict.NO_URLS);

    assertRejected("unmatched", unmatched.deepCopy().put("extra", 1), "extra");
    assertRejected("unmatched", unmatched.deepCopy().put("reason", "retweet"), "");
    assertRejected("unmatched", unmatched.deepCopy().put("schema", "linkwatch.unmatched/2"), "schema");
    assertRejected("unmatched", unmatched.deepCopy().put("notice", "delete"), "");
    assertRejected("unmatched", unmatched.deepCopy().put("outcome", "notice"), "");
    assertRejected("unmatched", without(unmatched, "source"), "source");
    // A record with a member twice is not one a strict consumer can read.
    byte[] twice = Enrichment.unmatched(noUrls);
    String dup = new String(twice, StandardCharsets.UTF_8).replaceFirst("\\{", "{\"code\":1,");
    assertThat(OutputContract.violations("unmatched", dup.getBytes(StandardCharsets.UTF_8)))
        .singleElement().asString().contains("Duplicate field");
    assertThat(OutputContract.violations("unmatched", new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}))
        .singleElement().asString().startsWith("not valid UTF-8");

    JudgedTweet matched = noUrls.withMatches(List.of(), 0, Verdict.matched(1));
    ObjectNode m = (ObjectNode) OutputContract.check("matched", Enrichment.matched(matched));
    ObjectNode bad = m.deepCopy();
    ((ObjectNode) bad.get("enriched")).put("score", 1);
    assertRejected("matched", bad, "score");
    bad = m.deepCopy();
    ((ObjectNode) bad.get("enriched")).put("match_count", 0);
    assertRejected("matched", bad, "match_count");
    assertRejected("matched", without(m, "enriched"), "enriched");
    // The tweet's own members stay open.
    OutputContract.check("matched", LENIENT.writeValueAsBytes(m.deepCopy().put("anything", 1)));

    ObjectNode error = (ObjectNode) OutputContract.check("errors", DeadLetter.of(source, "ParseTweet", "x").toJson());
    assertRejected("errors", error.deepCopy().put("step", "Elsewhere"), "step");
    assertRejected("errors", error.deepCopy().put("value_truncated", true), "");
    assertRejected("errors", error.deepCopy().put("exception", "java.lang.X"), "stack");

    CountReport report =
        new CountReport(CountReport.Scope.BATCH, 0L, 60_000L, "ON_TIME", true, Counts.of(1, 0, 0, 0, Map.of("A", 1L), Map.of()));
    List<byte[]> counts = report.toJsonRecords(5);
    ObjectNode total = (ObjectNode) OutputContract.check("counts", counts.get(0));
    ObjectNode artist = (ObjectNode) OutputContract.check("counts", counts.get(counts.size() - 1));
    assertThat(artist.get("metric").asText()).isEqualTo("artist");
    assertRejected("counts", without(artist, "key"), "");
    assertRejected("counts", total.deepCopy().put("key", "A"), "");
    assertRejected("counts", total.deepCopy().put("window_end", "1970-01-01 00:01"), "window_end");
    assertRejected("counts", total.deepCopy().put("timing", "on_time"), "timing");
  }

  /** The documented examples are records of their section's channel, so the docs cannot drift. */
  @Test
  void theExamplesInTheSchemaReadmeKeepTheirContract() throws IOException {
    String readme;
    try (InputStream in = OutputContractTest.class.getResourceAsStream("/schemas/README.md")) {
      readme = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, String> sections =
        Map.of("## matched", "matched", "## unmatched and notices", "unmatched",
            "## errors", "errors", "## counts", "counts");
    Map<String, Integer> examples = new TreeMap<>();
    String channel = null;
    boolean inJson = false;
    StringBuilder record = new StringBuilder();
    for (String line : (readme + "\n").split("\n")) {
      if (line.startsWith("## ")) {
        channel = sections.get(line.strip());
      } else if (line.equals("```json")) {
        inJson = true;
      } else if (inJson && (line.startsWith("{") || line.equals("```")) && record.length() > 0) {
        OutputContract.check(channel, record.toString().getBytes(StandardCharsets.UTF_8), "README example");
        examples.merge(channel, 1, Integer::sum);
        record.setLength(0);
      }
      if (inJson && line.equals("```")) {
        inJson = false;
      } else if (inJson && !line.equals("```json")) {
        record.append(line.strip());
      }
    }
    assertThat(examples).containsOnlyKeys(OutputContract.CHANNELS);
  }

  private static void assertRejected(String channel, JsonNode record, String mentioning) throws IOException {
    List<String> violations = OutputContract.violations(channel, LENIENT.writeValueAsBytes(record));
    assertThat(violations).as(record.toString()).isNotEmpty();
    assertThat(String.join("; ", violations)).contains(mentioning);
  }

  private static ObjectNode without(ObjectNode node, String member) {
    ObjectNode copy = node.deepCopy();
    copy.remove(member);
    return copy;
  }

  private static JsonNode check(Map<String, Integer> seen, String kind, String channel, byte[] record) {
    seen.merge(kind, 1, Integer::sum);
    return OutputContract.check(channel, record, kind);
  }

  /** The rules as the pipeline applies them, with unshortening off. */
  private static JudgedTweet judge(SourceRecord source, Tweet tweet) {
    TweetRecord record = new TweetRecord(source, tweet);
    Verdict early = ClassifyUrls.earlyVerdict(tweet);
    if (early != null) {
      return new JudgedTweet(record, List.of(), List.of(), 0, early);
    }
    List<Resolution> resolutions = new ArrayList<>();
    for (String url : tweet.urls()) {
      resolutions.add(new Resolution(url, url, 0, Resolution.Status.NOT_SHORTENED, ""));
    }
    JudgedTweet classified = ClassifyUrls.judge(record, resolutions, NONE, NONE);
    return classified.verdict().outcome() == Verdict.Outcome.PENDING
        ? MatchTerms.judge(classified, MATCHER, 1)
        : classified;
  }

  /** The unmatched renderer as it was before the contract (kept here to show the checker rejects it). */
  private static byte[] oldWrap(JudgedTweet judged) throws IOException {
    SourceRecord source = judged.record().source();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("outcome", "unmatched");
      g.writeNumberField("code", judged.verdict().code());
      g.writeStringField("reason", judged.verdict().reason());
      g.writeObjectFieldStart("source");
      g.writeStringField("topic", source.topic());
      g.writeNumberField("partition", source.partition());
      g.writeNumberField("offset", source.offset());
      g.writeEndObject();
      g.writeFieldName("tweet");
      g.writeRaw(':');
      g.flush();
      out.write(source.value(), 0, source.value().length);
      g.writeRaw('}');
    }
    return out.toByteArray();
  }

  /** The real payloads, one record per non-blank line, numbered by line as file mode does. */
  private static List<SourceRecord> realRecords() throws IOException {
    List<SourceRecord> out = new ArrayList<>();
    for (String file : FILES) {
      try (InputStream in = OutputContractTest.class.getResourceAsStream("/tweets/" + file)) {
        byte[] all = in.readAllBytes();
        long line = 0;
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
          if (i == all.length || all[i] == '\n') {
            line++;
            if (i > start) {
              out.add(new SourceRecord(file, 0, line, 0L, null, java.util.Arrays.copyOfRange(all, start, i)));
            }
            start = i + 1;
          }
        }
      }
    }
    return out;
  }
}
