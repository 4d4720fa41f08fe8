package dev.linkwatch.core.unshorten;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {

  private static Optional<String> judge(String literal, boolean loopback, boolean priv) throws Exception {
    return AddressGuard.refusal(InetAddress.getByName(literal), loopback, priv);
  }

  @ParameterizedTest(name = "{0} refused as {1}")
  @CsvSource({
    "127.0.0.1, loopback",
    "127.255.255.254, loopback",
    "0.0.0.0, any-local",
    "0.1.2.3, this network",
    "169.254.169.254, link-local",
    "169.254.0.1, link-local",
    "10.0.0.1, private",
    "10.255.255.255, private",
    "172.16.0.1, private",
    "172.31.255.255, private",
    "192.168.1.1, private",
    "100.64.0.1, CGNAT",
    "100.127.255.255, CGNAT",
    "198.18.0.1, benchmarking",
    "192.0.0.8, IETF",
    "192.0.2.1, documentation",
    "198.51.100.7, documentation",
    "203.0.113.9, documentation",
    "224.0.0.1, multicast",
    "239.255.255.250, multicast",
    "240.0.0.1, reserved",
    "255.255.255.255, broadcast",
    "::1, loopback",
    "::, any-local",
    "fe80::1, link-local",
    "febf:ffff::1, link-local",
    "fc00::1, private",
    "fd12:3456::1, private",
    "fec0::1, private",
    "ff02::1, multicast",
    "ff05::2, multicast",
    "2001:db8::1, documentation",
    "100::1, discard-only",
    "::ffff:127.0.0.1, loopback",
    "::ffff:10.1.2.3, private",
    "::ffff:169.254.169.254, link-local",
    "::127.0.0.1, loopback",
    "::8.8.8.8, IPv4-compatible",
    "64:ff9b::7f00:1, loopback",
    "64:ff9b::a9fe:a9fe, link-local",
    "64:ff9b:1::c0a8:101, private",
    "2002:7f00:1::, loopback",
    "2002:a00:1::1, private",
  })
  void refusesSpecialRanges(String literal, String reasonPart) throws Exception {
    assertThat(judge(literal, false, false)).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .containsIgnoringCase(reasonPart);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1",
    "169.253.1.1", "192.169.0.1", "11.0.0.1", "126.255.255.255", "128.0.0.1", "223.255.255.255",
    "2606:4700:4700::1111", "2001:4860:4860::8888", "64:ff9b::808:808", "2002:808:808::1",
    "::ffff:8.8.8.8", "fbff::1", "fe00::1"
  })
  void acceptsPublicAddresses(String literal) throws Exception {
    assertThat(judge(literal, false, false)).isEmpty();
  }

  @Test
  void loopbackOnlyWhenAllowed() throws Exception {
    assertThat(judge("127.0.0.1", true, false)).isEmpty();
    assertThat(judge("::1", true, false)).isEmpty();
    assertThat(judge("::ffff:127.0.0.1", true, false)).isEmpty();
    assertThat(judge("10.0.0.1", true, false)).isPresent();
  }

  @Test
  void privateOnlyWhenAllowed() throws Exception {
    for (String a : new String[] {"10.0.0.1", "172.16.0.1", "192.168.0.1", "100.64.0.1", "fd00::1"}) {
      assertThat(judge(a, false, true)).as(a).isEmpty();
    }
    assertThat(judge("127.0.0.1", false, true)).isPresent();
  }

  @Test
  void neverAllowedEvenWithBothFlags() throws Exception {
    for (String a : new String[] {
        "169.254.169.254", "0.0.0.0", "::", "fe80::1", "224.0.0.1", "255.255.255.255", "ff02::1"}) {
      assertThat(judge(a, true, true)).as(a).isPresent();
    }
  }

  @Test
  void mappedAddressHeldAsInet6AddressIsJudgedAsIpv4() throws Exception {
    // InetAddress.getByName folds ::ffff:a.b.c.d into Inet4Address; a raw Inet6Address must too.
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 127;
    mapped[15] = 1;
    InetAddress a = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(a).isInstanceOf(Inet6Address.class);
    assertThat(AddressGuard.refusal(a, false, false)).get().asString().contains("loopback");
    assertThat(AddressGuard.refusal(a, true, false)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://0x7f.0.0.1/",
    "http://127.1/", "http://017700000001/", "http://134744072/", "http://08.8.8.8/",
    "http://1.2.3.4.5/"
  })
  void nonCanonicalNumericHostsAreRefusedWithoutLookup(String url) throws Exception {
    assertThat(AddressGuard.refusal(URI.create(url), true, true, false))
        .get().asString().contains("non-canonical numeric host");
  }

  @Test
  void numericHostReasonNamesDecodedAddress() throws Exception {
    assertThat(AddressGuard.refusal(URI.create("http://2130706433/"), false, false, true))
        .get().asString().contains("loopback");
    assertThat(AddressGuard.inetAton("0177.0.0.1")).containsExactly(127, 0, 0, 1);
    assertThat(AddressGuard.inetAton("0x7f.1")).containsExactly(127, 0, 0, 1);
    assertThat(AddressGuard.inetAton("4294967296")).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "http://127.0.0.1/, loopback",
    "http://[::1]:8080/, loopback",
    "http://[::ffff:127.0.0.1]/, loopback",
    "http://169.254.169.254/latest/meta-data/, link-local",
    "http://evil.com@127.0.0.1/, loopback",
    "http://127.0.0.1./, loopback",
    "http://user:pw@[fd00::1]/, private",
    "file:///etc/passwd, scheme 'file'",
    "gopher://example.com/, scheme 'gopher'",
    "ftp://example.com/, scheme 'ftp'",
    "//example.com/x, no scheme",
  })
  void urlLevelRefusals(String url, String reason) throws Exception {
    assertThat(AddressGuard.refusal(URI.create(url), false, false, false))
        .get().asString().contains(reason);
  }

  @Test
  void localhostNameIsResolvedAndRefused() throws Exception {
    assertThat(AddressGuard.refusal(URI.create("http://localhost:1/"), false, false, true))
        .get().asString().contains("loopback");
    // without lookup a host name is not judged (used for targets we never contact)
    assertThat(AddressGuard.refusal(URI.create("http://localhost:1/"), false, false, false)).isEmpty();
  }

  @Test
  void publicLiteralUrlsPass() throws Exception {
    assertThat(AddressGuard.refusal(URI.create("https://8.8.8.8/x"), false, false, true)).isEmpty();
    assertThat(AddressGuard.refusal(URI.create("http://[2606:4700::1]/"), false, false, true)).isEmpty();
  }

  @Test
  void hostOfUsesRealHostNotUserInfo() {
    assertThat(AddressGuard.hostOf(URI.create("http://evil.com@127.0.0.1/"))).isEqualTo("127.0.0.1");
    assertThat(AddressGuard.hostOf(URI.create("http://a:b@[::1]:80/"))).isEqualTo("::1");
    assertThat(AddressGuard.hostOf(URI.create("http://x@127.1:80/"))).isEqualTo("127.1");
    assertThat(AddressGuard.hostOf(URI.create("http://Bit.LY./abc"))).isEqualTo("bit.ly");
  }

  @Test
  void everyResolvedAddressOfANameIsJudgedNotJustTheFirst() throws Exception {
    URI uri = URI.create("http://multi.example/x");
    InetAddress pub = InetAddress.getByName("93.184.216.34");
    InetAddress lan = InetAddress.getByName("10.1.2.3");
    InetAddress lo6 = InetAddress.getByName("::1");
    assertThat(AddressGuard.refusal(uri, false, false, true, h -> new InetAddress[] {pub, lan}))
        .get().asString().isEqualTo("private address");
    assertThat(AddressGuard.refusal(uri, false, false, true, h -> new InetAddress[] {pub, pub, lo6}))
        .get().asString().isEqualTo("loopback address");
    assertThat(AddressGuard.refusal(uri, false, false, true, h -> new InetAddress[] {lan, pub}))
        .get().asString().isEqualTo("private address");
    assertThat(AddressGuard.refusal(uri, false, false, true, h -> new InetAddress[] {pub, pub})).isEmpty();
    // A resolver answering nothing is no licence to connect.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> AddressGuard.refusal(uri, false, false, true, h -> new InetAddress[0]))
        .isInstanceOf(java.net.UnknownHostException.class);
  }
}
