package dev.linkwatch.sources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the Mastodon bridge writes for one streaming message or timeline entry: the record's bytes and
 * what the bridge needs to key, place and dedupe it.
 *
 * <ul>
 *   <li>{@code update} and {@code status.update}: the Status itself (the frame's payload string, or the
 *       SSE data, as UTF-8, unchanged), with its {@code id}, {@code uri} and an identity ({@code uri}
 *       and {@code edited_at}, so an edit is new and a repeat of the same version is not).
 *   <li>{@code delete}: the WebSocket-shaped frame {@code {"stream":[..],"event":"delete","payload":ID}}
 *       (as received over WebSocket; built the same way from SSE), which the pipeline reads as a notice.
 *   <li>Anything else, or a frame that cannot be read: the frame as received (built from SSE the same
 *       way), so the pipeline accounts for it as a notice or an error.
 * </ul>
 */
record MastodonEvent(Kind kind, byte[] value, String id, String uri, String identity) {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Kind {
    STATUS,
    DELETE,
    OTHER
  }

  /** A WebSocket text frame, as received. */
  static MastodonEvent fromFrame(byte[] frame) {
    JsonNode root;
    try {
      root = JSON.readTree(frame);
    } catch (IOException e) {
      return other(frame);
    }
    if (root == null || !root.isObject() || !root.path("event").isTextual()) {
      return other(frame);
    }
    String event = root.get("event").asText();
    JsonNode payload = root.get("payload");
    if ((event.equals("update") || event.equals("status.update")) && payload != null && payload.isTextual()) {
      MastodonEvent status = status(payload.asText());
      return status == null ? other(frame) : status;
    }
    if (event.equals("delete") && payload != null && payload.isTextual()) {
      return new MastodonEvent(Kind.DELETE, frame, payload.asText(), null, null);
    }
    return other(frame);
  }

  /** One SSE event on a stream whose frames name {@code stream} (e.g. {@code ["public"]}). */
  static MastodonEvent fromSse(String event, String data, List<String> stream) {
    if ((event.equals("update") || event.equals("status.update")) && data != null) {
      MastodonEvent status = status(data);
      if (status != null) {
        return status;
      }
    }
    byte[] frame = frame(stream, event, data);
    return event.equals("delete") && data != null
        ? new MastodonEvent(Kind.DELETE, frame, data, null, null)
        : other(frame);
  }

  /** One Status as a timeline returned it, bytes unchanged; null when it is not a Status object. */
  static MastodonEvent fromTimeline(byte[] status) {
    return status(new String(status, StandardCharsets.UTF_8), status);
  }

  private static MastodonEvent status(String json) {
    return status(json, json.getBytes(StandardCharsets.UTF_8));
  }

  private static MastodonEvent status(String json, byte[] bytes) {
    JsonNode s;
    try {
      s = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (s == null || !s.isObject()) {
      return null;
    }
    String id = s.path("id").isValueNode() ? s.path("id").asText() : null;
    String uri = s.path("uri").isTextual() ? s.get("uri").asText() : null;
    String edited = s.path("edited_at").isTextual() ? s.get("edited_at").asText() : "";
    return new MastodonEvent(Kind.STATUS, bytes, id, uri, uri == null ? null : uri + "#" + edited);
  }

  private static MastodonEvent other(byte[] frame) {
    return new MastodonEvent(Kind.OTHER, frame, null, null, null);
  }

  /** The WebSocket frame Mastodon sends for the same event: stream, event, then payload when there is one. */
  static byte[] frame(List<String> stream, String event, String payload) {
    ObjectNode f = JSON.createObjectNode();
    stream.forEach(f.putArray("stream")::add);
    f.put("event", event);
    if (payload != null) {
      f.put("payload", payload);
    }
    try {
      return JSON.writeValueAsBytes(f);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
