package dev.linkwatch.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads one stream record (Twitter API v1.1 status or notice, or an X API v2 filtered-stream
 * message) into the few facts the rules need.
 *
 * <p>Why a hand-written streaming reader rather than a tree or data binding: a 5 KB tweet is
 * mostly {@code user}, {@code retweeted_status} and {@code includes}, which the rules never read;
 * skipping them token by token avoids building objects for them, and the parser still walks (and
 * UTF-8-validates) every byte. Hostile input is bounded by {@link ParseLimits}: the record size is
 * checked before parsing, and depth, string and number lengths are enforced by Jackson's {@link
 * StreamReadConstraints} on a factory built once, so no input can cause a StackOverflowError or
 * unbounded allocation. UTF-8 is validated strictly up front ({@link Utf8}), since Jackson lets
 * overlong forms and encoded surrogates through.
 *
 * <p>Instances are immutable and thread-safe (the {@link JsonFactory} is).
 */
public final class TweetParser {

  /**
   * Bounds on what one record may contain. The defaults are far above any real tweet (a v1.1
   * status with its retweeted and quoted status is under 20 KB, nested under 10 levels) and far
   * below what would hurt a worker.
   */
  public record ParseLimits(
      int maxNestingDepth, int maxStringLength, int maxNumberLength, int maxUrls, int maxBytes)
      implements java.io.Serializable {

    public ParseLimits {
      if (maxNestingDepth < 2
          || maxStringLength < 1
          || maxNumberLength < 1
          || maxUrls < 0
          || maxBytes < 2) {
        throw new IllegalArgumentException("invalid parse limits: " + this);
      }
    }

    /** Depth 64, strings 256 KiB, numbers 64 digits, 100 URLs, records 1 MiB. */
    public static ParseLimits defaults() {
      return new ParseLimits(64, 256 * 1024, 64, 100, 1024 * 1024);
    }
  }

  /** v1.1 top-level keys that mark a single-purpose stream message. */
  private static final Set<String> NOTICE_KEYS =
      Set.of(
          "delete",
          "scrub_geo",
          "limit",
          "status_withheld",
          "user_withheld",
          "disconnect",
          "warning",
          "friends",
          "friends_str",
          "event",
          "control");

