package dev.linkwatch.core;

import java.util.List;
import java.util.OptionalLong;

/**
 * The fields of a tweet the rules read, from Twitter v1.1 or v2 JSON.
 *
 * @param id the tweet id as text ({@code id_str}), null for shapes without one
 * @param format "v1" or "v2"
 * @param retweet a native retweet; a quote tweet or a typed "RT @" is not one
 * @param quote a quote tweet (judged on its own text and links, not the quoted tweet's)
 * @param hasEntities whether the tweet has an entities object at all (the original's rule -2)
 * @param urls the user's links (expanded), in order, duplicates removed; never media links
 * @param text the full text, HTML entities unescaped
 * @param eventTimeMillis {@code timestamp_ms}, else {@code created_at}, when present
 */
public record Tweet(
    String id,
    String format,
    boolean retweet,
    boolean quote,
    boolean hasEntities,
    List<String> urls,
    String text,
    OptionalLong eventTimeMillis)
    implements Parsed {

  public Tweet {
    urls = List.copyOf(urls);
    text = text == null ? "" : text;
  }
}
