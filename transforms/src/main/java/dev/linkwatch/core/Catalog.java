package dev.linkwatch.core;

import java.io.IOException;
import java.io.InputStream;
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
 * spellings that normalise alike match alike; their explicit variants are merged. The files it is read
 * from have readers of their own: {@link CatalogJson} (the 2017 filters format) and {@link CatalogCsv}.
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

  /**
   * A name for this exact content: {@code c} and 16 hex digits of the SHA-256 of the entries in
   * order. Equal catalogs have equal versions wherever they were read from (a file, a topic), so a
   * reload that changes nothing is no new version; records name the version that judged them.
   */
  public String version() {
    byte[] bytes = compact;
    if (bytes == null) {
      bytes = encode(entries);
      compact = bytes;
    }
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
      return "c" + java.util.HexFormat.of().formatHex(digest, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
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
      return CatalogJson.read(in, RESOURCE);
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
          return CatalogJson.read(in, name);
        }
      } else if (lower.endsWith(".csv")) {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
          return CatalogCsv.read(r, name);
        }
      }
    } catch (IOException e) {
      throw new CatalogException(name + ": cannot read: " + e.getMessage(), e);
    }
    throw new CatalogException(name + ": unknown catalog type, expected .json or .csv");
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

}
