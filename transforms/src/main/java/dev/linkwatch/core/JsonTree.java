package dev.linkwatch.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Strict tree reading and typed field access for the Bluesky and Mastodon readers. These records are
 * small (a Jetstream post is about 1 KB), so a tree is simpler than a token walk and costs little.
 * Duplicate keys and trailing data are refused: two {@code text} members would let a sender show one
 * text to people and another to the rules.
 *
 * <p>Field accessors take a dotted path only for the error message, and treat JSON null like a
 * missing member.
 */
final class JsonTree {
  private final ObjectMapper mapper;
  private final TweetParser.ParseLimits limits;

  JsonTree(TweetParser.ParseLimits limits) {
    this.limits = limits;
    JsonFactory factory = TweetParser.factory(limits);
    factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    this.mapper =
        new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  TweetParser.ParseLimits limits() {
    return limits;
  }

  /** One JSON object from bytes already checked by {@link TweetParser#checkBytes}. */
  JsonNode readObject(byte[] value) throws MalformedTweetException {
    try {
      return object(mapper.readTree(value), null);
    } catch (StreamConstraintsException e) {
      throw new MalformedTweetException(TweetParser.constraintReason(e, limits), e);
    } catch (JsonProcessingException e) {
      throw new MalformedTweetException(reason(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One JSON object held in a string member (a Mastodon frame's payload); path names the member. */
  JsonNode readObject(String json, String path) throws MalformedTweetException {
    try {
      // As bytes, so that error offsets count bytes of the payload like everywhere else.
      return object(mapper.readTree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)), path);
    } catch (StreamConstraintsException e) {
      throw new MalformedTweetException(
          path + ": " + TweetParser.constraintReason(e, limits), e);
    } catch (JsonProcessingException e) {
      throw new MalformedTweetException(path + ": " + reason(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode object(JsonNode node, String path) throws MalformedTweetException {
    if (node == null || node.isMissingNode()) {
      throw new MalformedTweetException(path == null ? "empty record" : path + " is empty");
    }
    if (!node.isObject()) {
      throw new MalformedTweetException(
          (path == null ? "" : path + " is ") + "not a JSON object (" + describe(node) + ")");
    }
    return node;
  }

  private static String reason(JsonProcessingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    if (m.startsWith("Duplicate field")) {
      int q = m.indexOf('\'');
      int q2 = q < 0 ? -1 : m.indexOf('\'', q + 1);
      return "duplicate key" + (q2 > q && q2 - q < 60 ? " " + m.substring(q, q2 + 1) : "");
    }
    if (m.startsWith("Trailing token")) {
      return "trailing data after the JSON object";
    }
    return TweetParser.syntaxReason(e);
  }

  static String describe(JsonNode n) {
    JsonNodeType t = n.getNodeType();
    return switch (t) {
      case ARRAY -> "array";
      case STRING -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      case NULL -> "null";
      case OBJECT -> "object";
      default -> t.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  // ---------------------------------------------------------------- typed members

  static boolean present(JsonNode parent, String name) {
    JsonNode n = parent.get(name);
    return n != null && !n.isNull();
  }

  static String string(JsonNode parent, String name, String path) throws MalformedTweetException {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new MalformedTweetException(path + " is not a string");
    }
    return n.textValue();
  }

  static String requiredString(JsonNode parent, String name, String path)
      throws MalformedTweetException {
    String s = string(parent, name, path);
    if (s == null) {
      throw new MalformedTweetException(path + " is missing");
    }
    return s;
  }

  static JsonNode object(JsonNode parent, String name, String path) throws MalformedTweetException {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new MalformedTweetException(path + " is not an object");
    }
    return n;
  }

  static JsonNode requiredObject(JsonNode parent, String name, String path)
      throws MalformedTweetException {
    JsonNode n = object(parent, name, path);
    if (n == null) {
      throw new MalformedTweetException(path + " is missing");
    }
    return n;
  }

  static JsonNode array(JsonNode parent, String name, String path) throws MalformedTweetException {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray()) {
      throw new MalformedTweetException(path + " is not an array");
    }
    return n;
  }

  /** A whole number that fits a long; floats, strings and huge values are refused. */
  static long requiredLong(JsonNode parent, String name, String path)
      throws MalformedTweetException {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      throw new MalformedTweetException(path + " is missing");
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new MalformedTweetException(path + " is not an integer");
    }
    return n.longValue();
  }

  /** An id given as a string or an integer (Mastodon 1.x used numbers), as text. */
  static String idText(JsonNode parent, String name, String path) throws MalformedTweetException {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isIntegralNumber()) {
      return n.asText();
    }
    throw new MalformedTweetException(path + " is not a string or an integer");
  }
}
