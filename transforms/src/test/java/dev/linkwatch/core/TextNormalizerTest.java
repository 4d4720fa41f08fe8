package dev.linkwatch.core;

import static dev.linkwatch.core.TextNormalizer.normalizeTerm;
import static dev.linkwatch.core.TextNormalizer.normalizeText;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {

  @Test
  void punctuationDroppedAndTokensJoinedBySingleSpaces() {
    assertThat(normalizeTerm("F.U.")).isEqualTo("f u");
    assertThat(normalizeTerm("Little Mix")).isEqualTo("little mix");
    assertThat(normalizeTerm("  Shout   Out -- To My Ex!! ")).isEqualTo("shout out to my ex");
    assertThat(normalizeTerm("#LittleMix")).isEqualTo("littlemix");
  }

  @Test
  void caseAndDiacriticsFolded() {
    assertThat(normalizeTerm("Beyoncé")).isEqualTo("beyonce");
    assertThat(normalizeTerm("Beyonce\u0301")).isEqualTo("beyonce"); // decomposed input
    assertThat(normalizeTerm("STRAßE")).isEqualTo("strasse");
    assertThat(normalizeTerm("Sigur Rós")).isEqualTo("sigur ros");
    assertThat(normalizeTerm("MØ")).isEqualTo("mo");
    assertThat(normalizeTerm("Motörhead")).isEqualTo("motorhead");
  }

  @Test
  void nfkcFoldsCompatibilityForms() {
    assertThat(normalizeTerm("ＬＩＴＴＬＥ　ＭＩＸ")).isEqualTo("little mix"); // full-width
    assertThat(normalizeTerm("ﬁre")).isEqualTo("fire"); // ligature
  }

  @Test
  void ampersandBecomesAnd() {
    assertThat(normalizeTerm("Down & Dirty")).isEqualTo("down and dirty");
    assertThat(normalizeTerm("R&B")).isEqualTo("r and b");
  }

  @Test
  void apostrophesAndCurlyQuotesRemovedInsideWords() {
    assertThat(normalizeTerm("Don't")).isEqualTo("dont");
    assertThat(normalizeTerm("Don\u2019t")).isEqualTo("dont");
    assertThat(normalizeTerm("\u201CTouch\u201D \u2013 live")).isEqualTo("touch live");
    assertThat(normalizeTerm("a\u2014b")).isEqualTo("a b");
    assertThat(normalizeTerm("Little Mix's")).isEqualTo("little mix s"); // possessive split off
    assertThat(normalizeTerm("It\u2019s")).isEqualTo("it s");
    assertThat(normalizeTerm("'s")).isEqualTo("s");
  }

  @Test
  void hangulAndKanaSurviveIntact() {
    assertThat(normalizeTerm("방탄소년단")).isEqualTo("방탄소년단");
    assertThat(normalizeTerm("がんばれ")).isEqualTo("がんばれ");
    assertThat(normalizeTerm("か\u3099")).isEqualTo("が"); // decomposed dakuten recomposed, kept
    assertThat(normalizeTerm("Живу")).isEqualTo("живу");
  }

  @Test
  void emojiSeparateTokensAndKeepOffsetsRight() {
    String s = "🔥방탄 Little😀Mix";
    NormalizedText nt = normalizeText(s);
    assertThat(nt.text()).isEqualTo("방탄 little mix");
    assertThat(normalizeTerm("\u2764\uFE0F Love 1\uFE0F\u20E3")).isEqualTo("love 1");
    int i = nt.text().indexOf("mix");
    assertThat(s.substring(nt.startOffsets()[i], nt.endOffsets()[i + 2])).isEqualTo("Mix");
    assertThat(s.substring(nt.startOffsets()[0], nt.endOffsets()[1])).isEqualTo("방탄");
  }

  @Test
  void emptyAndPunctuationOnly() {
    assertThat(normalizeTerm("")).isEmpty();
    assertThat(normalizeTerm("!!!")).isEmpty();
    assertThat(normalizeTerm(null)).isEmpty();
    assertThat(normalizeText("  ...  ").text()).isEmpty();
  }

  @Test
  void tweetTextDropsUrlsAndMentionsButKeepsHashtagWords() {
    assertThat(
            normalizeText(
                    "DOWNLOAD MP3: @LittleMix #GloryDays https://t.co/GloryDays www.touch.com x")
                .text())
        .isEqualTo("download mp3 glorydays x");
    assertThat(normalizeText("see https:\\/\\/t.co\\/abc now").text()).isEqualTo("see now");
    assertThat(normalizeText("HTTP://EXAMPLE.COM/Touch touch").text()).isEqualTo("touch");
    // not a mention or URL: e-mail local part and words starting with http
    assertThat(normalizeText("mail me@touch.com httpd").text()).isEqualTo("mail me touch com httpd");
  }

  @Test
  void termsKeepMentionsAndUrlsAsWords() {
    assertThat(normalizeTerm("@Touch")).isEqualTo("touch");
  }

  @Test
  void offsetsMapEveryNormalisedCharBackToTheOriginal() {
    String s = "Little Mix \u2013 F.U. Beyoncé & Straße";
    NormalizedText nt = normalizeText(s);
    assertThat(nt.text()).isEqualTo("little mix f u beyonce and strasse");
    assertThat(nt.startOffsets()).hasSize(nt.text().length());
    assertThat(nt.endOffsets()).hasSize(nt.text().length());
    int b = nt.text().indexOf("beyonce");
    assertThat(s.substring(nt.startOffsets()[b], nt.endOffsets()[b + 6])).isEqualTo("Beyoncé");
    int a = nt.text().indexOf("and");
    assertThat(s.substring(nt.startOffsets()[a], nt.endOffsets()[a + 2])).isEqualTo("&");
    int st = nt.text().indexOf("strasse");
    assertThat(s.substring(nt.startOffsets()[st], nt.endOffsets()[st + 6])).isEqualTo("Straße");
    int f = nt.text().indexOf("f u");
    assertThat(s.substring(nt.startOffsets()[f], nt.endOffsets()[f + 2])).isEqualTo("F.U");
    for (int i = 1; i < nt.text().length(); i++) {
      assertThat(nt.startOffsets()[i]).isGreaterThanOrEqualTo(nt.startOffsets()[i - 1]);
    }
  }

  @Test
  void termAndTextNormaliseAlike() {
    for (String s : new String[] {"Shout Out To My Ex", "F.U.", "Beyoncé", "Down & Dirty", "방탄"}) {
      assertThat(normalizeText(s).text()).isEqualTo(normalizeTerm(s));
    }
  }
}
