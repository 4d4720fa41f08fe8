package dev.linkwatch.transforms;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import dev.linkwatch.core.Hit;
import dev.linkwatch.core.Tag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The JSON that leaves linkwatch for matched, unmatched and notice records.
 *
 * <p>Matched: the original tweet's bytes, untouched, with an {@code enriched} member spliced in before
 * the closing brace, so fields linkwatch does not know survive byte for byte. {@code enriched} starts
 * with {@code platform} (twitter, bluesky, mastodon), {@code post_id} (tweet id, Bluesky at-uri,
 * Mastodon Status uri) and {@code post_url} (a web page showing the post; null when unknown). Its shape follows the
 * original job ({@code media_details}, {@code url_details}, {@code match_count}) and adds every hit with
 * its variant and offsets, the {@code catalog_version} that judged it (always set by MatchTerms) and
 * the source coordinates.
 *
 * <p>Unmatched and notices: {@code {"schema","outcome","code","reason",["notice"],"source","tweet":
 * <original>}}, the original tweet embedded as it arrived.
 *
 * <p>Every record names its contract ({@link #MATCHED_SCHEMA} as {@code enriched.schema}, {@link
 * #UNMATCHED_SCHEMA} as the top-level {@code schema}); the contracts are the JSON Schemas in {@code
 * docs/schemas/}. Each record is exactly one JSON value that a strict parser accepts (no trailing
 * tokens), provided the original tweet is one: the parser has checked that before a record gets here.
 */
public final class Enrichment {
  /** The contract of matched records; an additive change keeps the number, anything else bumps it. */
  public static final String MATCHED_SCHEMA = "linkwatch.matched/1";
  /** The contract of unmatched and notice records (one channel). */
  public static final String UNMATCHED_SCHEMA = "linkwatch.unmatched/1";

  private static final JsonFactory JSON = new JsonFactory();

  private Enrichment() {}

  public static byte[] matched(JudgedTweet judged) {
    byte[] original = judged.record().source().value();
    int close = lastBrace(original);
    ByteArrayOutputStream out = new ByteArrayOutputStream(original.length + 1024);
    out.write(original, 0, close);
    out.writeBytes(isEmptyObject(original, close) ? "\"enriched\":".getBytes(StandardCharsets.UTF_8)
        : ",\"enriched\":".getBytes(StandardCharsets.UTF_8));
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("schema", MATCHED_SCHEMA);
      // Which network the post is on, its global id and a page a person can open: the original
      // record's shape differs per platform, so consumers read these instead.
      var post = judged.record().tweet();
      g.writeStringField("platform", post.platform());
      g.writeStringField("post_id", post.canonicalId());
      g.writeStringField("post_url", post.webUrl());
      writeMediaDetails(g, judged.hits());
      writeUrlDetails(g, judged.links());
      g.writeNumberField("match_count", judged.verdict().code());
      if (judged.catalogVersion() != null) {
        g.writeStringField("catalog_version", judged.catalogVersion());
      }
      g.writeArrayFieldStart("hits");
      for (Hit h : judged.hits()) {
        g.writeStartObject();
        g.writeStringField("tag", h.tag().label());
        g.writeStringField("value", h.value());
        g.writeStringField("variant", h.variant());
        g.writeNumberField("start", h.start());
        g.writeNumberField("end", h.end());
        g.writeEndObject();
      }
      g.writeEndArray();
      writeSource(g, judged.record().source());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write(original, close, original.length - close);
    return out.toByteArray();
  }

  public static byte[] unmatched(JudgedTweet judged) {
    return wrap(
        "unmatched",
        judged.verdict().code(),
        judged.verdict().reason(),
        null,
        judged.record().source());
  }

  public static byte[] notice(NoticeRecord notice) {
    return wrap("notice", Verdict.NO_ENTITIES, "stream notice", notice.kind(), notice.source());
  }

  private static byte[] wrap(
      String outcome, int code, String reason, String notice, SourceRecord source) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(source.value().length + 256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("schema", UNMATCHED_SCHEMA);
      g.writeStringField("outcome", outcome);
      g.writeNumberField("code", code);
      g.writeStringField("reason", reason);
      if (notice != null) {
        g.writeStringField("notice", notice);
      }
      writeSource(g, source);
      g.writeFieldName("tweet");
      // Through the generator, not around it: it writes the separator and closes the object itself,
      // so no brace is written twice. As bytes, not as a String: most records are unmatched, and
      // decoding each original to UTF-16 for the generator to encode it back cost a third of the
      // Flink job's throughput (profiled, docs/benchmarks.md).
      g.writeRawValue(new RawUtf8(source.value()));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeMediaDetails(JsonGenerator g, List<Hit> hits) throws IOException {
    // The original stored one value per tag (the last one it saw); keep a string per tag for its
    // consumers, the first found, and the full lists beside it.
    g.writeObjectFieldStart("media_details");
    for (Tag tag : Tag.values()) {
      List<String> values = values(hits, tag);
      if (!values.isEmpty()) {
        g.writeStringField(tag.label(), values.get(0));
      }
    }
    for (Tag tag : Tag.values()) {
      g.writeArrayFieldStart(tag.label() + "s");
      for (String v : values(hits, tag)) {
        g.writeString(v);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** Distinct values found for one tag, in the order they appear in the text. */
  public static List<String> values(List<Hit> hits, Tag tag) {
    Set<String> values = new LinkedHashSet<>();
    for (Hit h : hits) {
      if (h.tag() == tag) {
        values.add(h.value());
      }
    }
    return new ArrayList<>(values);
  }

  private static void writeUrlDetails(JsonGenerator g, List<Link> links) throws IOException {
    g.writeObjectFieldStart("url_details");
    g.writeArrayFieldStart("domain");
    for (Link l : links) {
      g.writeString(l.domain());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("primary_domain");
    for (Link l : links) {
      g.writeString(l.primaryDomain());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("full_url");
    for (Link l : links) {
      g.writeString(l.resolvedUrl());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("links");
    for (Link l : links) {
      g.writeStartObject();
      g.writeStringField("url", l.url());
      g.writeStringField("resolved", l.resolvedUrl());
      g.writeStringField("resolution", l.resolution());
      g.writeBooleanField("whitelisted", l.whitelisted());
      g.writeBooleanField("blacklisted", l.blacklisted());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeSource(JsonGenerator g, SourceRecord source) throws IOException {
    g.writeObjectFieldStart("source");
    g.writeStringField("topic", source.topic());
    g.writeNumberField("partition", source.partition());
    g.writeNumberField("offset", source.offset());
    g.writeEndObject();
  }

  private static int lastBrace(byte[] json) {
    for (int i = json.length - 1; i >= 0; i--) {
      if (json[i] == '}') {
        return i;
      }
    }
    throw new IllegalArgumentException("not a JSON object");
  }

  private static boolean isEmptyObject(byte[] json, int close) {
    for (int i = close - 1; i >= 0; i--) {
      byte b = json[i];
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{';
    }
    return true;
  }

  /**
   * An original record's bytes as a raw JSON value: the UTF-8 generator copies them into its buffer
   * as they are ({@code appendUnquotedUTF8}, or {@code asUnquotedUTF8} when they do not fit). The
   * parser has checked them to be one JSON value in strict UTF-8 before a record gets here. Only the
   * unquoted forms make sense for a raw value; the quoted ones are refused.
   */
  private static final class RawUtf8 implements SerializableString {
    private final byte[] bytes;

    RawUtf8(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public String getValue() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
      return getValue().length();
    }

    @Override
    public byte[] asUnquotedUTF8() {
      return bytes;
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
      if (offset + bytes.length > buffer.length) {
        return -1;
      }
      System.arraycopy(bytes, 0, buffer, offset, bytes.length);
      return bytes.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
      String value = getValue();
      if (offset + value.length() > buffer.length) {
        return -1;
      }
      value.getChars(0, value.length(), buffer, offset);
      return value.length();
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
      out.write(bytes);
      return bytes.length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
      if (bytes.length > buffer.remaining()) {
        return -1;
      }
      buffer.put(bytes);
      return bytes.length;
    }

    @Override
    public char[] asQuotedChars() {
      throw quoted();
    }

    @Override
    public byte[] asQuotedUTF8() {
      throw quoted();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
      throw quoted();
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
      throw quoted();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
      throw quoted();
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
      throw quoted();
    }

    private static UnsupportedOperationException quoted() {
      return new UnsupportedOperationException("a raw JSON value is never written as a quoted string");
    }
  }
}
