package dev.linkwatch.transforms;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.linkwatch.core.Hit;
import dev.linkwatch.core.Tag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * its variant and offsets, and the source coordinates.
 *
 * <p>Unmatched and notices: {@code {"outcome","code","reason","source",..., "tweet": <original>}}.
 */
public final class Enrichment {
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
      // Which network the post is on, its global id and a page a person can open: the original
      // record's shape differs per platform, so consumers read these instead.
      var post = judged.record().tweet();
      g.writeStringField("platform", post.platform());
      g.writeStringField("post_id", post.canonicalId());
      g.writeStringField("post_url", post.webUrl());
      writeMediaDetails(g, judged.hits());
      writeUrlDetails(g, judged.links());
      g.writeNumberField("match_count", judged.verdict().code());
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
      g.writeStringField("outcome", outcome);
      g.writeNumberField("code", code);
      g.writeStringField("reason", reason);
      if (notice != null) {
        g.writeStringField("notice", notice);
      }
      writeSource(g, source);
      g.writeFieldName("tweet");
      g.writeRaw(':');
      g.flush();
      out.write(source.value(), 0, source.value().length);
      g.writeRaw('}');
      // The closing brace is written by hand after the raw value; closing the generator must not add
      // a second one (records were "...}}": invalid JSON for a strict reader).
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
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
}
