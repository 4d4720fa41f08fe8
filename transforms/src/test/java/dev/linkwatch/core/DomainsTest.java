package dev.linkwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Host and registrable-domain extraction against the PSL and tldextract vectors. */
class DomainsTest {

  private static final Pattern CHECK =
      Pattern.compile("^checkPublicSuffix\\((null|'[^']*'), (null|'[^']*')\\);");

  /**
   * PSL vectors our answer deliberately or unavoidably differs on. Empty today: if Guava's bundled
   * list lags the file, list such inputs here with the reason, and keep asserting the rest.
   */
  private static final Map<String, String> PSL_KNOWN_EXCEPTIONS = Map.of();

  private static String unquote(String s) {
    return s.equals("null") ? null : s.substring(1, s.length() - 1);
  }

  /** The PSL vectors use Unicode; we answer in punycode, so compare in punycode. */
  private static String ascii(String s) {
    return s == null ? null : IDN.toASCII(s, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
  }

  @Test
  void publicSuffixListVectors() {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (String line : TweetFixtures.textLines("/vectors/test_psl.txt")) {
      Matcher m = CHECK.matcher(line.strip());
      if (!m.find()) {
        continue;
      }
      String input = unquote(m.group(1));
      String expected = unquote(m.group(2));
      if (input != null && PSL_KNOWN_EXCEPTIONS.containsKey(input)) {
        continue;
      }
      checked++;
      String actual = Domains.primaryDomain(input);
      if (!java.util.Objects.equals(actual, ascii(expected))) {
        failures.add(input + " -> " + actual + " (expected " + expected + ")");
      }
    }
    // 82 calls in the file, 4 of them commented out there (the "local" TLD).
    assertThat(checked).isEqualTo(78 - PSL_KNOWN_EXCEPTIONS.size());
    assertThat(failures).isEmpty();
  }

  /** tldextract cases as rows: test, url, fqdn, subdomain, domain, suffix, registered, ipv4, ipv6, mode. */
  private static List<String[]> tldextractRows() {
    List<String> lines = TweetFixtures.textLines("/vectors/tldextract_main_test_vectors.tsv");
    List<String[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      f[1] = f[1].replace("\\n", "\n").replace("\\r", "\r");
      rows.add(f);
    }
    return rows;
  }

  /** Where tldextract's answer is not ours, by design. */
  private static final Set<String> TLDEXTRACT_HOST_EXCEPTIONS =
      Set.of(
          // A host with a control character is no host to us; tldextract splits it as a label.
          "1.1.1.1\ncom",
          "1.1.1.1\rcom");

  @Test
  void tldextractHosts() {
    List<String> failures = new ArrayList<>();
    List<String[]> rows = tldextractRows();
    assertThat(rows).hasSize(74);
    for (String[] f : rows) {
      String url = f[1];
      String expected;
      if (TLDEXTRACT_HOST_EXCEPTIONS.contains(url)) {
        expected = null;
      } else if (!f[7].isEmpty()) {
        expected = f[7];
      } else if (!f[8].isEmpty()) {
        expected = f[8].toLowerCase(Locale.ROOT);
      } else {
        List<String> parts = new ArrayList<>();
        for (int i = 3; i <= 5; i++) {
          if (!f[i].isEmpty()) {
            parts.add(f[i]);
          }
        }
        expected = parts.isEmpty() ? null : asciiLabels(String.join(".", parts));
      }
      String actual = Domains.host(url);
      if (!java.util.Objects.equals(actual, expected)) {
        failures.add(f[0] + ": " + url + " -> " + actual + " (expected " + expected + ")");
      }
    }
    assertThat(failures).isEmpty();
  }

  /** tldextract answers ICANN-only; with the private section these differ (our semantics win). */
  private static final Map<String, String> TLDEXTRACT_REGISTERED_EXCEPTIONS =
      Map.of("angelinablog。com.de", "angelinablog.com.de"); // com.de is a PRIVATE-section suffix

  @Test
  void tldextractRegisteredDomains() {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (String[] f : tldextractRows()) {
      String url = f[1];
      String host = Domains.host(url);
      if (host == null) {
        continue;
      }
      String expected;
      if (TLDEXTRACT_REGISTERED_EXCEPTIONS.containsKey(url)) {
        expected = TLDEXTRACT_REGISTERED_EXCEPTIONS.get(url);
      } else if (!f[7].isEmpty() || !f[8].isEmpty()) {
        expected = host; // IP literals are their own primary domain
      } else if (!f[6].isEmpty()) {
        expected = asciiLabels(f[6]);
      } else if (!f[5].isEmpty()) {
        expected = null; // the host is itself a public suffix
      } else {
        // tldextract gives no suffix for an unknown TLD; the PSL default rule "*" does.
        String[] labels = host.split("\\.");
        int n = labels.length;
        expected = n >= 2 ? labels[n - 2] + "." + labels[n - 1] : null;
      }
      checked++;
      String actual = Domains.primaryDomain(host);
      if (!java.util.Objects.equals(actual, expected)) {
        failures.add(url + " -> " + host + " -> " + actual + " (expected " + expected + ")");
      }
    }
    assertThat(checked).isGreaterThan(60);
    assertThat(failures).isEmpty();
  }

  private static String asciiLabels(String host) {
    StringBuilder out = new StringBuilder();
    for (String label : host.replace('\u3002', '.').split("\\.", -1)) {
      if (out.length() > 0) {
        out.append('.');
      }
      String a;
      try {
        a = IDN.toASCII(label, IDN.ALLOW_UNASSIGNED);
      } catch (IllegalArgumentException e) {
        a = label;
      }
      out.append(a.toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "NULL",
      value = {
        "https://open.spotify.com/album/1?si=x, open.spotify.com",
        "HTTP://WWW.Example.COM:8080/a?b#c, www.example.com",
        "www.example.com., www.example.com",
        "http://user:pw@evil.example@good.example/, good.example",
        "http://evil.example\\@good.example/, evil.example",
        "http://[2001:DB8::1]:443/x, 2001:db8::1",
        "http://[not-an-ip]/, NULL",
        "http://münchen.de/, xn--mnchen-3ya.de",
        "https://t.co/C30c4Fel4u, t.co",
        "'', NULL",
        "NULL, NULL",
        "'http://exa mple.com', NULL",
        "itun.es/i6Lf3pX, itun.es",
        // A scheme without an authority names no host: not a site to count or to whitelist.
        "javascript:window.__pwned=3, NULL",
        "JavaScript:alert(1)//example.com, NULL",
        "mailto:someone@example.com, NULL",
        "'data:text/html;base64,PHNjcmlwdD4=', NULL",
        // A host with a port and no scheme is still a host.
        "localhost:8080/x, localhost",
        "example.com:443, example.com",
      })
  void hostExamples(String url, String host) {
    assertThat(Domains.host(url)).isEqualTo(host);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "NULL",
      value = {
        "news.bbc.co.uk, bbc.co.uk",
        "www36.foobar.com, foobar.com",
        "foo.blogspot.com, foo.blogspot.com",
        "a.b.foo.blogspot.com, foo.blogspot.com",
        "blogspot.com, NULL",
        "co.uk, NULL",
        "WWW.Example.COM., example.com",
        "192.168.0.1, 192.168.0.1",
        "2001:db8::1, 2001:db8::1",
        "[2001:db8::1], 2001:db8::1",
        "host.unknowntld, host.unknowntld",
        "a.b.host.unknowntld, host.unknowntld",
        "localhost, NULL",
        "xn--&.so-net.com, so-net.com",
        "my_site.example.com, example.com",
        "NULL, NULL",
      })
  void primaryDomainExamples(String host, String primary) {
    assertThat(Domains.primaryDomain(host)).isEqualTo(primary);
  }

  @Test
  void urlInfo() {
    assertThat(UrlInfo.of("https://open.spotify.com/track/1"))
        .isEqualTo(new UrlInfo("https://open.spotify.com/track/1", "open.spotify.com", "spotify.com"));
    assertThat(UrlInfo.of("not a url")).isEqualTo(new UrlInfo("not a url", null, null));
  }
}
