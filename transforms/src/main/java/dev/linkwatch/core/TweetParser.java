package dev.linkwatch.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses raw record bytes as a Twitter v1.1 or v2 tweet, or a stream notice, and refuses everything
 * else with a reason. Limits on size, nesting and string length are enforced by Jackson while reading,
 * so hostile input (10 000-deep nesting, a 5 MB string) costs little and can never overflow the stack.
 * Thread-safe; build one per worker.
 */
public final class TweetParser {

  /** Bounds on what one record may hold; real tweets are far inside all of them. */
  public record ParseLimits(
      int maxNestingDepth, int maxStringLength, int maxNumberLength, int maxUrls, int maxBytes)
      implements Serializable {
    public ParseLimits {
      if (maxNestingDepth < 8 || maxStringLength < 1024 || maxNumberLength < 20 || maxUrls < 1 || maxBytes < 1024) {
        throw new IllegalArgumentException("ParseLimits too small for real tweets: " + this);
      }
    }

    public static ParseLimits defaults() {
      return new ParseLimits(64, 256 * 1024, 64, 100, 1 << 20);
    }
  }

  /** Top-level keys of v1.1 stream messages that are not tweets. */
  static final Set<String> NOTICE_KEYS =
      Set.of(
          "delete", "scrub_geo", "limit", "status_withheld", "user_withheld", "disconnect",
          "warning", "friends", "friends_str", "event", "control", "for_user", "direct_message");

  private final ParseLimits limits;
  private final ObjectReader reader;

