package dev.linkwatch.dashboard;

import java.util.List;

/**
 * RFC 4180 CSV for the domain evidence export, written so that a spreadsheet opens it as data.
 *
 * <p>Every cell is quoted (a quote inside is doubled), so commas, quotes and line breaks in a post
 * stay inside their cell; rows end with CRLF. A cell that a spreadsheet would read as a formula
 * (first character {@code = + - @}, tab or carriage return) gets a leading apostrophe, as OWASP's
 * advice on CSV injection says: the post text and URLs are hostile input, and the file goes to
 * people who open it in a spreadsheet.
 */
public final class EvidenceCsv {
  private EvidenceCsv() {}

  /** One row: every cell quoted, formula starts defused, CRLF at the end. */
  public static String row(List<String> cells) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      line.append(cell(cells.get(i)));
    }
    return line.append("\r\n").toString();
  }

  /** One quoted cell; null becomes an empty cell. */
  static String cell(String value) {
    String v = value == null ? "" : value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    return '"' + v.replace("\"", "\"\"") + '"';
  }
}
