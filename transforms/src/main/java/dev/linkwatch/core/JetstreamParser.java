package dev.linkwatch.core;

import static dev.linkwatch.core.JsonTree.array;
import static dev.linkwatch.core.JsonTree.object;
import static dev.linkwatch.core.JsonTree.requiredLong;
import static dev.linkwatch.core.JsonTree.requiredObject;
import static dev.linkwatch.core.JsonTree.requiredString;
import static dev.linkwatch.core.JsonTree.string;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads one Bluesky Jetstream v1 event ({@code {"did","time_us","kind",...}}) into what the rules need.
 *
 * <ul>
 *   <li>An {@code app.bsky.feed.post} create or update becomes a {@link Tweet} (platform bluesky). Its
 *       links are the {@code uri} of its link facets, {@code embed.external.uri} and, for a quote with
 *       media, {@code embed.media.external.uri}; an {@code at://} reference is another post, not a
 *       link. Its text is {@code record.text} with the byte ranges of link and mention facets blanked
 *       out, because a name in a handle or a URL is not a claim about content (tweets' URLs and
 *       mentions are dropped for the same reason). Tag facets stay.
 *   <li>An {@code app.bsky.feed.repost} create is a {@link Tweet} marked as a repost (rule -1).
 *   <li>Deletes, {@code identity} and {@code account} events and commits to any other collection are
 *       {@link StreamNotice}s: part of the stream, not posts and not errors.
 *   <li>Anything else (unknown {@code kind}, missing or wrongly typed members) is malformed.
 * </ul>
 *
 * <p>Facet offsets count UTF-8 bytes, not Java chars. Per the lexicon a facet whose range does not fit
 * the text is to be ignored by clients; here its range is not blanked, but its link is still read
 * (the facet's URI is complete even when the displayed text is truncated). A range that cuts a
 * character is widened to whole characters.
 *
 * <p>Event time is {@code time_us} (when Jetstream saw the event), not the client-set {@code
 * createdAt}. Unknown members are ignored (a v2-served stream adds {@code cursor}).
 */
final class JetstreamParser {
  static final String POST = "app.bsky.feed.post";
  static final String REPOST = "app.bsky.feed.repost";
  private static final String LINK = "app.bsky.richtext.facet#link";
  private static final String MENTION = "app.bsky.richtext.facet#mention";
  private static final String EXTERNAL = "app.bsky.embed.external";
  private static final String RECORD = "app.bsky.embed.record";
  private static final String RECORD_WITH_MEDIA = "app.bsky.embed.recordWithMedia";

  private final int maxUrls;

  JetstreamParser(int maxUrls) {
    this.maxUrls = maxUrls;
  }

  Parsed parse(JsonNode root) throws MalformedTweetException {
    String did = requiredString(root, "did", "did");
    long timeUs = requiredLong(root, "time_us", "time_us");
    String kind = requiredString(root, "kind", "kind");
    switch (kind) {
      case "identity", "account" -> {
        return new StreamNotice(kind, "bluesky");
      }
      case "commit" -> {
        return commit(did, timeUs, requiredObject(root, "commit", "commit"));
      }
      default -> throw new MalformedTweetException("unknown Jetstream kind \"" + clip(kind) + "\"");
    }
  }

  private Parsed commit(String did, long timeUs, JsonNode commit) throws MalformedTweetException {
    String operation = requiredString(commit, "operation", "commit.operation");
    String collection = requiredString(commit, "collection", "commit.collection");
    String rkey = requiredString(commit, "rkey", "commit.rkey");
    switch (operation) {
      case "delete" -> {
        return new StreamNotice("delete", "bluesky");
      }
      case "create", "update" -> {
        // handled below
      }
      default ->
          throw new MalformedTweetException(
              "unknown commit.operation \"" + clip(operation) + "\"");
    }
    if (!collection.equals(POST) && !collection.equals(REPOST)) {
      // Likes, follows, profiles, scrobbles...: stream traffic with nothing for the rules.
      return new StreamNotice(clip(collection), "bluesky");
    }
    JsonNode record = requiredObject(commit, "record", "commit.record");
    String atUri = "at://" + did + "/" + collection + "/" + rkey;
    OptionalLong time = OptionalLong.of(Math.floorDiv(timeUs, 1000L));
    if (collection.equals(REPOST)) {
      requiredObject(record, "subject", "commit.record.subject");
      return new Tweet(
          rkey, "jetstream", true, false, true, List.of(), "", time, Tweet.BLUESKY, atUri, null);
    }
    return post(did, rkey, atUri, time, record);
  }

  private Tweet post(String did, String rkey, String atUri, OptionalLong time, JsonNode record)
      throws MalformedTweetException {
    String text = requiredString(record, "text", "commit.record.text");
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    boolean[] blank = new boolean[bytes.length];
    Set<String> urls = new LinkedHashSet<>();

    JsonNode facets = array(record, "facets", "commit.record.facets");
    if (facets != null) {
      for (int i = 0; i < facets.size(); i++) {
        String path = "commit.record.facets[" + i + "]";
        JsonNode facet = facets.get(i);
        if (!facet.isObject()) {
          throw new MalformedTweetException(path + " is not an object");
        }
        JsonNode index = requiredObject(facet, "index", path + ".index");
        long start = requiredLong(index, "byteStart", path + ".index.byteStart");
        long end = requiredLong(index, "byteEnd", path + ".index.byteEnd");
        JsonNode features = array(facet, "features", path + ".features");
        boolean hide = false;
        for (int f = 0; features != null && f < features.size(); f++) {
          String fpath = path + ".features[" + f + "]";
          JsonNode feature = features.get(f);
          if (!feature.isObject()) {
            throw new MalformedTweetException(fpath + " is not an object");
          }
          String type = string(feature, "$type", fpath + ".$type");
          if (LINK.equals(type)) {
            addUrl(urls, requiredString(feature, "uri", fpath + ".uri"));
            hide = true;
          } else if (MENTION.equals(type)) {
            hide = true;
          }
        }
        if (hide && start >= 0 && start < end && end <= bytes.length) {
          int s = (int) start;
          int e = (int) end;
          // Widen to whole characters: never leave half a UTF-8 sequence behind.
          while (s > 0 && (bytes[s] & 0xC0) == 0x80) {
            s--;
          }
          while (e < bytes.length && (bytes[e] & 0xC0) == 0x80) {
            e++;
          }
          java.util.Arrays.fill(blank, s, e, true);
        }
      }
    }

    boolean quote = false;
    JsonNode embed = object(record, "embed", "commit.record.embed");
    if (embed != null) {
      String type = string(embed, "$type", "commit.record.embed.$type");
      if (EXTERNAL.equals(type)) {
        external(embed, "commit.record.embed", urls);
      } else if (RECORD.equals(type)) {
        quote = true;
      } else if (RECORD_WITH_MEDIA.equals(type)) {
        quote = true;
        JsonNode media = object(embed, "media", "commit.record.embed.media");
        if (media != null
            && EXTERNAL.equals(string(media, "$type", "commit.record.embed.media.$type"))) {
          external(media, "commit.record.embed.media", urls);
        }
      }
      // images, video, gallery: media hosted by Bluesky, never a target.
    }
    if (urls.size() > maxUrls) {
      throw new MalformedTweetException("too many URLs: " + urls.size() + " > " + maxUrls);
    }
    return new Tweet(
        rkey,
        "jetstream",
        false,
        quote,
        true,
        List.copyOf(urls),
        searchable(bytes, blank),
        time,
        Tweet.BLUESKY,
        atUri,
        "https://bsky.app/profile/" + did + "/post/" + rkey);
  }

  private static void external(JsonNode embed, String path, Set<String> urls)
      throws MalformedTweetException {
    JsonNode external = requiredObject(embed, "external", path + ".external");
    addUrl(urls, requiredString(external, "uri", path + ".external.uri"));
  }

  private static void addUrl(Set<String> urls, String uri) {
    // An at:// URI names a record on the network (a quoted post), not a web link.
    if (!uri.isEmpty() && !uri.regionMatches(true, 0, "at://", 0, 5)) {
      urls.add(uri);
    }
  }

  /** The text with each blanked run replaced by one space, so the words on either side stay apart. */
  private static String searchable(byte[] bytes, boolean[] blank) {
    StringBuilder out = new StringBuilder(bytes.length);
    int i = 0;
    while (i < bytes.length) {
      int j = i;
      boolean hidden = blank[i];
      while (j < bytes.length && blank[j] == hidden) {
        j++;
      }
      if (hidden) {
        out.append(' ');
      } else {
        out.append(new String(bytes, i, j - i, StandardCharsets.UTF_8));
      }
      i = j;
    }
    return out.toString();
  }

  private static String clip(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
