package dev.linkwatch.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Catalog files and directories, re-read when they change. A directory stands for the {@code .json}
 * and {@code .csv} files directly in it, in name order, so dropping a file in or removing one is an
 * update. A change is noticed by size and modification time (a cheap stat per poll); the files are
 * then read whole and merged after {@code fixedPart} (built-in catalogs named beside them), and the
 * result is a new version only if its content differs ({@link Catalog#version}).
 *
 * <p>Write updates atomically (write a temporary file, then rename it over the old one): a reader
 * that catches a half-written file refuses it as malformed and the next poll reads it again once
 * its size or time changes.
 */
public record CatalogFiles(List<String> paths, Catalog fixedPart) implements CatalogFeed {

  public CatalogFiles {
    paths = List.copyOf(paths);
  }

  @Override
  public String key() {
    return "files:" + String.join(",", paths) + (fixedPart == null ? "" : "+" + fixedPart.version());
  }

  @Override
  public String describe() {
    return "catalog files " + paths;
  }

  @Override
  public Reader open() {
    return new Reader() {
      private List<String> seen;

      @Override
      public Catalog poll() throws CatalogException {
        List<Path> files = files();
        List<String> stamp = new ArrayList<>();
        for (Path f : files) {
          try {
            stamp.add(f + "|" + Files.size(f) + "|" + Files.getLastModifiedTime(f).toMillis());
          } catch (IOException e) {
            throw new CatalogException(f + ": cannot read: " + e.getMessage(), e);
          }
        }
        if (stamp.equals(seen)) {
          return null;
        }
        // Remembered before parsing: a refused content is refused once, and read again when it
        // changes (a half-written file is finished by a later write, which changes its stamp).
        seen = stamp;
        List<Catalog> parts = new ArrayList<>();
        if (fixedPart != null) {
          parts.add(fixedPart);
        }
        for (Path f : files) {
          parts.add(Catalog.load(f));
        }
        return CatalogFeed.merge(parts);
      }
    };
  }

  /** The files named, directories expanded; a missing one is an error naming it. */
  public List<Path> files() throws CatalogException {
    List<Path> out = new ArrayList<>();
    for (String p : paths) {
      Path path = Path.of(p);
      if (Files.isDirectory(path)) {
        try (Stream<Path> in = Files.list(path)) {
          in.filter(Files::isRegularFile)
              .filter(f -> isCatalogFile(f.getFileName().toString()))
              .sorted()
              .forEach(out::add);
        } catch (IOException e) {
          throw new CatalogException(p + ": cannot list the directory: " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(path)) {
        out.add(path);
      } else {
        throw new CatalogException(p + ": no such file or directory");
      }
    }
    return out;
  }

  private static boolean isCatalogFile(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return !lower.startsWith(".") && (lower.endsWith(".json") || lower.endsWith(".csv"));
  }
}
