package dev.linkwatch.core;

import static dev.linkwatch.core.JsonTree.idText;
import static dev.linkwatch.core.JsonTree.object;
import static dev.linkwatch.core.JsonTree.present;
import static dev.linkwatch.core.JsonTree.requiredString;
import static dev.linkwatch.core.JsonTree.string;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Reads a Mastodon Status entity, or a streaming frame ({@code {"stream":[..],"event":..,"payload":..}}),
 * into what the rules need.
 *
 * <ul>
 *   <li>A Status, or an {@code update} / {@code status.update} frame (whose payload is the Status as a
 *       JSON <em>string</em>, parsed a second time under the same limits), becomes a {@link Tweet}
 *       (platform mastodon). A status with {@code reblog} set is a boost (rule -1); one with {@code
 *       quote} set is a quote.
 *   <li>Its text is {@code spoiler_text} plus {@code content} as text: HTML removed, entities decoded,
 *       the {@code .quote-inline} paragraph (a "RE: link" the server adds for quotes) removed, and the
 *       text of mentions and link anchors removed. Hashtags stay, as in tweets.
 *   <li>Its links are the {@code href} of anchors in {@code content} that are not mentions, hashtags or
 *       the quote-inline link, then {@code card.url}. Only http and https links count.
 *   <li>Other frames ({@code delete}, {@code filters_changed}, notifications, announcements...) are
 *       {@link StreamNotice}s named by their event. An unknown event, or a status missing {@code
 *       content} or {@code created_at}, is malformed.
 * </ul>
 *
 * <p>Event time is {@code created_at} (set by the origin server), also for edits.
 */
final class MastodonParser {
  /** Streaming events without a status (streaming API docs, "Event types"). */
  private static final Set<String> NOTICE_EVENTS =
      Set.of(
          "delete",
          "filters_changed",
          "notification",
          "conversation",
          "announcement",
          "announcement.reaction",
          "announcement.delete",
          "encrypted_message",
          "notifications_merged");

  private final JsonTree json;

  MastodonParser(JsonTree json) {
    this.json = json;
  }

  Parsed parse(JsonNode root) throws MalformedTweetException {
    if (root.has("event")) {
      return frame(root);
    }
    return status(root, "mastodon-status", "");
  }

  private Parsed frame(JsonNode root) throws MalformedTweetException {
    String event = requiredString(root, "event", "event");
    if (event.equals("update") || event.equals("status.update")) {
      String payload = requiredString(root, "payload", "payload");
      return status(json.readObject(payload, "payload"), "mastodon-frame", "payload.");
    }
    if (NOTICE_EVENTS.contains(event)) {
      return new StreamNotice(event, "mastodon");
    }
    throw new MalformedTweetException(
        "unknown Mastodon event \"" + (event.length() > 60 ? event.substring(0, 60) + "…" : event) + "\"");
  }

  private Tweet status(JsonNode s, String format, String prefix) throws MalformedTweetException {
    String id = idText(s, "id", prefix + "id");
    String content = requiredString(s, "content", prefix + "content");
    String createdAt = requiredString(s, "created_at", prefix + "created_at");
    OptionalLong time = EventTimes.parseDate(createdAt);
    if (time.isEmpty()) {
      throw new MalformedTweetException(prefix + "created_at is not an ISO-8601 date");
    }
    String spoiler = string(s, "spoiler_text", prefix + "spoiler_text");
    String uri = string(s, "uri", prefix + "uri");
    String url = string(s, "url", prefix + "url");
    boolean boost = object(s, "reblog", prefix + "reblog") != null;
    boolean quote = present(s, "quote");

    Set<String> urls = new LinkedHashSet<>();
    String text = readContent(content, urls);
    JsonNode card = object(s, "card", prefix + "card");
    if (card != null) {
      addUrl(urls, string(card, "url", prefix + "card.url"));
    }
    if (urls.size() > json.limits().maxUrls()) {
      throw new MalformedTweetException(
          "too many URLs: " + urls.size() + " > " + json.limits().maxUrls());
    }
    String searched = spoiler == null || spoiler.isEmpty() ? text : spoiler + "\n" + text;
    return new Tweet(
        id,
        format,
        boost,
        quote,
        true,
        List.copyOf(urls),
        searched,
        time,
        Tweet.MASTODON,
        uri,
        url);
  }

  /** The searchable text of {@code content}; links found on the way go to {@code urls}. */
  static String readContent(String html, Set<String> urls) {
    if (html.isEmpty()) {
      return "";
    }
    Document doc = Jsoup.parseBodyFragment(html);
    // Clients hide the quote's "RE: <link>" paragraph; the quoted post is not this post's content.
    doc.select(".quote-inline").remove();
    for (Element a : doc.select("a")) {
      if (isHashtag(a)) {
        continue;
      }
      if (!isMention(a)) {
        addUrl(urls, a.attr("href"));
      }
      // Anchor text is a handle or a (split, ellipsised) URL: not content. Keep words apart.
      a.replaceWith(new org.jsoup.nodes.TextNode(" "));
    }
    return doc.body().text();
  }

  private static boolean isHashtag(Element a) {
    return a.hasClass("hashtag") || hasToken(a.attr("rel"), "tag");
  }

  private static boolean isMention(Element a) {
    return a.hasClass("mention")
        || a.hasClass("u-url")
        || (a.parent() != null && a.parent().hasClass("h-card"));
  }

  private static boolean hasToken(String list, String token) {
    for (String t : list.trim().split("\\s+")) {
      if (t.equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private static void addUrl(Set<String> urls, String href) {
    if (href == null) {
      return;
    }
    String h = href.trim();
    String lower = h.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://") || lower.startsWith("http://")) {
      urls.add(h);
    }
  }
}
