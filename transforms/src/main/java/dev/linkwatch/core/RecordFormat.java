package dev.linkwatch.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * The shapes of record linkwatch reads, and how to tell them apart from a record's top-level keys.
 *
 * <p>{@link #AUTO} looks at each record; the others force one reader, for a topic known to carry one
 * shape. Detection reads top-level key names only and stops at the first key that belongs to one
 * shape: Jetstream events start with {@code did}, tweets carry {@code id_str} or {@code data} within
 * their first keys, Mastodon statuses {@code in_reply_to_account_id} or {@code account}. A record
 * whose keys decide nothing, or that is not JSON at all, is read as Twitter, so its error reason is
 * the one linkwatch always gave.
 */
public enum RecordFormat {
  AUTO,
  /** Twitter API v1.1 statuses and notices, X API v2 filtered-stream messages. */
  TWITTER,
  /** Bluesky Jetstream v1 events ({@code /subscribe}). */
  BLUESKY,
  /** Mastodon Status entities and streaming frames ({@code {"event","payload"}}). */
  MASTODON;

  private static final Set<String> BLUESKY_KEYS = Set.of("did", "time_us");
  private static final Set<String> TWITTER_KEYS =
      Set.of(
          "id_str",
          "user",
          "data",
          "includes",
          "matching_rules",
          "errors",
          "entities",
          "extended_tweet",
          "retweeted_status",
          "full_text",
          "truncated",
          "timestamp_ms",
          "delete",
          "scrub_geo",
          "limit",
          "status_withheld",
          "user_withheld",
          "disconnect",
          "warning",
          "friends",
          "friends_str",
          "control",
          // A user-stream event ({"event":"favorite","source":..,"target":..}) names these.
          "source",
          "target",
          "target_object");
  private static final Set<String> MASTODON_KEYS =
      Set.of(
          "in_reply_to_account_id",
          "account",
          "spoiler_text",
          "visibility",
          "reblog",
          "content",
          "media_attachments",
          // streaming frames
          "stream",
          "payload");

  /** Reads an option value: auto, twitter, bluesky or mastodon, any case. */
  public static RecordFormat fromOption(String value) {
    if (value == null || value.isBlank()) {
      return AUTO;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "input format must be auto, twitter, bluesky or mastodon, was \"" + value + "\"");
    }
  }

  /** The shape of one record; never {@link #AUTO}. */
  static RecordFormat detect(byte[] value, JsonFactory factory) {
    boolean event = false;
    try (JsonParser p = factory.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return TWITTER;
      }
      String name;
      while ((name = p.nextFieldName()) != null) {
        if (BLUESKY_KEYS.contains(name)) {
          return BLUESKY;
        }
        if (TWITTER_KEYS.contains(name)) {
          return TWITTER;
        }
        if (MASTODON_KEYS.contains(name)) {
          return MASTODON;
        }
        event |= name.equals("event");
        p.nextToken();
        p.skipChildren();
      }
    } catch (IOException e) {
      // Broken JSON: the Twitter reader reports it as it always has.
      return TWITTER;
    }
    // {"event":"filters_changed"} with neither stream nor payload is Mastodon's; Twitter's events
    // always carry source and target, caught above.
    return event ? MASTODON : TWITTER;
  }
}