  private TweetParser(ParseLimits limits) {
    this.limits = limits;
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxNestingDepth())
                    .maxStringLength(limits.maxStringLength())
                    .maxNumberLength(limits.maxNumberLength())
                    .build())
            .build();
    this.reader =
        new ObjectMapper(factory)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .reader();
  }

  public static TweetParser create() {
    return new TweetParser(ParseLimits.defaults());
  }

  public static TweetParser create(ParseLimits limits) {
    return new TweetParser(limits);
  }

  public Parsed parse(byte[] value) throws MalformedTweetException {
    if (value == null || value.length == 0) {
      throw new MalformedTweetException("empty record");
    }
    if (value.length > limits.maxBytes()) {
      throw new MalformedTweetException(
          "record of " + value.length + " bytes exceeds the limit of " + limits.maxBytes());
    }
    JsonNode root = readTree(value);
    if (!root.isObject()) {
      throw new MalformedTweetException("not a JSON object (" + root.getNodeType().name().toLowerCase() + ")");
    }
    JsonNode data = root.get("data");
    if (data != null && data.isObject()) {
      return v2(root, data);
    }
    if (root.has("text") || root.has("full_text") || root.has("extended_tweet")) {
      return v1(root);
    }
    StreamNotice notice = notice(root);
    if (notice != null) {
      return notice;
    }
    throw new MalformedTweetException(
        "not a tweet and not a known stream notice (keys: " + keys(root) + ")");
  }

  private JsonNode readTree(byte[] value) throws MalformedTweetException {
    try {
      JsonNode root = reader.readTree(value);
      if (root == null || root.isMissingNode()) {
        throw new MalformedTweetException("empty record");
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw new MalformedTweetException("over a parse limit: " + firstLine(e.getOriginalMessage()));
    } catch (JsonParseException e) {
      String message = firstLine(e.getOriginalMessage());
      long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
      String where = at >= 0 ? " at byte " + at : "";
      if (message.contains("UTF-8") || message.contains("UTF8")) {
        throw new MalformedTweetException("invalid UTF-8" + where + ": " + message);
      }
      throw new MalformedTweetException("not JSON" + where + ": " + message);
    } catch (IOException e) {
      throw new MalformedTweetException("not JSON: " + firstLine(e.getMessage()));
    }
  }

  private static StreamNotice notice(JsonNode root) {
    if (root.has("errors") && !root.has("data")) {
      return new StreamNotice("errors"); // a v2 stream error payload
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (NOTICE_KEYS.contains(key)) {
        return new StreamNotice(key);
      }
    }
    return null;
  }

  private Tweet v1(JsonNode root) throws MalformedTweetException {
    JsonNode extended = object(root, "extended_tweet");
    boolean truncated = root.path("truncated").asBoolean(false) && extended != null;
    JsonNode source = truncated ? extended : root;
    String prefix = truncated ? "extended_tweet." : "";
    JsonNode entities = object(source, "entities", prefix);
    if (entities == null && truncated) {
      entities = object(root, "entities");
    }
    String text =
        extended != null && extended.has("full_text")
            ? string(extended, "full_text", "extended_tweet.")
            : root.has("full_text") ? string(root, "full_text", "") : string(root, "text", "");
    if (text == null) {
      throw new MalformedTweetException("text is missing or null");
    }
    JsonNode retweeted = root.get("retweeted_status");
    boolean retweet = retweeted != null && !retweeted.isNull();
    JsonNode quoted = root.get("quoted_status");
    boolean quote = root.path("is_quote_status").asBoolean(false) || (quoted != null && quoted.isObject());
    return new Tweet(
        idOf(root),
        "v1",
        retweet,
        quote,
        entities != null,
        entities == null ? List.of() : urls(entities, truncated ? "extended_tweet.entities.urls" : "entities.urls"),
        Html.unescape(text),
        eventTime(root));
  }

  private Tweet v2(JsonNode root, JsonNode data) throws MalformedTweetException {
    String text = string(data, "text", "data.");
    JsonNode note = object(data, "note_tweet", "data.");
    if (note != null && note.hasNonNull("text")) {
      text = string(note, "text", "data.note_tweet.");
    }
    if (text == null) {
      throw new MalformedTweetException("data.text is missing or null");
    }
    boolean retweet = false;
    boolean quote = false;
    JsonNode refs = data.get("referenced_tweets");
    if (refs != null && !refs.isNull()) {
      if (!refs.isArray()) {
        throw new MalformedTweetException("data.referenced_tweets is not an array");
      }
      for (JsonNode ref : refs) {
        String type = ref.path("type").asText("");
        retweet |= type.equals("retweeted");
        quote |= type.equals("quoted");
      }
    }
    JsonNode entities = object(data, "entities", "data.");
    if (note != null && note.has("entities")) {
      entities = object(note, "entities", "data.note_tweet.");
    }
    OptionalLong time = OptionalLong.empty();
    JsonNode created = data.get("created_at");
    if (created != null && created.isTextual()) {
      time = EventTimes.parseDate(created.asText());
    }
    JsonNode idNode = data.get("id");
    return new Tweet(
        idNode == null || idNode.isNull() ? null : idNode.asText(),
        "v2",
        retweet,
        quote,
        entities != null,
        entities == null ? List.of() : urls(entities, "data.entities.urls"),
        Html.unescape(text),
        time);
  }

  private List<String> urls(JsonNode entities, String path) throws MalformedTweetException {
    JsonNode urls = entities.get("urls");
    if (urls == null || urls.isNull()) {
      return List.of();
    }
    if (!urls.isArray()) {
      throw new MalformedTweetException(path + " is not an array");
    }
    if (urls.size() > limits.maxUrls()) {
      throw new MalformedTweetException("too many URLs: " + urls.size() + " > " + limits.maxUrls());
    }
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode u : urls) {
      if (!u.isObject()) {
        throw new MalformedTweetException(path + "[] is not an object");
      }
      String link = textOrNull(u.get("expanded_url"), path + "[].expanded_url");
      if (link == null || link.isBlank()) {
        link = textOrNull(u.get("url"), path + "[].url");
      }
      if (link != null && !link.isBlank()) {
        out.add(link);
      }
    }
    return new ArrayList<>(out);
  }

  private static String textOrNull(JsonNode n, String path) throws MalformedTweetException {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new MalformedTweetException(path + " is not a string");
    }
    return n.asText();
  }

  private static String idOf(JsonNode root) {
    JsonNode idStr = root.get("id_str");
    if (idStr != null && idStr.isTextual()) {
      return idStr.asText();
    }
    JsonNode id = root.get("id");
    // As text: a hostile id may not fit in 64 bits.
    return id == null || id.isNull() ? null : id.asText();
  }

  private static OptionalLong eventTime(JsonNode root) {
    JsonNode ms = root.get("timestamp_ms");
    if (ms != null && (ms.isTextual() || ms.isIntegralNumber())) {
      try {
        return OptionalLong.of(Long.parseLong(ms.asText().trim()));
      } catch (NumberFormatException e) {
        // fall through to created_at
      }
    }
    JsonNode created = root.get("created_at");
    return created != null && created.isTextual() ? EventTimes.parseDate(created.asText()) : OptionalLong.empty();
  }

  private static JsonNode object(JsonNode parent, String field) throws MalformedTweetException {
    return object(parent, field, "");
  }

  private static JsonNode object(JsonNode parent, String field, String prefix) throws MalformedTweetException {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new MalformedTweetException(prefix + field + " is not an object");
    }
    return n;
  }

  private static String string(JsonNode parent, String field, String prefix) throws MalformedTweetException {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new MalformedTweetException(prefix + field + " is not a string");
    }
    return n.asText();
  }

  private static String keys(JsonNode root) {
    Set<String> keys = new TreeSet<>();
    root.fieldNames().forEachRemaining(keys::add);
    String joined = String.join(", ", keys);
    return joined.length() > 200 ? joined.substring(0, 200) + "..." : joined;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