  private static final DateTimeFormatter V1_DATE =
      DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ROOT);

  private static final int MAX_KEYS_IN_MESSAGE = 8;
  private static final int MAX_KEY_CHARS = 40;

  private final ParseLimits limits;
  private final JsonFactory factory;

  private TweetParser(ParseLimits limits) {
    this.limits = limits;
    this.factory = factory(limits);
  }

  /**
   * A JSON factory that enforces {@code limits} (depth, string and number length) and keeps payload
   * bytes out of its error messages. Shared with the Bluesky and Mastodon parsers.
   */
  static JsonFactory factory(ParseLimits limits) {
    return JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxNestingDepth())
                    .maxStringLength(limits.maxStringLength())
                    .maxNumberLength(limits.maxNumberLength())
                    .build())
            // Error messages go to dead letters: never echo payload bytes into them.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
  }

  public static TweetParser create() {
    return new TweetParser(ParseLimits.defaults());
  }

  public static TweetParser create(ParseLimits limits) {
    return new TweetParser(Objects.requireNonNull(limits, "limits"));
  }

  public ParseLimits limits() {
    return limits;
  }

  /**
   * Parses one record (a Kafka value). A null value (tombstone) counts as an empty record.
   *
   * @throws MalformedTweetException with a short reason when the bytes are not one JSON object
   *     that is a tweet or a known notice, or break a limit
   */
  public Parsed parse(byte[] value) throws MalformedTweetException {
    checkBytes(value, limits);
    return parseChecked(value);
  }

  /** {@link #parse} of a value that has passed {@link #checkBytes} (RecordParser checks every shape). */
  Parsed parseChecked(byte[] value) throws MalformedTweetException {
    try (JsonParser p = factory.createParser(value)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new MalformedTweetException("empty record");
      }
      if (first != JsonToken.START_OBJECT) {
        throw new MalformedTweetException("not a JSON object (" + describe(first) + ")");
      }
      Parsed parsed = readRoot(p);
      JsonToken after = p.nextToken();
      if (after != null) {
        throw new MalformedTweetException(
            "trailing data after the JSON object at byte " + byteOffset(p.currentLocation()));
      }
      return parsed;
    } catch (StreamConstraintsException e) {
      throw new MalformedTweetException(constraintReason(e), e);
    } catch (JsonProcessingException e) {
      throw new MalformedTweetException(syntaxReason(e), e);
    } catch (IOException e) {
      // A byte[] source does no I/O; reaching this is a bug, not bad input.
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- top level

  private Parsed readRoot(JsonParser p) throws IOException, MalformedTweetException {
    String idStr = null;
    String idText = null;
    String text = null;
    String fullText = null;
    boolean truncated = false;
    boolean retweet = false;
    boolean quote = false;
    Extended extended = null;
    Entities entities = null;
    Long timestampMs = null;
    String createdAt = null;
    V2Data data = null;
    boolean errors = false;
    String notice = null;
    List<String> keys = new ArrayList<>(MAX_KEYS_IN_MESSAGE + 1);

    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      if (keys.size() <= MAX_KEYS_IN_MESSAGE) {
        keys.add(name.length() > MAX_KEY_CHARS ? name.substring(0, MAX_KEY_CHARS) + "…" : name);
      }
      switch (name) {
        case "id_str" -> idStr = stringOrNull(p, t, "id_str");
        case "id" -> idText = integerText(p, t, "id");
        case "text" -> text = stringOrNull(p, t, "text");
        case "full_text" -> fullText = stringOrNull(p, t, "full_text");
        case "truncated" -> truncated = booleanOrFalse(t, "truncated");
        case "is_quote_status" -> quote |= booleanOrFalse(t, "is_quote_status");
        case "retweeted_status" -> retweet = objectOrNull(p, t, "retweeted_status");
        case "quoted_status" -> quote |= objectOrNull(p, t, "quoted_status");
        case "extended_tweet" -> {
          if (t == JsonToken.START_OBJECT) {
            extended = readExtended(p);
          } else if (t != JsonToken.VALUE_NULL) {
            throw new MalformedTweetException("extended_tweet is not an object");
          }
        }
        case "entities" -> entities = entitiesOrNull(p, t, "entities");
        case "timestamp_ms" -> timestampMs = epochMillis(p, t, "timestamp_ms");
        case "created_at" -> createdAt = stringOrNull(p, t, "created_at");
        case "data" -> {
          if (t == JsonToken.START_OBJECT) {
            data = readV2Data(p);
          } else if (t == JsonToken.START_ARRAY) {
            throw new MalformedTweetException(
                "data is an array (a v2 search page, not a stream message)");
          } else if (t != JsonToken.VALUE_NULL) {
            throw new MalformedTweetException("data is not an object");
          }
        }
        case "errors" -> {
          errors = t != JsonToken.VALUE_NULL;
          p.skipChildren();
        }
        default -> {
          if (notice == null && NOTICE_KEYS.contains(name)) {
            notice = name;
          }
          p.skipChildren();
        }
      }
    }

    if (data != null) {
      return data.toTweet();
    }
    if (errors) {
      return new StreamNotice("errors");
    }
    if (text != null || fullText != null) {
      String chosenText =
          extended != null && extended.fullText != null
              ? extended.fullText
              : fullText != null ? fullText : text;
      // A truncated tweet's top-level entities only hold the twitter.com/i/web/status self-link.
      Entities chosen = truncated && extended != null ? extended.entities : entities;
      OptionalLong time =
          timestampMs != null
              ? OptionalLong.of(timestampMs)
              : createdAt != null ? OptionalLong.of(v1Date(createdAt)) : OptionalLong.empty();
      return new Tweet(
          idStr != null ? idStr : idText,
          "v1",
          retweet,
          quote,
          chosen != null,
          chosen != null ? chosen.urls() : List.of(),
          Html.unescape(chosenText),
          time);
    }
    if (notice != null) {
      return new StreamNotice(notice);
    }
    throw new MalformedTweetException(
        "not a tweet and not a known stream notice (keys: "
            + (keys.isEmpty() ? "none" : String.join(", ", keys.subList(0, Math.min(keys.size(), MAX_KEYS_IN_MESSAGE))))
            + (keys.size() > MAX_KEYS_IN_MESSAGE ? ", …" : "")
            + ")");
  }

  private record Entities(List<String> urls) {}

  private record Extended(String fullText, Entities entities) {}

  private Extended readExtended(JsonParser p) throws IOException, MalformedTweetException {
    String fullText = null;
    Entities entities = null;
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "full_text" -> fullText = stringOrNull(p, t, "extended_tweet.full_text");
        case "entities" -> entities = entitiesOrNull(p, t, "extended_tweet.entities");
        default -> p.skipChildren();
      }
    }
    return new Extended(fullText, entities);
  }

  // ---------------------------------------------------------------- v2

  private final class V2Data {
    String id;
    String text;
    String noteText;
    Entities entities;
    Entities noteEntities;
    boolean retweet;
    boolean quote;
    String createdAt;

    Tweet toTweet() throws MalformedTweetException {
      String chosenText = noteText != null ? noteText : text;
      if (chosenText == null) {
        throw new MalformedTweetException("data.text is missing");
      }
      // A long post's data.entities cover only the truncated text; note_tweet has the full set.
      Entities chosen = noteEntities != null ? noteEntities : entities;
      OptionalLong time = OptionalLong.empty();
      if (createdAt != null) {
        try {
          time = OptionalLong.of(Instant.parse(createdAt).toEpochMilli());
        } catch (DateTimeException e) {
          throw new MalformedTweetException("data.created_at is not an ISO-8601 instant");
        }
      }
      return new Tweet(
          id,
          "v2",
          retweet,
          quote,
          chosen != null,
          chosen != null ? chosen.urls() : List.of(),
          Html.unescape(chosenText),
          time);
    }
  }

  private V2Data readV2Data(JsonParser p) throws IOException, MalformedTweetException {
    V2Data d = new V2Data();
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "id" -> d.id = integerText(p, t, "data.id");
        case "text" -> d.text = stringOrNull(p, t, "data.text");
        case "created_at" -> d.createdAt = stringOrNull(p, t, "data.created_at");
        case "entities" -> d.entities = entitiesOrNull(p, t, "data.entities");
        case "referenced_tweets" -> readReferencedTweets(p, t, d);
        case "note_tweet" -> {
          if (t == JsonToken.START_OBJECT) {
            readNoteTweet(p, d);
          } else if (t != JsonToken.VALUE_NULL) {
            throw new MalformedTweetException("data.note_tweet is not an object");
          }
        }
        default -> p.skipChildren();
      }
    }
    return d;
  }

  private void readNoteTweet(JsonParser p, V2Data d) throws IOException, MalformedTweetException {
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "text" -> d.noteText = stringOrNull(p, t, "data.note_tweet.text");
        case "entities" -> d.noteEntities = entitiesOrNull(p, t, "data.note_tweet.entities");
        default -> p.skipChildren();
      }
    }
  }

  private static void readReferencedTweets(JsonParser p, JsonToken t, V2Data d)
      throws IOException, MalformedTweetException {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      throw new MalformedTweetException("data.referenced_tweets is not an array");
    }
    int i = 0;
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      String path = "data.referenced_tweets[" + i++ + "]";
      if (e != JsonToken.START_OBJECT) {
        throw new MalformedTweetException(path + " is not an object");
      }
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken v = p.nextToken();
        if (name.equals("type")) {
          String type = stringOrNull(p, v, path + ".type");
          if ("retweeted".equals(type)) {
            d.retweet = true;
          } else if ("quoted".equals(type)) {
            d.quote = true;
          }
        } else {
          p.skipChildren();
        }
      }
    }
  }

  // ---------------------------------------------------------------- entities

  private Entities entitiesOrNull(JsonParser p, JsonToken t, String path)
      throws IOException, MalformedTweetException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new MalformedTweetException(path + " is not an object");
    }
    Set<String> urls = new LinkedHashSet<>();
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (name.equals("urls")) {
        readUrls(p, v, path + ".urls", urls);
      } else {
        // media, hashtags, mentions...: media links point back to twitter.com, never a target.
        p.skipChildren();
      }
    }
    return new Entities(List.copyOf(urls));
  }

  private void readUrls(JsonParser p, JsonToken t, String path, Set<String> out)
      throws IOException, MalformedTweetException {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      throw new MalformedTweetException(path + " is not an array");
    }
    int count = 0;
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      int i = count++;
      if (count > limits.maxUrls()) {
        // Keep walking to report the real count; the size limit already bounds this loop.
        p.skipChildren();
        continue;
      }
      if (e != JsonToken.START_OBJECT) {
        throw new MalformedTweetException(path + "[" + i + "] is not an object");
      }
      String expanded = null;
      String url = null;
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken v = p.nextToken();
        switch (name) {
          case "expanded_url" -> expanded = stringOrNull(p, v, path + "[" + i + "].expanded_url");
          case "url" -> url = stringOrNull(p, v, path + "[" + i + "].url");
          default -> p.skipChildren();
        }
      }
      String chosen = expanded != null && !expanded.isEmpty() ? expanded : url;
      if (chosen != null && !chosen.isEmpty()) {
        out.add(chosen);
      }
    }
    if (count > limits.maxUrls()) {
      throw new MalformedTweetException("too many URLs: " + count + " > " + limits.maxUrls());
    }
  }

  // ---------------------------------------------------------------- scalars

  private static String stringOrNull(JsonParser p, JsonToken t, String path)
      throws IOException, MalformedTweetException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw new MalformedTweetException(path + " is not a string");
  }

  /** Ids as text: hostile ids may exceed 64 bits, and a {@code long} round trip would alter them. */
  private static String integerText(JsonParser p, JsonToken t, String path)
      throws IOException, MalformedTweetException {
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw new MalformedTweetException(path + " is not an integer or a string");
  }

  private static boolean booleanOrFalse(JsonToken t, String path) throws MalformedTweetException {
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_FALSE || t == JsonToken.VALUE_NULL) {
      return false;
    }
    throw new MalformedTweetException(path + " is not a boolean");
  }

  /** True for an object (skipped), false for null; rules only need presence. */
  private static boolean objectOrNull(JsonParser p, JsonToken t, String path)
      throws IOException, MalformedTweetException {
    if (t == JsonToken.START_OBJECT) {
      p.skipChildren();
      return true;
    }
    if (t == JsonToken.VALUE_NULL) {
      return false;
    }
    throw new MalformedTweetException(path + " is not an object");
  }

  private static Long epochMillis(JsonParser p, JsonToken t, String path)
      throws IOException, MalformedTweetException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_STRING) {
      throw new MalformedTweetException(path + " is not a number");
    }
    try {
      return Long.parseLong(p.getText());
    } catch (NumberFormatException e) {
      throw new MalformedTweetException(path + " is not a number of milliseconds");
    }
  }

  private static long v1Date(String createdAt) throws MalformedTweetException {
    try {
      return OffsetDateTime.parse(createdAt, V1_DATE).toInstant().toEpochMilli();
    } catch (DateTimeException e) {
      throw new MalformedTweetException("created_at is not a Twitter date");
    }
  }

  // ---------------------------------------------------------------- messages

  static String describe(JsonToken t) {
    return switch (t) {
      case START_ARRAY -> "array";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> t.name();
    };
  }

  private static long byteOffset(JsonLocation location) {
    return location == null ? -1 : location.getByteOffset();
  }

  /**
   * The checks every record gets before any JSON parsing, whatever its format: not empty, within the
   * size limit, strict UTF-8.
   */
  static void checkBytes(byte[] value, ParseLimits limits) throws MalformedTweetException {
    if (value == null || value.length == 0) {
      throw new MalformedTweetException("empty record");
    }
    if (value.length > limits.maxBytes()) {
      throw new MalformedTweetException(
          "record too large: " + value.length + " bytes > " + limits.maxBytes());
    }
    int invalid = Utf8.firstInvalid(value);
    if (invalid >= 0) {
      throw new MalformedTweetException("invalid UTF-8 at byte " + invalid);
    }
  }

  private String constraintReason(StreamConstraintsException e) {
    return constraintReason(e, limits);
  }

  static String constraintReason(StreamConstraintsException e, ParseLimits limits) {
    String m = String.valueOf(e.getOriginalMessage());
    if (m.contains("nesting depth")) {
      return "nesting deeper than " + limits.maxNestingDepth();
    }
    if (m.startsWith("String length")) {
      return "string longer than " + limits.maxStringLength() + " chars";
    }
    if (m.startsWith("Number") || m.contains("number length")) {
      return "number longer than " + limits.maxNumberLength() + " digits";
    }
    return "limit exceeded: " + firstLine(m);
  }

  static String syntaxReason(JsonProcessingException e) {
    String m = firstLine(String.valueOf(e.getOriginalMessage()));
    long at = byteOffset(e.getLocation());
    if (m.startsWith("Invalid UTF-8")) {
      return "invalid UTF-8 at byte " + at;
    }
    int marker = m.indexOf(" (start marker at");
    if (marker > 0) {
      m = m.substring(0, marker);
    }
    return "not JSON: " + m + " at byte " + at;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
