package dev.linkwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** `linkwatch dashboard` refuses bad settings at start with one line naming the option (exit 2). */
class DashboardCommandTest {
  @Test
  void helpNamesTheOptions() {
    CommandLineTest.Result r = CommandLineTest.run("dashboard", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Usage: linkwatch dashboard", "--port", "--host", "--consumerGroup", "--history");
  }

  @Test
  void badValuesAreOneLineUsageErrors() {
    for (String[] c : new String[][] {
        {"--port=70000", "linkwatch: --port must be 0 to 65535, was 70000"},
        {"--staleSeconds=0", "linkwatch: --staleSeconds must be at least 1, was 0"},
        {"--history=-5", "linkwatch: --history must be 0 or more, was -5"},
        {"--host=no-such-host.invalid", "linkwatch: --host no-such-host.invalid is not an address of this machine"}}) {
      CommandLineTest.Result r = CommandLineTest.run("dashboard", "--bootstrapServers=127.0.0.1:1", c[0]);
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err().strip()).isEqualTo(c[1]);
    }
  }

  @Test
  void aTakenPortIsAUsageErrorNamingPort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CommandLineTest.Result r =
          CommandLineTest.run("dashboard", "--bootstrapServers=127.0.0.1:1", "--port=" + taken.getLocalPort());
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).startsWith("linkwatch: --port " + taken.getLocalPort() + " on 127.0.0.1 cannot be used").contains("--port=0");
      assertThat(r.err().strip().lines()).hasSize(1);
    }
  }

  @Test
  void theDemoTakesNoDashboardAndAPort() {
    assertThat(CommandLineTest.run("demo", "--help").out()).contains("--no-dashboard", "--dashboardPort");
    CommandLineTest.Result r = CommandLineTest.run("demo", "--dashboardPort=-1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("linkwatch: --dashboardPort must be 0 to 65535, was -1");
  }

  @Test
  void theDemosRefuseABadOptionBeforeStartingABroker() {
    // Each ends at once with one line and starts nothing: no "starting a local Kafka broker".
    CommandLineTest.Result twice = CommandLineTest.run("demo", "--min-matches", "1", "--minMatches=3");
    assertThat(twice.code()).isEqualTo(2);
    assertThat(twice.out()).doesNotContain("broker");
    assertThat(twice.err().strip()).isEqualTo("linkwatch: option --minMatches is given more than once (1, then 3): give it once");

    CommandLineTest.Result own = CommandLineTest.run("demo", "--source=replay", "--bootstrap-servers=127.0.0.1:9");
    assertThat(own.code()).isEqualTo(2);
    assertThat(own.out()).doesNotContain("broker").doesNotContain("replaying");
    assertThat(own.err().strip()).isEqualTo(
        "linkwatch: the demo runs its own broker and topics: --bootstrapServers cannot be given to it"
            + " (./linkwatch run works with your own Kafka)");
  }
}
