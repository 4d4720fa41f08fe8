package dev.linkwatch.core;

import java.io.Serializable;
import java.util.List;

/**
 * Where a running job reads its catalog from, and re-reads it while it runs: files and directories
 * ({@link CatalogFiles}), a compacted Kafka topic ({@link CatalogTopic}) or a catalog fixed at start
 * ({@link #fixed}). A feed is configuration and travels to the workers inside the DoFn; each worker
 * JVM opens one {@link Reader} per feed ({@link LiveCatalog}).
 */
public interface CatalogFeed extends Serializable {

  /** Identity of the feed within one JVM: equal keys share one reader, one matcher, one thread. */
  String key();

  /** What a log line calls it (never a secret: client settings are not part of it). */
  String describe();

  /** Opens a stateful reader; called on the worker, once per JVM. */
  Reader open();

  /** Reads the feed's current content. Not thread-safe: one refresher thread calls it. */
  interface Reader extends AutoCloseable {
    /**
     * The catalog the feed holds now, or null when nothing changed since the last call (the first
     * call never returns null). A content that cannot be read throws, with a one-line message
     * naming the file or record; the caller keeps the previous catalog.
     */
    Catalog poll() throws CatalogException;

    @Override
    default void close() {}
  }

  /** A catalog that never changes (the job before issue 19, and the built-in catalogs). */
  static CatalogFeed fixed(Catalog catalog) {
    return new Fixed(catalog);
  }

  /** {@link #fixed}: read once. */
  record Fixed(Catalog catalog) implements CatalogFeed {
    @Override
    public String key() {
      return "fixed:" + catalog.version();
    }

    @Override
    public String describe() {
      return "a fixed catalog of " + catalog.size() + " entries";
    }

    @Override
    public Reader open() {
      boolean[] read = {false};
      return () -> {
        if (read[0]) {
          return null;
        }
        read[0] = true;
        return catalog;
      };
    }
  }

  /** Every entry of {@code catalogs}, merged in order; for feeds made of several parts. */
  static Catalog merge(List<Catalog> catalogs) {
    Catalog out = null;
    for (Catalog c : catalogs) {
      out = out == null ? c : out.merge(c);
    }
    return out == null ? Catalog.of(List.of()) : out;
  }
}
