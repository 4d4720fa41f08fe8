package dev.linkwatch.core;

import java.util.List;
import java.util.OptionalLong;

/**
 * The fields of a post the rules read: a tweet (Twitter v1.1 or X v2 JSON), a Bluesky post (a
 * Jetstream commit) or a Mastodon status. The name stays "Tweet" because the whole pipeline speaks of
 * tweets; {@link #platform()} says where the post really came from.
 *
 * @param id the post's id on its platform ({@code id_str}, a Bluesky rkey, a Mastodon status id),
 *     null for shapes without one
 * @param format the record's shape: "v1", "v2", "jetstream", "mastodon-status" or "mastodon-frame"
 * @param retweet a native repost (retweet, Bluesky repost, Mastodon boost); a quote or a typed "RT @"
 *     is not one
 * @param quote a quote post (judged on its own text and links, not the quoted post's)
 * @param hasEntities whether the post has a place for links at all (the original's rule -2); always
 *     true for Bluesky and Mastodon, whose links are facets, embeds, anchors or cards
 * @param urls the user's links (expanded), in order, duplicates removed; never media links
 * @param text the text the terms are searched in: HTML entities unescaped, and for Bluesky and
 *     Mastodon without the text of links and mentions (hashtags stay)
 * @param eventTimeMillis when the post happened, when the record says
 * @param platform "twitter", "bluesky" or "mastodon"
 * @param canonicalId the post's global id (Bluesky at-uri, Mastodon Status uri, tweet id), or null
 * @param webUrl a page a person can open to see the post, or null when the record gives none
 */
public record Tweet(
    String id,
    String format,
    boolean retweet,
    boolean quote,
    boolean hasEntities,
    List<String> urls,
    String text,
    OptionalLong eventTimeMillis,
    String platform,
    String canonicalId,
    String webUrl)
    implements Parsed {

  public static final String TWITTER = "twitter";
  public static final String BLUESKY = "bluesky";
  public static final String MASTODON = "mastodon";

  public Tweet {
    urls = List.copyOf(urls);
    text = text == null ? "" : text;
    platform = platform == null ? TWITTER : platform;
  }

  /** A tweet: its id is its canonical id, and x.com opens it by id alone. */
  public Tweet(
      String id,
      String format,
      boolean retweet,
      boolean quote,
      boolean hasEntities,
      List<String> urls,
      String text,
      OptionalLong eventTimeMillis) {
    this(
        id,
        format,
        retweet,
        quote,
        hasEntities,
        urls,
        text,
        eventTimeMillis,
        TWITTER,
        id,
        id != null && !id.isEmpty() && id.chars().allMatch(c -> c >= '0' && c <= '9')
            ? "https://x.com/i/status/" + id
            : null);
  }
}
