package dev.linkwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TermMatcherTest {

  private static final TermMatcher ORIGINAL = TermMatcher.build(Catalog.original(), false);

  private static TermMatcher matcher(boolean fuzzy, CatalogEntry... es) {
    return TermMatcher.build(Catalog.of(List.of(es)), fuzzy);
  }

  private static CatalogEntry artist(String v, String... variants) {
    return new CatalogEntry(Tag.ARTIST, v, List.of(variants));
  }

  private static CatalogEntry album(String v) {
    return new CatalogEntry(Tag.ALBUM, v);
  }

  private static CatalogEntry track(String v) {
    return new CatalogEntry(Tag.TRACK, v);
  }

  private static List<String> matched(MatchResult r, String text) {
    List<String> out = new ArrayList<>();
    for (Hit h : r.hits()) {
      out.add(h.tag().label() + ":" + h.value() + "@" + text.substring(h.start(), h.end()));
    }
    return out;
  }

  @Test
  void seedExampleOne() {
    String text = "DOWNLOAD MP3: Little Mix \u2013 Shout Out To My Ex (CDQ) Track "
        + "https://t.co/C30c4Fel4u https://t.co/wJjyG4cdjE";
    MatchResult r = ORIGINAL.match(text);
    assertThat(matched(r, text)).containsExactly(
        "artist:Little Mix@Little Mix", "track:Shout Out To My Ex@Shout Out To My Ex");
    assertThat(r.values(Tag.ARTIST)).containsExactly("Little Mix");
    assertThat(r.values(Tag.TRACK)).containsExactly("Shout Out To My Ex");
    assertThat(r.spanCount()).isEqualTo(2);
    assertThat(r.distinctEntries()).isEqualTo(2);
  }

  @Test
  void seedExampleTwo() {
    String text = "DOWNLOAD MP3: Litel Mixx #GloryDays https://t.co/wJjyG4cdjE";
    MatchResult r = ORIGINAL.match(text);
    assertThat(r.values(Tag.ALBUM)).containsExactly("Glory Days");
    assertThat(r.values(Tag.ARTIST)).containsExactly("Little Mix");
    assertThat(matched(r, text)).containsExactly(
        "artist:Little Mix@Litel Mixx", "album:Glory Days@GloryDays");
    assertThat(r.hits().get(0).variant()).isEqualTo("Litel Mixx");
    assertThat(r.spanCount()).isEqualTo(2);
  }

  @Test
  void automaticVariantsJoinedAndPunctuationDropped() {
    TermMatcher m = matcher(false, artist("Little Mix"), track("F.U."), artist("Beyoncé"),
        track("Down & Dirty"));
    assertThat(m.match("#LittleMix").values(Tag.ARTIST)).containsExactly("Little Mix");
    assertThat(m.match("LITTLEMIX").hits().get(0).variant()).isEqualTo("littlemix");
    assertThat(m.match("little   MIX").hits().get(0).variant()).isEqualTo("Little Mix");
    for (String fu : new String[] {"F.U.", "F.U", "f u", "FU", "#FU"}) {
      assertThat(m.match("new " + fu + " out").values(Tag.TRACK)).as(fu).containsExactly("F.U.");
    }
    assertThat(m.match("BEYONCE").values(Tag.ARTIST)).containsExactly("Beyoncé");
    assertThat(m.match("down and dirty").values(Tag.TRACK)).containsExactly("Down & Dirty");
    assertThat(m.match("Down&Dirty").values(Tag.TRACK)).containsExactly("Down & Dirty");
  }

  @Test
  void matchesOnlyAtTokenBoundaries() {
    TermMatcher m = matcher(false, track("Touch"), track("FU"), artist("Mix"));
    assertThat(m.match("what a touchdown").hits()).isEmpty();
    assertThat(m.match("retouch").hits()).isEmpty();
    assertThat(m.match("so much FUN").hits()).isEmpty();
    assertThat(m.match("remix").hits()).isEmpty();
    assertThat(m.match("touch-down").values(Tag.TRACK)).containsExactly("Touch");
    assertThat(m.match("FU!").values(Tag.TRACK)).containsExactly("FU");
  }

  @Test
  void overlapsResolveToLongest() {
    TermMatcher m = matcher(false, artist("Mix"), artist("Little Mix"), track("Little"));
    String text = "new little mix song";
    assertThat(matched(m.match(text), text)).containsExactly("artist:Little Mix@little mix");
    TermMatcher m2 = matcher(false, track("Shout Out"), track("Out To My Ex"),
        track("Shout Out To My Ex"));
    assertThat(m2.match("Shout Out To My Ex").values(Tag.TRACK))
        .containsExactly("Shout Out To My Ex");
    // partial overlap of two different names: the longer wins
    TermMatcher m3 = matcher(false, track("Glory Days"), track("Days Of Thunder Road"));
    assertThat(m3.match("glory days of thunder road").values(Tag.TRACK))
        .containsExactly("Days Of Thunder Road");
  }

  @Test
  void sharedTitleSingleCountsOnceButListsBothEntries() {
    TermMatcher m = matcher(false, album("Touch"), track("Touch"), artist("Little Mix"));
    MatchResult r = m.match("Touch (CDQ) mp3");
    assertThat(r.hits()).hasSize(2);
    assertThat(r.tags()).containsExactly(Tag.ALBUM, Tag.TRACK);
    assertThat(r.spanCount()).isEqualTo(1);
    assertThat(r.distinctEntries()).isEqualTo(2);
    assertThat(m.match("Touch touch TOUCH").spanCount()).isEqualTo(1);
    assertThat(m.match("Little Mix - Touch").spanCount()).isEqualTo(2);
  }

  @Test
  void mentionsAndUrlsAreNotSearched() {
    MatchResult r = ORIGINAL.match("@LittleMix new https://example.com/GloryDays/Touch www.oops.com");
    assertThat(r.hits()).isEmpty();
    assertThat(ORIGINAL.match("cc @LittleMix: #LittleMix Touch").spanCount()).isEqualTo(2);
  }

  @Test
  void hangulAndEmojiSurviveWithOffsetsIntoOriginal() {
    TermMatcher m = matcher(false, artist("방탄소년단"), track("봄날"), artist("Little Mix"));
    String text = "🔥🔥 방탄소년단 - 봄날 😀 Little😀Mix";
    MatchResult r = m.match(text);
    assertThat(matched(r, text)).containsExactly(
        "artist:방탄소년단@방탄소년단", "track:봄날@봄날", "artist:Little Mix@Little😀Mix");
  }

  @Test
  void offsetsPointAtOriginalText() {
    String text = "Ｌｉｔｔｌｅ Mix\u2019s “F.U.” — Beyoncé";
    TermMatcher m = matcher(false, artist("Little Mix"), track("F.U."), artist("Beyonce"));
    MatchResult r = m.match(text);
    assertThat(matched(r, text)).containsExactly(
        "artist:Little Mix@Ｌｉｔｔｌｅ Mix", "track:F.U.@F.U", "artist:Beyonce@Beyoncé");
    MatchResult r2 = m.match("Ｌｉｔｔｌｅ Mix");
    assertThat(r2.hits().get(0).start()).isZero();
    assertThat(r2.hits().get(0).end()).isEqualTo(10);
  }

  @Test
  void possessiveAndApostropheSpellings() {
    TermMatcher m = matcher(false, artist("Little Mix"), album("Sgt. Pepper's Lonely Hearts"),
        track("Don't Stop Me Now"));
    assertThat(m.match("Little Mix's new single").values(Tag.ARTIST)).containsExactly("Little Mix");
    assertThat(m.match("Little Mix’s new single").values(Tag.ARTIST))
        .containsExactly("Little Mix");
    for (String s : new String[] {"Sgt Pepper's Lonely Hearts", "sgt peppers lonely hearts",
        "SGT. PEPPER’S LONELY HEARTS"}) {
      assertThat(m.match(s).values(Tag.ALBUM)).as(s).containsExactly("Sgt. Pepper's Lonely Hearts");
    }
    assertThat(m.match("dont stop me now").values(Tag.TRACK)).containsExactly("Don't Stop Me Now");
    assertThat(m.match("Don’t Stop Me Now").values(Tag.TRACK))
        .containsExactly("Don't Stop Me Now");
  }

  @Test
  void emptyAndUselessTermsAreSkipped() {
    TermMatcher m = matcher(false, artist("!!!"), track("A"), track("..."));
    assertThat(m.match("!!! ... ").hits()).isEmpty();
    assertThat(m.match("a").values(Tag.TRACK)).containsExactly("A"); // one char: whole token only
    assertThat(m.match("abc").hits()).isEmpty();
    assertThat(m.match("").hits()).isEmpty();
  }

  @Test
  void fuzzyOffByDefaultAndOnFindsEditDistanceOne() {
    CatalogEntry lm = artist("Little Mix");
    TermMatcher exact = matcher(false, lm, track("Touch"));
    TermMatcher fuzzy = matcher(true, lm, track("Touch"));
    for (String typo : new String[] {"Litle Mix", "Litlle Mix", "Little Mixx", "Lxttle Mix",
        "Litlemix", "#LitleMix", "Little Mi x"}) {
      assertThat(exact.match(typo).hits()).as(typo).isEmpty();
      MatchResult r = fuzzy.match("new " + typo + " leak");
      assertThat(r.values(Tag.ARTIST)).as(typo).containsExactly("Little Mix");
      assertThat(("new " + typo + " leak").substring(r.hits().get(0).start(), r.hits().get(0).end()))
          .isEqualTo(typo.replace("#", "")); // the # is not part of the name
    }
    // distance 2, transposition, and short names stay exact
    for (String miss : new String[] {"Litel Mixx", "Littel Mix", "Ltitle Mix", "Lite Mi", "Tuch", "Touchh"}) {
      assertThat(fuzzy.match(miss).hits()).as(miss).isEmpty();
    }
    assertThat(fuzzy.match("Little Mix").hits().get(0).variant()).isEqualTo("Little Mix");
  }

  @Test
  void fuzzyStillRespectsBoundariesAndLongestMatch() {
    TermMatcher fuzzy = matcher(true, artist("Little Mix"), track("Glory Days"));
    assertThat(fuzzy.match("xxlittle mix").hits()).isEmpty();
    assertThat(fuzzy.match("little mixing").hits()).isEmpty();
    String text = "Little Mix Glory Days";
    assertThat(matched(fuzzy.match(text), text)).containsExactly(
        "artist:Little Mix@Little Mix", "track:Glory Days@Glory Days");
  }

  @Test
  void realCatalogSmoke() throws Exception {
    Catalog c = Catalog.load(java.nio.file.Path.of(
        TermMatcherTest.class.getResource("/catalog/spotify_songs_tidytuesday.csv").toURI()));
    TermMatcher m = TermMatcher.build(c, false);
    String text = "DOWNLOAD MP3: Little Mix \u2013 Shout Out To My Ex (CDQ) https://t.co/x";
    MatchResult r = m.match(text);
    assertThat(r.values(Tag.ARTIST)).contains("Little Mix");
    assertThat(r.values(Tag.TRACK)).contains("Shout Out to My Ex");
    assertThat(r.spanCount()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void matcherIsThreadSafeAndSerializable() throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
      out.writeObject(ORIGINAL);
    }
    TermMatcher copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
      copy = (TermMatcher) in.readObject();
    }
    String text = "Little Mix Touch";
    ExecutorService ex = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        fs.add(ex.submit(() -> {
          int n = 0;
          for (int k = 0; k < 2000; k++) {
            n += copy.match(text).spanCount();
          }
          return n;
        }));
      }
      for (Future<Integer> f : fs) {
        assertThat(f.get()).isEqualTo(4000);
      }
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void within1() {
    assertThat(TermMatcher.within1("xabcx", 1, 4, "abc")).isTrue();
    assertThat(TermMatcher.within1("abd", 0, 3, "abc")).isTrue();
    assertThat(TermMatcher.within1("ab", 0, 2, "abc")).isTrue();
    assertThat(TermMatcher.within1("abcd", 0, 4, "abc")).isTrue();
    assertThat(TermMatcher.within1("bac", 0, 3, "abc")).isFalse();
    assertThat(TermMatcher.within1("a", 0, 1, "abc")).isFalse();
  }
}
