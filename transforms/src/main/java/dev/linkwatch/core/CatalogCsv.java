package dev.linkwatch.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads a {@link Catalog} from a CSV file with artist, album and/or track columns. */
public final class CatalogCsv {
  private CatalogCsv() {}

  /**
   * Reads an RFC 4180 CSV whose header names (case-insensitive) include at least one of {@code
   * artist}, {@code album}, {@code track}; other columns are ignored, missing ones simply give no
   * entries of that kind (artist/track lists without albums exist). Every distinct non-blank cell
   * becomes one entry; {@link Catalog#PLACEHOLDER_ARTISTS} are skipped. A UTF-8 BOM is ignored. Rows must
   * have as many fields as the header, because a short row usually means broken quoting and
   * silently shifting columns would mislabel names.
   */
  public static Catalog read(Reader reader, String sourceName) throws CatalogException {
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
    List<CatalogEntry> entries = new ArrayList<>();
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
        if (t == Tag.ARTIST && (Catalog.PLACEHOLDER_ARTISTS.contains(norm) || norm.isEmpty() && v.startsWith("["))) {
          continue;
        }
        entries.add(new CatalogEntry(t, v));
      }
    }
    // Catalog.of keeps the first of the cells that normalise alike, as a reader should.
    return Catalog.of(entries);
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
