package dev.linkwatch.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Immutable list of names to look for. Entries are deduplicated by (tag, normalised value), because
 * spellings that normalise alike match alike; their explicit variants are merged.
 */
public final class Catalog implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Artist cells that stand for "no single artist" in real catalogs (compilations, unknown). They
   * would match everywhere ("various") or never mean a performer, so {@link #fromCsv} drops them.
   * Compared after {@link TextNormalizer#normalizeTerm}, so "[Unknown]", "V.A." etc. are covered.
   */
  public static final Set<String> PLACEHOLDER_ARTISTS =
      Set.of(
          "various artists", "various", "various artist", "various performers", "va", "v a",
          "unknown", "unknown artist", "unknown artists", "no artist", "anonymous",
          "soundtrack", "original soundtrack", "original motion picture soundtrack",
          "original cast", "original cast recording", "cast", "na", "n a", "none", "null");

  private static final String RESOURCE = "original-filters.json";

  private final List<CatalogEntry> entries;
  /** {@link #writeReplace}'s encoding, made once: entries never change. */
  private transient volatile byte[] compact;

  private Catalog(List<CatalogEntry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Serialised as one compact block, encoded once per catalog. Runners serialise a DoFn many times
   * while they translate a pipeline (Beam's Flink runner once per override check and per ParDo), and
   * Java's default form of a large catalog, one object graph of records and lists, is slow to write
   * each time (docs/benchmarks.md); the block costs a copy.
   */
  private Object writeReplace() {
    byte[] bytes = compact;
    if (bytes == null) {
      bytes = encode(entries);
      compact = bytes;
    }
    return new Compact(bytes);
  }

  private static byte[] encode(List<CatalogEntry> entries) {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream(entries.size() * 32);
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(buffer)) {
      out.writeInt(entries.size());
      for (CatalogEntry e : entries) {
        out.writeByte(e.tag().ordinal());
        writeText(out, e.value());
        out.writeInt(e.variants().size());
        for (String v : e.variants()) {
          writeText(out, v);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  private static void writeText(java.io.DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readText(java.io.DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** The serial form of a catalog: its entries, already deduplicated, as {@link #encode} wrote them. */
  private static final class Compact implements Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    Compact(byte[] bytes) {
      this.bytes = bytes;
    }

    private Object readResolve() throws java.io.ObjectStreamException {
      try (java.io.DataInputStream in =
          new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
        int n = in.readInt();
        List<CatalogEntry> entries = new ArrayList<>(n);
        Tag[] tags = Tag.values();
        for (int i = 0; i < n; i++) {
          Tag tag = tags[in.readByte()];
          String value = readText(in);
          int m = in.readInt();
          List<String> variants = new ArrayList<>(m);
          for (int j = 0; j < m; j++) {
            variants.add(readText(in));
          }
          entries.add(new CatalogEntry(tag, value, variants));
        }
        Catalog catalog = new Catalog(entries);
        catalog.compact = bytes;
        return catalog;
      } catch (IOException e) {
        java.io.InvalidObjectException bad = new java.io.InvalidObjectException("corrupt catalog block");
        bad.initCause(e);
        throw bad;
      }
    }
  }

  public static Catalog of(List<CatalogEntry> entries) {
    return new Catalog(dedupe(entries));
  }

  public List<CatalogEntry> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  /** This catalog's entries first, then the other's; duplicates merged. */
  public Catalog merge(Catalog other) {
    List<CatalogEntry> all = new ArrayList<>(entries);
    all.addAll(other.entries);
    return new Catalog(dedupe(all));
  }

  /** The six filters of the 2017 prototype, shipped as a resource so tests and demos share them. */
  public static Catalog original() {
    try (InputStream in = Catalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return fromFiltersJson(in, RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CatalogException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Chooses the reader by file extension: {@code .json} (filters format) or {@code .csv}. */
  public static Catalog load(Path path) throws CatalogException {
    String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    try {
      if (lower.endsWith(".json")) {
        try (InputStream in = Files.newInputStream(path)) {
          return fromFiltersJson(in, name);
        }
      } else if (lower.endsWith(".csv")) {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
          return fromCsv(r, name);
        }
      }
    } catch (IOException e) {
      throw new CatalogException(name + ": cannot read: " + e.getMessage(), e);
    }
    throw new CatalogException(name + ": unknown catalog type, expected .json or .csv");
  }

  /**
   * Reads the 2017 prototype's format as is: a JSON array of {@code {"tag":..,"value":..,
   * "match":[..]}}. {@code match} is optional; its spellings become variants. Elements are numbered
   * from 1 in error messages.
   */
  public static Catalog fromFiltersJson(InputStream in, String sourceName) throws CatalogException {
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
    return new Catalog(dedupe(out));
  }

  /**
   * Reads an RFC 4180 CSV whose header names (case-insensitive) include at least one of {@code
   * artist}, {@code album}, {@code track}; other columns are ignored, missing ones simply give no
   * entries of that kind (artist/track lists without albums exist). Every distinct non-blank cell
   * becomes one entry; {@link #PLACEHOLDER_ARTISTS} are skipped. A UTF-8 BOM is ignored. Rows must
   * have as many fields as the header, because a short row usually means broken quoting and
   * silently shifting columns would mislabel names.
   */
  public static Catalog fromCsv(Reader reader, String sourceName) throws CatalogException {
    CsvReader csv = new CsvReader(reader, sourceName);
    List<String> header = csv.next();
    if (header == null) {
      throw new CatalogException(sourceName + ": empty file, expected a header row");
    }
    if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
      header.set(0, header.get(0).substring(1));
    }
    int[] col = {-1, -1, -1};
    for (int i = 0; i < header.size(); i++) {
      String h = header.get(i).strip().toLowerCase(Locale.ROOT);
      for (Tag t : Tag.values()) {
        if (h.equals(t.label())) {
          if (col[t.ordinal()] >= 0) {
            throw new CatalogException(
                sourceName + " line 1: column '" + t.label() + "' appears twice");
          }
          col[t.ordinal()] = i;
        }
      }
    }
    if (col[0] < 0 && col[1] < 0 && col[2] < 0) {
      throw new CatalogException(
          sourceName + " line 1: header " + header + " has none of the columns artist, album, track");
    }
    Map<Key, CatalogEntry> seen = new LinkedHashMap<>();
    List<String> row;
    while ((row = csv.next()) != null) {
      if (row.size() == 1 && row.get(0).isEmpty()) {
        continue; // blank line
      }
      if (row.size() != header.size()) {
        throw new CatalogException(
            sourceName + " line " + csv.recordLine() + ": expected " + header.size()
                + " fields, found " + row.size());
      }
      for (Tag t : Tag.values()) {
        int c = col[t.ordinal()];
        if (c < 0) {
          continue;
        }
        String v = row.get(c).strip();
        if (v.isEmpty()) {
          continue;
        }
        String norm = TextNormalizer.normalizeTerm(v);
        if (t == Tag.ARTIST && (PLACEHOLDER_ARTISTS.contains(norm) || norm.isEmpty() && v.startsWith("["))) {
          continue;
        }
        seen.putIfAbsent(key(t, v, norm), new CatalogEntry(t, v));
      }
    }
    return new Catalog(new ArrayList<>(seen.values()));
  }

  private record Key(Tag tag, String norm) {}

  private static Key key(Tag t, String raw, String norm) {
    // names that normalise to nothing ("!!!") are still distinct catalog facts
    return new Key(t, norm.isEmpty() ? "\u0000" + raw.strip().toLowerCase(Locale.ROOT) : norm);
  }

  private static List<CatalogEntry> dedupe(List<CatalogEntry> in) {
    Map<Key, CatalogEntry> out = new LinkedHashMap<>();
    for (CatalogEntry e : in) {
      Key k = key(e.tag(), e.value(), TextNormalizer.normalizeTerm(e.value()));
      CatalogEntry prev = out.get(k);
      if (prev == null) {
        out.put(k, e);
      } else if (!e.variants().isEmpty()) {
        Set<String> vs = new LinkedHashSet<>(prev.variants());
        vs.addAll(e.variants());
        vs.remove(prev.value());
        out.put(k, new CatalogEntry(prev.tag(), prev.value(), new ArrayList<>(vs)));
      }
    }
    return new ArrayList<>(out.values());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Catalog c && c.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "Catalog[" + entries.size() + " entries]";
  }

  /** Minimal RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
  static final class CsvReader {
    private final Reader in;
    private final String source;
    private int line = 1; // line of the next char to read
    private int recordLine;
    private int pushback = -2;

    CsvReader(Reader in, String source) {
      this.in = in instanceof BufferedReader ? in : new BufferedReader(in);
      this.source = source;
    }

    /** Physical line on which the last returned record started. */
    int recordLine() {
      return recordLine;
    }

    private int read() throws IOException {
      if (pushback != -2) {
        int c = pushback;
        pushback = -2;
        return c;
      }
      return in.read();
    }

    /** Next record, or null at end of input. */
    List<String> next() throws CatalogException {
      try {
        int c = read();
        if (c == -1) {
          return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        while (true) {
          if (c == '"' && f.length() == 0) {
            int quoteLine = line;
            while (true) {
              c = read();
              if (c == -1) {
                throw new CatalogException(
                    source + " line " + quoteLine + ": unterminated quoted field");
              }
              if (c == '"') {
                c = read();
                if (c == '"') {
                  f.append('"');
                  continue;
                }
                break; // closing quote; c is the char after it
              }
              if (c == '\n') {
                line++;
              }
              f.append((char) c);
            }
            if (c != ',' && c != '\n' && c != '\r' && c != -1) {
              throw new CatalogException(
                  source + " line " + line + ": unexpected character '" + (char) c
                      + "' after closing quote");
            }
            continue;
          }
          if (c == ',') {
            fields.add(f.toString());
            f.setLength(0);
          } else if (c == '\r' || c == '\n' || c == -1) {
            if (c == '\r') {
              int d = read();
              if (d != '\n') {
                pushback = d;
              }
            }
            if (c != -1) {
              line++;
            }
            fields.add(f.toString());
            return fields;
          } else if (c == '"') {
            throw new CatalogException(
                source + " line " + line + ": quote inside an unquoted field");
          } else {
            f.append((char) c);
          }
          c = read();
        }
      } catch (IOException e) {
        throw new CatalogException(source + " line " + line + ": cannot read: " + e.getMessage(), e);
      }
    }
  }
}
