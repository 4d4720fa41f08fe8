package dev.linkwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LocalKafkaIT {

  @Test
  void closeStopsTheProcessDeletesTheScratchDirAndFreesThePorts() throws Exception {
    LocalKafka kafka = LocalKafka.start();
    long pid = kafka.pid();
    Path dir = kafka.dataDir();
    int port = Integer.parseInt(kafka.bootstrapServers().substring("127.0.0.1:".length()));
    int controllerPort = kafka.controllerPort();
    assertThat(kafka.isAlive()).isTrue();
    assertThat(LocalKafka.runningPid(dir)).contains(pid);
    assertThat(kafka.logFile()).exists();

    kafka.close();
    kafka.close(); // idempotent

    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(kafka.isAlive()).isFalse();
    assertThat(dir).doesNotExist();
    for (int p : new int[] {port, controllerPort}) {
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
        assertThat(s.getLocalPort()).isEqualTo(p);
      }
    }
  }

  @Test
  void aBrokerOutlivesNoSigkilledParent() throws Exception {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process parent = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        KafkaChildMain.class.getName())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    long brokerPid = -1;
    Path dir = null;
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((brokerPid < 0 || dir == null) && (line = out.readLine()) != null) {
        if (line.startsWith("BROKER_PID ")) {
          brokerPid = Long.parseLong(line.substring(11).trim());
        } else if (line.startsWith("BROKER_DIR ")) {
          dir = Path.of(line.substring(11).trim());
        }
      }
      assertThat(brokerPid).as("broker pid printed by the parent JVM").isPositive();
      ProcessHandle broker = ProcessHandle.of(brokerPid).orElseThrow();
      assertThat(broker.isAlive()).isTrue();

      parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();

      assertThat(broker.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).get())
          .as("broker exits by itself after its parent was SIGKILLed").isNotNull();
      assertThat(broker.isAlive()).isFalse();

      assertThat(dir).as("left behind by the SIGKILLed parent").isDirectory();
      LocalKafka.sweepStaleScratchDirs();
      assertThat(dir).as("swept by the next start").doesNotExist();
    } finally {
      parent.destroyForcibly();
      if (brokerPid > 0) {
        ProcessHandle.of(brokerPid).ifPresent(ProcessHandle::destroyForcibly);
      }
      if (dir != null) {
        deleteRecursively(dir); // the SIGKILLed parent could not
      }
    }
  }

  @Test
  void aBrokerThatCannotStartFailsWithItsLogAndLeavesNothing() throws Exception {
    String tmp = System.getProperty("java.io.tmpdir");
    List<Path> before = scratchDirs(tmp);
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> LocalKafka.builder()
        .property("num.network.threads", "not-a-number")
        .startTimeout(Duration.ofSeconds(30))
        .start())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("exited with code")
        .hasMessageContaining("num.network.threads");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    assertThat(scratchDirs(tmp)).isEqualTo(before);
    assertThat(brokerChildren()).isEmpty();
  }

  @Test
  void aDetachedBrokerKeepsItsDataDirAndIsStoppedByDataDir(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("kafka");
    LocalKafka kafka = LocalKafka.builder().dataDir(dir).detached(true).partitions(3).start();
    try {
      long pid = kafka.pid();
      assertThat(LocalKafka.runningPid(dir)).contains(pid);
      assertThat(LocalKafka.runningBootstrapServers(dir)).contains(kafka.bootstrapServers());
      kafka.createTopics(1, "detached");

      assertThat(LocalKafka.stop(dir)).isTrue();
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
      assertThat(LocalKafka.runningPid(dir)).isEmpty();
      assertThat(LocalKafka.stop(dir)).isFalse();
      assertThat(dir.resolve("kraft-logs")).isDirectory();
    } finally {
      kafka.close();
    }
    assertThat(dir).isDirectory(); // kept, unlike a scratch dir
  }

  private static List<Path> scratchDirs(String tmp) throws IOException {
    try (Stream<Path> s = Files.list(Path.of(tmp))) {
      return s.filter(p -> p.getFileName().toString().startsWith("linkwatch-kafka-")).sorted().toList();
    }
  }

  private static List<ProcessHandle> brokerChildren() {
    return ProcessHandle.current().descendants()
        .filter(h -> h.isAlive()
            && h.info().commandLine().map(c -> c.contains("dev.linkwatch.broker.BrokerMain")).orElse(false))
        .toList();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

}
