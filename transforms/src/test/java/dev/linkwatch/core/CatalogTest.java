package dev.linkwatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {

  private static Catalog csv(String s) throws CatalogException {
    return CatalogCsv.read(new StringReader(s), "t.csv");
  }

  private static Catalog json(String s) throws CatalogException {
    return CatalogJson.read(
        new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), "catalog.json");
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(CatalogTest.class.getResource("/catalog/" + name).toURI());
  }

  @Test
  void tagParseAndLabel() {
    assertThat(Tag.parse(" Album ")).isEqualTo(Tag.ALBUM);
    assertThat(Tag.TRACK.label()).isEqualTo("track");
    assertThatThrownBy(() -> Tag.parse("singer"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("singer");
  }

  @Test
  void originalSixFilters() {
    Catalog c = Catalog.original();
    assertThat(c.size()).isEqualTo(6);
    assertThat(c.entries().get(0)).isEqualTo(
        new CatalogEntry(Tag.ALBUM, "Glory Days", List.of("GloryDays")));
    assertThat(c.entries().get(1).variants()).containsExactly("LittleMix", "Litel Mixx");
    assertThat(c.entries()).extracting(CatalogEntry::value)
        .containsExactly("Glory Days", "Little Mix", "Shout Out To My Ex", "F.U.", "Touch", "Oops");
  }

  @Test
  void jsonErrorsNameFileAndElement() {
    assertThatThrownBy(() -> json("[{\"tag\":\"artist\",\"value\":\"A\"},{\"tag\":\"album\",\"value\":\"B\"},"
            + "{\"tag\":\"singer\",\"value\":\"C\"}]"))
        .isInstanceOf(CatalogException.class)
        .hasMessage("catalog.json element 3: tag 'singer' is not one of artist, album, track");
    assertThatThrownBy(() -> json("[{\"tag\":\"artist\"}]"))
        .hasMessageContaining("catalog.json element 1").hasMessageContaining("value");
    assertThatThrownBy(() -> json("[{\"tag\":\"artist\",\"value\":\"x\",\"match\":[1]}]"))
        .hasMessageContaining("element 1").hasMessageContaining("match[1]");
    assertThatThrownBy(() -> json("{\"tag\":\"artist\"}")).hasMessageContaining("array");
    assertThatThrownBy(() -> json("[{\"tag\":\"artist\",\n\"value\":}]"))
        .hasMessageStartingWith("catalog.json line 2");
  }

  @Test
  void csvQuotingEdgeCases() throws Exception {
    Catalog c = csv("Track,ignored,ARTIST,album\r\n"
        + "\"Hello, World\",x,\"Say \"\"Hi\"\"\",\"Multi\nLine\"\r\n"
        + "\"\",,AC/DC,\r\n"
        + "\n"
        + "Plain,\"a,b\",,Back In Black"); // no trailing newline
    assertThat(c.entries()).containsExactly(
        new CatalogEntry(Tag.ARTIST, "Say \"Hi\""),
        new CatalogEntry(Tag.ALBUM, "Multi\nLine"),
        new CatalogEntry(Tag.TRACK, "Hello, World"),
        new CatalogEntry(Tag.ARTIST, "AC/DC"),
        new CatalogEntry(Tag.ALBUM, "Back In Black"),
        new CatalogEntry(Tag.TRACK, "Plain"));
  }

  @Test
  void csvBomAndMissingOptionalColumns() throws Exception {
    Catalog c = csv("\uFEFFartist,track\nQueen,Bohemian Rhapsody\n");
    assertThat(c.size()).isEqualTo(2);
  }

  @Test
  void csvDedupesAfterNormalisationAndSkipsBlanksAndPlaceholders() throws Exception {
    Catalog c = csv("artist,album,track\n"
        + "Various Artists,Now 1,Touch\n"
        + "various artists,Now 2,TOUCH\n"
        + "[unknown],  ,Touch!\n"
        + "V.A.,Now 1,Oops\n"
        + "Unknown Artist,Now 3,\n"
        + "Soundtrack,Now 3,x\n"
        + "Beyoncé,Lemonade,Sorry\n"
        + "BEYONCE,Lemonade,Hold Up\n");
    assertThat(c.entries()).extracting(CatalogEntry::value)
        .containsExactly("Now 1", "Touch", "Now 2", "Oops", "Now 3", "x", "Beyoncé", "Lemonade",
            "Sorry", "Hold Up");
    assertThat(c.entries()).noneMatch(e -> e.tag() == Tag.ARTIST && !e.value().equals("Beyoncé"));
  }

  @Test
  void csvErrorsNameFileAndLine() {
    assertThatThrownBy(() -> csv("artist,album,track\nA,B,C\nA,B\n"))
        .isInstanceOf(CatalogException.class)
        .hasMessage("t.csv line 3: expected 3 fields, found 2");
    assertThatThrownBy(() -> csv("artist,album,track\nA,B,C\n\"open,B,C\n"))
        .hasMessage("t.csv line 3: unterminated quoted field");
    assertThatThrownBy(() -> csv("artist,album,track\nA,\"B\"x,C\n"))
        .hasMessageStartingWith("t.csv line 2: unexpected character 'x'");
    assertThatThrownBy(() -> csv("name,year\nA,1\n")).hasMessageStartingWith("t.csv line 1:");
    assertThatThrownBy(() -> csv("")).hasMessageStartingWith("t.csv");
  }

  @Test
  void csvLineNumbersCountNewlinesInsideQuotes() {
    assertThatThrownBy(() -> csv("artist,album,track\n\"A\nB\",x,y\nA,B\n"))
        .hasMessage("t.csv line 4: expected 3 fields, found 2");
  }

  @Test
  void mergeAndOfDedupeMergingVariants() {
    Catalog a = Catalog.of(List.of(new CatalogEntry(Tag.ARTIST, "Little Mix", List.of("LittleMix"))));
    Catalog b = Catalog.of(List.of(
        new CatalogEntry(Tag.ARTIST, "LITTLE MIX", List.of("Litel Mixx")),
        new CatalogEntry(Tag.TRACK, "Little Mix")));
    Catalog m = a.merge(b);
    assertThat(m.entries()).containsExactly(
        new CatalogEntry(Tag.ARTIST, "Little Mix", List.of("LittleMix", "Litel Mixx")),
        new CatalogEntry(Tag.TRACK, "Little Mix"));
  }

  @Test
  void realCatalogsLoad() throws Exception {
    Catalog lm = Catalog.load(resource("little_mix_glory_days.csv"));
    assertThat(lm.size()).isEqualTo(1 + 1 + 14);
    Catalog chinook = Catalog.load(resource("chinook_tracks.csv"));
    // README: 198 artists (one is "Various Artists"), 335 albums, 3,044 titles ignoring case;
    // normalisation merges a few more spellings, so only bounds are asserted.
    assertThat(chinook.entries()).filteredOn(e -> e.tag() == Tag.ARTIST).hasSize(197);
    assertThat(chinook.entries()).filteredOn(e -> e.tag() == Tag.ALBUM).hasSizeBetween(320, 335);
    assertThat(chinook.entries()).filteredOn(e -> e.tag() == Tag.TRACK).hasSizeBetween(2950, 3044);
    assertThat(chinook.entries()).noneMatch(e -> e.value().equals("Various Artists"));
    Catalog spotify = Catalog.load(resource("spotify_songs_tidytuesday.csv"));
    assertThat(spotify.size()).isGreaterThan(45_000);
    assertThat(spotify.entries()).contains(new CatalogEntry(Tag.ARTIST, "Little Mix"));
  }

  @Test
  void loadRejectsUnknownExtension(@TempDir Path dir) throws Exception {
    Path p = dir.resolve("c.txt");
    Files.writeString(p, "x");
    assertThatThrownBy(() -> Catalog.load(p)).hasMessageContaining("c.txt");
    Path j = dir.resolve("c.JSON");
    Files.writeString(j, "[{\"tag\":\"track\",\"value\":\"Touch\"}]");
    assertThat(Catalog.load(j).size()).isEqualTo(1);
  }

  @Test
  void catalogIsSerializable() throws Exception {
    Catalog c = Catalog.original();
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
      out.writeObject(c);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(c);
    }
  }

  @Test
  void largeCatalogSurvivesSerialisationWithOrderVariantsAndUnicode() throws Exception {
    List<CatalogEntry> entries = new java.util.ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      entries.add(
          new CatalogEntry(
              Tag.values()[i % 3], "Beyonc\u00e9 \u5c11\u5973\u6642\u4ee3 " + i, List.of("alt " + i, "B" + i + "!")));
    }
    Catalog c = Catalog.of(entries);
    byte[] once = serialise(c);
    Catalog back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(once))) {
      back = (Catalog) in.readObject();
    }
    assertThat(back).isEqualTo(c);
    assertThat(back.entries()).containsExactlyElementsOf(c.entries());
    // A decoded catalog writes the same block again, and can itself be decoded.
    assertThat(serialise(back)).isEqualTo(once);
  }

  private static byte[] serialise(Object o) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
      out.writeObject(o);
    }
    return bos.toByteArray();
  }
}
