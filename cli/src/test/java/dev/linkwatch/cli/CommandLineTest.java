package dev.linkwatch.cli;

import dev.linkwatch.pipeline.Channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.core.MalformedTweetException;
import dev.linkwatch.core.TweetParser;
import dev.linkwatch.local.TweetGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line: help everywhere, exit codes, and the generator's output. */
class CommandLineTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    try {
      // Subcommands print results to System.out (as a user sees them); capture it too.
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int code = Main.execute(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "run", "demo", "generate", "broker", "broker start", "broker stop", "broker status", "topics", "topics tail", "bench", "verify"})
  void everySubcommandHasHelp(String subcommand) {
    String[] args = (subcommand.isEmpty() ? "--help" : subcommand + " --help").split(" ");
    Result r = run(args);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Usage: linkwatch" + (subcommand.isEmpty() ? "" : " " + subcommand));
  }

  @Test
  void runListsEveryPipelineOption() {
    Result r = run("run", "--help-options");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--minMatches", "--whitelist", "--bootstrapServers", "--batchSeconds", "--countsTopic");
  }

  @Test
  void unknownSubcommandOrOptionIsAUsageError() {
    assertThat(run("frobnicate").code()).isEqualTo(2);
    assertThat(run("generate", "--count=-1").code()).isEqualTo(2);
    Result bad = run("generate", "--broken-share=2");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).startsWith("linkwatch: --broken-share must be between 0 and 1");
  }

  @Test
  void benchSectionsRunAndPrintTheirTables() {
    Result counts = run("bench", "counts", "--runner=DirectRunner", "--events=2000", "--runs=1", "--span-minutes=5");
    assertThat(counts.code()).as(counts.err()).isZero();
    assertThat(counts.out()).contains("| 30 s batches + 6 h window sliding every 30 s |");
    Result parse = run("bench", "parse", "--quick", "--runs=1");
    assertThat(parse.code()).as(parse.err()).isZero();
    assertThat(parse.out()).contains("| linkwatch TweetParser |");
    assertThat(run("bench", "nonsense").code()).isEqualTo(2);
  }

  @Test
  void brokerStatusSaysNotRunningWithExitOne() {
    Result r = run("broker", "status", "--dir=" + dir.resolve("nothing"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("not running");
  }

  @Test
  void theSameSeedGivesTheSameBytesAndAnotherSeedOthers() throws Exception {
    Path a = dir.resolve("a.jsonl");
    Path b = dir.resolve("b.jsonl");
    Path c = dir.resolve("c.jsonl");
    assertThat(run("generate", "--count=500", "--seed=7", "--output=" + a).code()).isZero();
    assertThat(run("generate", "--count=500", "--seed=7", "--output=" + b).code()).isZero();
    assertThat(run("generate", "--count=500", "--seed=8", "--output=" + c).code()).isZero();
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
    // Bytes, not text: the broken share holds invalid UTF-8 on purpose.
    byte[] bytes = Files.readAllBytes(a);
    long lines = 0;
    for (byte x : bytes) {
      lines += x == '\n' ? 1 : 0;
    }
    assertThat(lines).isEqualTo(500);
  }

  @Test
  void catalogNamesAndV2FormatFromTheCommandLine() throws Exception {
    Path out = dir.resolve("v2.jsonl");
    Result r = run("generate", "--count=300", "--format=v2", "--catalog=builtin:chinook", "--broken-share=0", "--output=" + out);
    assertThat(r.code()).as(r.err()).isZero();
    TweetParser parser = TweetParser.create();
    int tweets = 0;
    for (String line : Files.readAllLines(out)) {
      if (parser.parse(line.getBytes(StandardCharsets.UTF_8)) instanceof dev.linkwatch.core.Tweet t) {
        assertThat(t.format()).isEqualTo("v2");
        tweets++;
      }
    }
    assertThat(tweets).isGreaterThan(250);
    assertThat(run("generate", "--format=v3").code()).isEqualTo(2);
  }

  @Test
  void generatedRecordsParseApartFromTheBrokenShareAndTheMixIsAsAsked() throws Exception {
    TweetGenerator generator = new TweetGenerator(11, 0.05, Instant.parse("2017-01-12T00:00:00Z"));
    TweetParser parser = TweetParser.create();
    Map<TweetGenerator.Kind, Integer> kinds = new EnumMap<>(TweetGenerator.Kind.class);
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      TweetGenerator.Generated g = generator.next();
      kinds.merge(g.kind(), 1, Integer::sum);
      boolean parses;
      try {
        parser.parse(g.value());
        parses = true;
      } catch (MalformedTweetException e) {
        parses = false;
      }
      assertThat(parses).as("record %d of kind %s", i, g.kind()).isEqualTo(g.kind() != TweetGenerator.Kind.BROKEN);
    }
    // Broken share 5%; the rest split 30/15/20/15/15/5 (see TweetGenerator.next).
    Map<TweetGenerator.Kind, Double> expected =
        Map.of(
            TweetGenerator.Kind.BROKEN, 0.05,
            TweetGenerator.Kind.PIRATE, 0.95 * 0.30,
            TweetGenerator.Kind.RETWEET, 0.95 * 0.15,
            TweetGenerator.Kind.NO_URL, 0.95 * 0.20,
            TweetGenerator.Kind.WHITELISTED, 0.95 * 0.15,
            TweetGenerator.Kind.ONE_NAME, 0.95 * 0.15,
            TweetGenerator.Kind.NOTICE, 0.95 * 0.05);
    expected.forEach(
        (kind, share) ->
            assertThat(kinds.getOrDefault(kind, 0) / (double) n).as(kind.name()).isCloseTo(share, org.assertj.core.data.Offset.offset(0.02)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"V1", "V2"})
  void generatedKindsAreRoutedAsTheyAreMeantToBe(String format) throws Exception {
    // Through the real pipeline in file mode: each kind must land where its name says, in both
    // formats, with truncated and quote shapes among the v1.1 ones.
    TweetGenerator generator =
        new TweetGenerator(3, 0.03, Instant.parse("2017-01-12T00:00:00Z"), TweetGenerator.Format.valueOf(format), List.of());
    Path input = dir.resolve("gen.jsonl");
    Map<TweetGenerator.Kind, Integer> kinds = new EnumMap<>(TweetGenerator.Kind.class);
    try (var out = Files.newOutputStream(input)) {
      for (int i = 0; i < 600; i++) {
        TweetGenerator.Generated g = generator.next();
        kinds.merge(g.kind(), 1, Integer::sum);
        out.write(g.value());
        out.write('\n');
      }
    }
    Path output = dir.resolve("out");
    Result r = run("run", "--runner=DirectRunner", "--unshorten=false", "--printCounts=false", "--input=" + input, "--output=" + output);
    assertThat(r.code()).as(r.err()).isZero();
    ObjectMapper json = OutputContract.STRICT;
    for (Channel channel : Channel.values()) {
      OutputContract.checkLines(channel.fileName(), output.resolve(channel.fileName() + ".jsonl"));
    }
    List<String> unmatched = Files.readAllLines(output.resolve("unmatched.jsonl"));
    assertThat(Files.readAllLines(output.resolve("matched.jsonl"))).hasSize(kinds.get(TweetGenerator.Kind.PIRATE));
    assertThat(Files.readAllLines(output.resolve("errors.jsonl"))).hasSize(kinds.get(TweetGenerator.Kind.BROKEN));
    Map<Integer, Long> codes = new java.util.TreeMap<>();
    for (String line : unmatched) {
      codes.merge(json.readTree(line).get("code").asInt(), 1L, Long::sum);
    }
    int notices = kinds.get(TweetGenerator.Kind.NOTICE);
    assertThat(codes)
        .containsEntry(-1, (long) kinds.get(TweetGenerator.Kind.RETWEET))
        .containsEntry(-3, (long) kinds.get(TweetGenerator.Kind.NO_URL))
        .containsEntry(-8, (long) kinds.get(TweetGenerator.Kind.WHITELISTED))
        .containsEntry(1, (long) kinds.get(TweetGenerator.Kind.ONE_NAME))
        .containsEntry(-2, (long) notices);
    // The counts file: batch reports whose inbound adds up to every record read.
    long batchInbound =
        Files.readAllLines(output.resolve("counts.jsonl")).stream()
            .map(l -> {
              try {
                return json.readTree(l);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
            .filter(n -> n.get("scope").asText().equals("batch") && n.get("metric").asText().equals("inbound"))
            .mapToLong(n -> n.get("count").asLong())
            .sum();
    assertThat(batchInbound).isEqualTo(600);
  }
}
