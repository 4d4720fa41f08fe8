package dev.linkwatch.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a Mastodon bridge has written, for its cursor and its dedupe. Mastodon's streams have no cursor,
 * so a gap (a reconnect, a restart) is filled from the REST timeline after the last Status id written;
 * meanwhile the new stream connection already writes, so the two overlap, and a Status seen by both is
 * written once: {@code recent} keeps the identities ({@code uri} and {@code edited_at}) of the last
 * {@code keep} Statuses written.
 *
 * <p>The cursor is the id up to which every Status is written: the highest id written, except while a
 * backfill is pending, when it stays where the gap began (a crash then backfills the gap again, and the
 * identities skip what was written). Ids compare as Mastodon's are made: decimal strings, longer is
 * newer. Not thread-safe: the bridge guards it.
 */
final class WrittenStatuses {
  private final int keep;
  private String highestId;
  private String gapFrom;
  private final LinkedHashMap<String, String> recent = new LinkedHashMap<>();

  WrittenStatuses(int keep, JsonNode saved) throws IOException {
    this.keep = keep;
    if (saved != null) {
      if (!saved.path("last_id").isTextual()) {
        throw new IOException("the cursor file has no string last_id; delete it to start from now");
      }
      highestId = saved.get("last_id").asText();
      saved.path("recent").fields().forEachRemaining(e -> recent.put(e.getKey(), e.getValue().asText()));
    }
  }

  /** True when this exact Status version was written before. */
  boolean alreadyWritten(String identity) {
    return identity != null && recent.containsKey(identity);
  }

  void written(String identity, String id) {
    if (id != null && (highestId == null || compareIds(id, highestId) > 0)) {
      highestId = id;
    }
    if (identity != null) {
      recent.remove(identity);
      recent.put(identity, id == null ? "" : id);
      if (recent.size() > keep) {
        Iterator<String> oldest = recent.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
    }
  }

  /**
   * A connection opens: the id a backfill must start after, or null when nothing was ever written
   * (a first start is live). Until {@link #gapClosed()} the cursor stays there.
   */
  String openGap() {
    if (gapFrom == null) {
      gapFrom = highestId;
    }
    return gapFrom;
  }

  /** The backfill has fetched every Status after the gap's start. */
  void gapClosed() {
    gapFrom = null;
  }

  /** The cursor: every Status up to this id is written; null before the first. */
  String cursorId() {
    return gapFrom != null ? gapFrom : highestId;
  }

  /** The {@code uri} of a recently written Status with this id, or null. */
  String uriOf(String id) {
    for (Map.Entry<String, String> e : recent.entrySet()) {
      if (e.getValue().equals(id)) {
        return e.getKey().substring(0, e.getKey().lastIndexOf('#'));
      }
    }
    return null;
  }

  /** The cursor file's content: {@code {"last_id":ID,"recent":{identity:id,...}}}, oldest first. */
  ObjectNode snapshot() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("last_id", cursorId());
    ObjectNode r = root.putObject("recent");
    recent.forEach(r::put);
    return root;
  }

  /** Mastodon ids are decimal strings of any length: longer is newer, then by text. */
  static int compareIds(String a, String b) {
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }
}
