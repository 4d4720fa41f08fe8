package dev.linkwatch.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a bridge got to, in a small JSON file replaced atomically (written beside, then moved), so a
 * crash leaves the old cursor or the new one, never half of one. Only one bridge may use a file at a
 * time.
 *
 * <p>The Jetstream bridge keeps {@link Cursor}: the highest {@code time_us} it has written to Kafka
 * (acknowledged), and the identities of the events it wrote within the overlap before it, so a
 * restart that asks the server to replay that overlap can skip exactly those events and write the
 * rest: {@code {"time_us":N,"recent":{"identity":time_us,...}}}. Other bridges keep their own shape
 * through {@link #loadTree()} and {@link #saveTree(ObjectNode)}.
 */
public final class CursorStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public CursorStore(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** The saved cursor, or empty when the file does not exist (a first start). */
  public Optional<Cursor> load() throws IOException {
    Optional<JsonNode> tree = loadTree();
    if (tree.isEmpty()) {
      return Optional.empty();
    }
    JsonNode root = tree.get();
    if (!root.path("time_us").canConvertToLong()) {
      throw new IOException("cursor file " + file + " has no numeric time_us; delete it to start from now");
    }
    Map<String, Long> recent = new HashMap<>();
    root.path("recent").fields().forEachRemaining(e -> recent.put(e.getKey(), e.getValue().asLong()));
    return Optional.of(new Cursor(root.get("time_us").asLong(), recent));
  }

  public void save(Cursor cursor) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("time_us", cursor.timeUs());
    ObjectNode recent = root.putObject("recent");
    cursor.recent().forEach(recent::put);
    saveTree(root);
  }

  /** The file's JSON object, or empty when the file does not exist (a first start). */
  public Optional<JsonNode> loadTree() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonNode root = JSON.readTree(file.toFile());
    if (root == null || !root.isObject()) {
      throw new IOException("cursor file " + file + " is not a JSON object; delete it to start from now");
    }
    return Optional.of(root);
  }

  /** Replaces the file with {@code root}, atomically. */
  public void saveTree(ObjectNode root) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), root);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * A saved position: {@code timeUs} is the highest event time written; {@code recent} maps the
   * identity of each event written with a time at or after {@code timeUs - overlap} to its time.
   */
  public record Cursor(long timeUs, Map<String, Long> recent) {
    public Cursor {
      recent = Map.copyOf(recent);
    }
  }
}
