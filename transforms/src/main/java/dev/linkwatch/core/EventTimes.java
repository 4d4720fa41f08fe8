package dev.linkwatch.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A tweet's event time, read from its raw bytes before (and independently of) the full parse, so the
 * source can stamp records and drive the watermark: {@code timestamp_ms}, else {@code created_at} (v1.1
 * {@code Thu Jan 12 00:36:22 +0000 2017}), else v2 {@code data.created_at} (ISO-8601), else, for stream
 * notices such as {@code {"delete":{...,"timestamp_ms":"..."}}}, the notice's own stamp; a Bluesky
 * Jetstream event's {@code time_us}; a Mastodon Status's {@code created_at}, also inside a streaming
 * frame's string {@code payload}. Empty when the
 * bytes hold none of these or are not JSON; callers fall back to the Kafka record time.
 *
 * <p>Streaming payloads carry {@code timestamp_ms} at the top level, so a byte scan for it usually
 * answers without any parsing; only top-level fields are trusted (nested objects such as {@code user}
 * or {@code retweeted_status} have their own {@code created_at}).
 */
public final class EventTimes {
  private static final byte[] TIMESTAMP_MS = "\"timestamp_ms\"".getBytes(StandardCharsets.US_ASCII);
  private static final DateTimeFormatter V1 =
      DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ROOT);
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build())
          .build();

  private EventTimes() {}

  public static OptionalLong of(byte[] value) {
    if (value == null || value.length == 0) {
      return OptionalLong.empty();
    }
    // The stream puts timestamp_ms last: look there before scanning kilobytes of user and entities.
    OptionalLong last = lastMemberTimestampMs(value);
    if (last.isPresent()) {
      return last;
    }
    OptionalLong fast = scanTimestampMs(value);
    if (fast.isPresent()) {
      return fast;
    }
    return parseTopLevel(value);
  }

  /**
   * {@code "timestamp_ms":"1484181382000"} at nesting depth 1 only; the scan tracks depth and strings so
   * a quoted or nested occurrence does not count.
   */
  static OptionalLong scanTimestampMs(byte[] v) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < v.length; i++) {
      byte b = v[i];
      if (inString) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          inString = false;
        }
        continue;
      }
      if (b == '{' || b == '[') {
        depth++;
      } else if (b == '}' || b == ']') {
        depth--;
      } else if (b == '"') {
        if (depth == 1 && startsWith(v, i, TIMESTAMP_MS)) {
          return digitsAfterColon(v, i + TIMESTAMP_MS.length);
        }
        inString = true;
      }
    }
    return OptionalLong.empty();
  }

  private static final byte[] TIMESTAMP_MS_KEY = TIMESTAMP_MS;

  /**
   * {@code ,"timestamp_ms":"1484181382000"}} as the very end of the record. The closing brace that ends
   * the record closes the root object, so a member right before it is a top-level member; escaped
   * look-alikes inside strings fail the quote and separator checks and fall through to the scan.
   */
  static OptionalLong lastMemberTimestampMs(byte[] v) {
    int i = skipBlanksBack(v, v.length - 1);
    if (i < 0 || v[i] != '}') {
      return OptionalLong.empty();
    }
    i = skipBlanksBack(v, i - 1);
    boolean quoted = i >= 0 && v[i] == '"';
    if (quoted) {
      i--;
    }
    int end = i;
    while (i >= 0 && v[i] >= '0' && v[i] <= '9') {
      i--;
    }
    int digits = end - i;
    if (digits < 10 || digits > 14 || (quoted && (i < 0 || v[i--] != '"'))) {
      return OptionalLong.empty();
    }
    int firstDigit = quoted ? i + 2 : i + 1;
    i = skipBlanksBack(v, i);
    if (i < 0 || v[i] != ':') {
      return OptionalLong.empty();
    }
    i = skipBlanksBack(v, i - 1) - TIMESTAMP_MS_KEY.length + 1;
    if (i < 1 || !startsWith(v, i, TIMESTAMP_MS_KEY)) {
      return OptionalLong.empty();
    }
    int before = skipBlanksBack(v, i - 1);
    if (before < 0 || (v[before] != ',' && v[before] != '{')) {
      return OptionalLong.empty();
    }
    long n = 0;
    for (int d = firstDigit; d < firstDigit + digits; d++) {
      n = n * 10 + (v[d] - '0');
    }
    return OptionalLong.of(n);
  }

  private static int skipBlanksBack(byte[] v, int i) {
    while (i >= 0 && (v[i] == ' ' || v[i] == '\n' || v[i] == '\r' || v[i] == '\t')) {
      i--;
    }
    return i;
  }

  private static OptionalLong digitsAfterColon(byte[] v, int i) {
    while (i < v.length && (v[i] == ' ' || v[i] == ':' || v[i] == '"')) {
      i++;
    }
    long n = 0;
    int digits = 0;
    while (i < v.length && v[i] >= '0' && v[i] <= '9' && digits < 15) {
      n = n * 10 + (v[i] - '0');
      digits++;
      i++;
    }
    return digits >= 10 && digits <= 14 ? OptionalLong.of(n) : OptionalLong.empty();
  }

  private static boolean startsWith(byte[] v, int at, byte[] prefix) {
    if (at + prefix.length > v.length) {
      return false;
    }
    for (int j = 0; j < prefix.length; j++) {
      if (v[at + j] != prefix[j]) {
        return false;
      }
    }
    return true;
  }

  private static OptionalLong parseTopLevel(byte[] value) {
    try (JsonParser p = JSON.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return OptionalLong.empty();
      }
      String createdAt = null;
      OptionalLong noticeTime = OptionalLong.empty();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if ("created_at".equals(name) && t == JsonToken.VALUE_STRING) {
          createdAt = p.getText();
        } else if ("time_us".equals(name) && t == JsonToken.VALUE_NUMBER_INT) {
          // A Bluesky Jetstream event: when Jetstream saw it, in microseconds.
          return OptionalLong.of(Math.floorDiv(p.getLongValue(), 1000L));
        } else if ("payload".equals(name) && t == JsonToken.VALUE_STRING && createdAt == null) {
          // A Mastodon streaming frame: the Status is a JSON string; its created_at is the time.
          OptionalLong inner = parseTopLevel(p.getText().getBytes(StandardCharsets.UTF_8));
          if (inner.isPresent()) {
            return inner;
          }
        } else if (t == JsonToken.START_OBJECT && !"data".equals(name)) {
          // A notice keeps its stamp one level down; a tweet's nested objects (user, entities, ...)
          // have none, and a tweet's own fields win anyway.
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String inner = p.currentName();
            JsonToken it = p.nextToken();
            if ("timestamp_ms".equals(inner) && (it == JsonToken.VALUE_STRING || it == JsonToken.VALUE_NUMBER_INT)) {
              try {
                noticeTime = OptionalLong.of(Long.parseLong(p.getText().trim()));
              } catch (NumberFormatException e) {
                // not a stamp
              }
            } else {
              p.skipChildren();
            }
          }
        } else if ("data".equals(name) && t == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String inner = p.currentName();
            JsonToken it = p.nextToken();
            if ("created_at".equals(inner) && it == JsonToken.VALUE_STRING && createdAt == null) {
              createdAt = p.getText();
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
      if (createdAt != null) {
        OptionalLong created = parseDate(createdAt);
        if (created.isPresent()) {
          return created;
        }
      }
      return noticeTime;
    } catch (IOException | RuntimeException e) {
      // Not JSON, or not the shape we read: no event time; the parse step reports what is wrong.
      return OptionalLong.empty();
    }
  }

  /** A v1.1 or ISO-8601 date, as epoch milliseconds. */
  public static OptionalLong parseDate(String text) {
    try {
      return OptionalLong.of(OffsetDateTime.parse(text, V1).toInstant().toEpochMilli());
    } catch (DateTimeParseException e) {
      try {
        return OptionalLong.of(OffsetDateTime.parse(text).toInstant().toEpochMilli());
      } catch (DateTimeParseException e2) {
        return OptionalLong.empty();
      }
    }
  }
}
