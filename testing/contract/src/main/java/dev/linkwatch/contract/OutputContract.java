package dev.linkwatch.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output contract, read the way a strict consumer reads it: every record of a channel must be
 * valid UTF-8, exactly one JSON value (no trailing tokens, no duplicate member names at any depth) and
 * valid against the channel's JSON Schema in {@code docs/schemas/} (on the test classpath under {@code
 * schemas/}). Unmatched and notice records share the unmatched channel and schema.
 *
 * <p>{@link #violations} says what is wrong (empty when nothing is); {@link #check} and {@link
 * #checkLines} fail with an {@link AssertionError} that names the channel, where the record came from
 * and the first violations, and return the parsed records for further assertions.
 */
public final class OutputContract {
  /** Lenient on nothing: a consumer with these settings rejects what linkwatch must never write. */
  public static final JsonMapper STRICT =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // Failures quote the record once, in check(); not again inside each parser message.
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();

  /**
   * The channels with a published schema, named as the pipeline names them (its {@code Channel}'s
   * file names): {@code docs/schemas/<channel>.schema.json}. Unmatched and notice records share
   * "unmatched".
   */
  public static final List<String> CHANNELS = List.of("matched", "unmatched", "errors", "counts");

  private static final Map<String, JsonSchema> SCHEMAS = loadSchemas();

  private OutputContract() {}

  /**
   * What is wrong with {@code record} as a record of {@code channel}: a strict-parse failure, or each
   * schema violation; empty when the record keeps the contract.
   */
  public static List<String> violations(String channel, byte[] record) {
    if (!SCHEMAS.containsKey(channel)) {
      throw new IllegalArgumentException("no published schema for channel " + channel + "; one of " + CHANNELS);
    }
    if (record == null) {
      return List.of("null record");
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(record));
    } catch (CharacterCodingException e) {
      return List.of("not valid UTF-8: " + e);
    }
    JsonNode node;
    try {
      node = STRICT.readTree(record);
    } catch (JsonProcessingException e) {
      return List.of("not strict JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (node == null || node.isMissingNode()) {
      return List.of("empty record");
    }
    List<String> out = new ArrayList<>();
    for (ValidationMessage m : SCHEMAS.get(channel).validate(node)) {
      out.add(m.getMessage());
    }
    out.sort(null);
    return out;
  }

  /** The record, parsed; fails unless it keeps {@code channel}'s contract. */
  public static JsonNode check(String channel, byte[] record) {
    return check(channel, record, "");
  }

  /** As {@link #check(String, byte[])}; {@code where} (e.g. topic and offset) goes into the failure. */
  public static JsonNode check(String channel, byte[] record, String where) {
    List<String> violations = violations(channel, record);
    if (!violations.isEmpty()) {
      String text = new String(record, StandardCharsets.UTF_8);
      throw new AssertionError(
          channel + " record " + where + " breaks its contract: "
              + String.join("; ", violations.subList(0, Math.min(5, violations.size())))
              + "\n  record: " + (text.length() > 600 ? text.substring(0, 600) + "..." : text));
    }
    try {
      return STRICT.readTree(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every line of a JSON Lines output file, each checked; fails on the first line that breaks it. */
  public static List<JsonNode> checkLines(String channel, Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<JsonNode> out = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      out.add(check(channel, lines.get(i).getBytes(StandardCharsets.UTF_8), file.getFileName() + ":" + (i + 1)));
    }
    return out;
  }

  private static Map<String, JsonSchema> loadSchemas() {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    Map<String, JsonSchema> schemas = new LinkedHashMap<>();
    for (String c : CHANNELS) {
      String resource = "/schemas/" + c + ".schema.json";
      try (InputStream in = OutputContract.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(resource + " is not on the test classpath (docs/schemas)");
        }
        // Parsed strictly too: a schema with a duplicate keyword would silently lose one of them.
        schemas.put(c, factory.getSchema(STRICT.readTree(in)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return schemas;
  }
}
