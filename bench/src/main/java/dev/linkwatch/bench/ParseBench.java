package dev.linkwatch.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.linkwatch.core.MalformedTweetException;
import dev.linkwatch.core.TweetParser;
import dev.linkwatch.core.unshorten.UnshortenSettings;
import dev.linkwatch.core.unshorten.Unshortener;
import dev.linkwatch.local.TweetGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * linkwatch's tweet parsing (strict UTF-8, limits, every rule field) against the floor: a plain
 * Jackson streaming pass over the same bytes that reads every token and keeps nothing. And the check
 * every link of every post takes, whether it is on a shortener, against its own baseline: the same
 * answer through a full {@link java.net.URI} parse of each link.
 */
public final class ParseBench {
  private final List<byte[]> records;
  private final List<String> links = new ArrayList<>();
  private final long bytes;

  public ParseBench(int count, long seed) {
    TweetGenerator generator = new TweetGenerator(seed, 0, Instant.parse("2017-01-12T00:00:00Z"));
    records = new ArrayList<>(count);
    long total = 0;
    for (int i = 0; i < count; i++) {
      byte[] r = generator.next().value();
      records.add(r);
      total += r.length;
    }
    bytes = total;
    TweetParser parser = TweetParser.create();
    for (byte[] r : records) {
      try {
        if (parser.parse(r) instanceof dev.linkwatch.core.Tweet t) {
          links.addAll(t.urls());
        }
      } catch (MalformedTweetException e) {
        // the generator's broken records carry no links to check
      }
    }
  }

  /** Records per second of both, medians of {@code runs} passes of at least half a second. */
  public record Result(
      double linkwatchPerSecond,
      double jacksonPerSecond,
      double meanBytes,
      int links,
      double shortenerCheckPerSecond,
      double shortenerParsedPerSecond) {
    public double ratio() {
      return linkwatchPerSecond / jacksonPerSecond;
    }
  }

  public Result run(int runs) {
    TweetParser parser = TweetParser.create();
    JsonFactory factory = new JsonFactory();
    java.util.function.LongSupplier linkwatch =
        () -> {
          long n = 0;
          for (byte[] r : records) {
            try {
              n += parser.parse(r) == null ? 0 : 1;
            } catch (MalformedTweetException e) {
              n--;
            }
          }
          return n;
        };
    java.util.function.LongSupplier floor =
        () -> {
          long tokens = 0;
          try {
            for (byte[] r : records) {
              try (JsonParser p = factory.createParser(r)) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                  if (t == JsonToken.VALUE_STRING) {
                    tokens += p.getTextLength();
                  }
                  tokens++;
                }
              }
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return tokens;
        };
    Set<String> hosts = UnshortenSettings.defaults().shortenerHosts();
    java.util.function.LongSupplier check = () -> links.stream().filter(l -> Unshortener.isShortened(hosts, l)).count();
    java.util.function.LongSupplier parsed = () -> links.stream().filter(l -> Unshortener.isShortenedParsed(hosts, l)).count();
    if (check.getAsLong() != parsed.getAsLong()) {
      throw new IllegalStateException("the shortener check and its baseline disagree on the generated links");
    }
    rate(linkwatch);
    rate(floor);
    Timing.perSecond(links.size(), check);
    Timing.perSecond(links.size(), parsed);
    List<Double> ours = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    List<Double> fast = new ArrayList<>();
    List<Double> full = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      ours.add(rate(linkwatch));
      base.add(rate(floor));
      fast.add(Timing.perSecond(links.size(), check));
      full.add(Timing.perSecond(links.size(), parsed));
    }
    return new Result(Timing.median(ours), Timing.median(base), bytes / (double) records.size(),
        links.size(), Timing.median(fast), Timing.median(full));
  }

  private double rate(java.util.function.LongSupplier work) {
    return Timing.perSecond(records.size(), work);
  }

  public static void print(Result r, PrintStream out) {
    out.println("| parse (one thread) | records/s | MB/s | ratio to the floor |");
    out.println("| --- | ---: | ---: | ---: |");
    out.printf("| Jackson streaming, every token (floor) | %.0f | %.0f | 1.00 |%n", r.jacksonPerSecond(), r.jacksonPerSecond() * r.meanBytes() / 1e6);
    out.printf("| linkwatch TweetParser | %.0f | %.0f | %.2f |%n", r.linkwatchPerSecond(), r.linkwatchPerSecond() * r.meanBytes() / 1e6, r.ratio());
    out.println();
    out.printf("| shortener check, %d links of those tweets (one thread) | links/s | ratio to the full parse |%n", r.links());
    out.println("| --- | ---: | ---: |");
    out.printf("| java.net.URI for every link (baseline) | %.0f | 1.00 |%n", r.shortenerParsedPerSecond());
    out.printf("| linkwatch: the host as written, the full parse only near a shortener | %.0f | %.2f |%n",
        r.shortenerCheckPerSecond(), r.shortenerCheckPerSecond() / r.shortenerParsedPerSecond());
  }
}
