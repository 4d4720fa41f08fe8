package dev.linkwatch.sources;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The few members of a Jetstream v1 event the bridge needs: {@code did} (the Kafka key), {@code time_us}
 * (the cursor) and an identity for the dedupe (see {@link WrittenEvents}). Read with a streaming parser
 * that stops caring after the top level, so a large record costs little; everything else is the
 * pipeline's business.
 */
record JetstreamEvent(String did, long timeUs, String identity) {
  private static final JsonFactory JSON = new JsonFactory();

  /** The event's fields, or null when the frame has no string {@code did} or no integer {@code time_us}. */
  static JetstreamEvent read(byte[] bytes) {
    String did = null;
    long timeUs = -1;
    String kind = "";
    String collection = "";
    String rkey = "";
    String rev = "";
    String operation = "";
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "did" -> did = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "time_us" -> timeUs = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
          case "kind" -> kind = value == JsonToken.VALUE_STRING ? p.getText() : "";
          case "commit" -> {
            if (value != JsonToken.START_OBJECT) {
              p.skipChildren();
              break;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              JsonToken v = p.nextToken();
              String text = v == JsonToken.VALUE_STRING ? p.getText() : "";
              switch (field) {
                case "collection" -> collection = text;
                case "rkey" -> rkey = text;
                case "rev" -> rev = text;
                case "operation" -> operation = text;
                default -> p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      return null; // not JSON: still written, with no key and no cursor (the pipeline's error route)
    }
    if (did == null || timeUs < 0) {
      return null;
    }
    String identity =
        kind.equals("commit")
            ? did + "/" + collection + "/" + rkey + "#" + rev + ":" + operation
            : did + "#" + kind + "@" + timeUs;
    return new JetstreamEvent(did, timeUs, identity);
  }
}
