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
      String at = sourceName + " element " + n + ": ";
      if (!el.isObject()) {
        throw new CatalogException(at + "expected an object, found " + el.getNodeType());
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
      out.add(new CatalogEntry(tag, value, variants));
    }
    return Catalog.of(out);
  }
}
