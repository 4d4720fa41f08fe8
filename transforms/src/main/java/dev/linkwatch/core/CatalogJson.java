package dev.linkwatch.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Reads a {@link Catalog} from the 2017 prototype's JSON filters format. */
public final class CatalogJson {
  private CatalogJson() {}

  /**
   * Reads the 2017 prototype's format as is: a JSON array of {@code {"tag":..,"value":..,
   * "match":[..]}}. {@code match} is optional; its spellings become variants. Elements are numbered
   * from 1 in error messages.
   */
  public static Catalog read(InputStream in, String sourceName) throws CatalogException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(in);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null ? "" : " line " + loc.getLineNr() + " column " + loc.getColumnNr();
      throw new CatalogException(
          sourceName + where + ": malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CatalogException(sourceName + ": cannot read: " + e.getMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new CatalogException(sourceName + ": expected a JSON array of filters");
    }
    List<CatalogEntry> out = new ArrayList<>();
    int n = 0;
    for (JsonNode el : root) {
      n++;
      out.add(entry(el, sourceName + " element " + n + ": "));
    }
    return Catalog.of(out);
  }

  /**
   * One filter object, as an element of the array format; {@code at} prefixes every message (for a
   * catalog topic: the record's key and offset).
   */
  public static CatalogEntry entry(JsonNode el, String at) throws CatalogException {
    if (el == null || !el.isObject()) {
      throw new CatalogException(
          at + "expected an object, found " + (el == null ? "nothing" : el.getNodeType()));
    }
    JsonNode tagNode = el.get("tag");
    if (tagNode == null || !tagNode.isTextual()) {
      throw new CatalogException(at + "missing string field 'tag'");
    }
    Tag tag;
    try {
      tag = Tag.parse(tagNode.asText());
    } catch (IllegalArgumentException e) {
      throw new CatalogException(at + e.getMessage());
    }
    JsonNode valueNode = el.get("value");
    if (valueNode == null || !valueNode.isTextual() || valueNode.asText().isBlank()) {
      throw new CatalogException(at + "missing or blank string field 'value'");
    }
    String value = valueNode.asText().strip();
    List<String> variants = new ArrayList<>();
    JsonNode match = el.get("match");
    if (match != null && !match.isNull()) {
      if (!match.isArray()) {
        throw new CatalogException(at + "'match' must be an array of strings");
      }
      int m = 0;
      for (JsonNode v : match) {
        m++;
        if (!v.isTextual()) {
          throw new CatalogException(at + "match[" + m + "] is not a string");
        }
        String s = v.asText().strip();
        if (!s.isEmpty() && !s.equals(value) && !variants.contains(s)) {
          variants.add(s);
        }
      }
    }
    return new CatalogEntry(tag, value, variants);
  }

  /** One entry as a filter object, the form {@link #entry} reads: {@code {"tag","value","match"}}. */
  public static byte[] write(CatalogEntry e) {
    com.fasterxml.jackson.databind.node.ObjectNode node = MAPPER.createObjectNode();
    node.put("tag", e.tag().label());
    node.put("value", e.value());
    if (!e.variants().isEmpty()) {
      var match = node.putArray("match");
      e.variants().forEach(match::add);
    }
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** Parses one filter object from bytes (a catalog topic's record value). */
  public static CatalogEntry entry(byte[] json, String at) throws CatalogException {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new CatalogException(at + "malformed JSON: " + firstLine(e), e);
    }
    return entry(node, at);
  }

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The first line of a parser's message, for one-line refusals. */
  private static String firstLine(Exception e) {
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
  }
}
