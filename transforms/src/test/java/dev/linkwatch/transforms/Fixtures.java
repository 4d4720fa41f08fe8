package dev.linkwatch.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named test tweets from src/test/resources/fixtures, as the records a source would produce. */
final class Fixtures {
  private static final Map<String, byte[]> BY_NAME = load();

  private Fixtures() {}

  static SourceRecord record(String name, long offset) {
    byte[] value = BY_NAME.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no fixture " + name);
    }
    return new SourceRecord("tweets", 0, offset, 1_484_181_382_000L, null, value);
  }

  static SourceRecord raw(long offset, byte[] value) {
    return new SourceRecord("tweets", 1, offset, 1_484_181_382_000L, "k".getBytes(StandardCharsets.UTF_8), value);
  }

  static SourceRecord raw(long offset, String value) {
    return raw(offset, value.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] resource(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, byte[]> load() {
    List<String> names = new String(resource("keys.txt"), StandardCharsets.UTF_8).lines().toList();
    List<String> lines = new String(resource("detection.jsonl"), StandardCharsets.UTF_8).lines().toList();
    Map<String, byte[]> map = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      map.put(names.get(i), lines.get(i).getBytes(StandardCharsets.UTF_8));
    }
    map.put("no_entities", resource("no_entities.json"));
    return map;
  }

  /** The named fixtures, offset = position in {@code names}, parsed: what ClassifyUrls takes. */
  static org.apache.beam.sdk.values.PCollection<TweetRecord> parsed(
      org.apache.beam.sdk.testing.TestPipeline p, String... names) {
    List<SourceRecord> input = new java.util.ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      input.add(record(names[i], i));
    }
    ParseTweet parse = ParseTweet.create();
    return p.apply(org.apache.beam.sdk.transforms.Create.of(input).withCoder(SourceRecord.coder()))
        .apply(parse)
        .posts();
  }

  static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }
}
