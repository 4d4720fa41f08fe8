package dev.linkwatch.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.linkwatch.core.MalformedTweetException;
import dev.linkwatch.core.TweetParser;
import dev.linkwatch.local.TweetGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * linkwatch's tweet parsing (strict UTF-8, limits, every rule field) against the floor: a plain
 * Jackson streaming pass over the same bytes that reads every token and keeps nothing.
 */
public final class ParseBench {
  private final List<byte[]> records;
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
  }

  /** Records per second of both, medians of {@code runs} passes of at least half a second. */
  public record Result(double linkwatchPerSecond, double jacksonPerSecond, double meanBytes) {
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
    rate(linkwatch);
    rate(floor);
    List<Double> ours = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      ours.add(rate(linkwatch));
      base.add(rate(floor));
    }
    return new Result(Timing.median(ours), Timing.median(base), bytes / (double) records.size());
  }

  private double rate(java.util.function.LongSupplier work) {
    return Timing.perSecond(records.size(), work);
  }

  public static void print(Result r, PrintStream out) {
    out.println("| parse (one thread) | records/s | MB/s | ratio to the floor |");
    out.println("| --- | ---: | ---: | ---: |");
    out.printf("| Jackson streaming, every token (floor) | %.0f | %.0f | 1.00 |%n", r.jacksonPerSecond(), r.jacksonPerSecond() * r.meanBytes() / 1e6);
    out.printf("| linkwatch TweetParser | %.0f | %.0f | %.2f |%n", r.linkwatchPerSecond(), r.linkwatchPerSecond() * r.meanBytes() / 1e6, r.ratio());
  }
}
