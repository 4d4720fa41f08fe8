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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
      BrokerRegistry.sweepStaleScratchDirs();
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

  @Test
  void aKilledBrokerRestartsOnItsPortsWithItsRecordsAndOffsets() throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      String bootstrap = kafka.bootstrapServers();
      long firstPid = kafka.pid();
      kafka.createTopics(2, "survives");
      try (KafkaProducer<String, String> producer = producer(bootstrap)) {
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>("survives", i % 2, null, "r" + i)).get();
        }
      }
      TopicPartition p0 = new TopicPartition("survives", 0);
      try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "survivor")) {
        consumer.commitSync(Map.of(p0, new OffsetAndMetadata(17)));
      }

      kafka.faults().kill();
      assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).as("SIGKILLed").isEmpty();
      assertThat(kafka.isAlive()).isFalse();
      assertThat(portAccepts(bootstrap)).as("nothing listens while it is down").isFalse();
      assertThatThrownBy(kafka.faults()::pause).isInstanceOf(IllegalStateException.class);
      BrokerRegistry.sweepStaleScratchDirs(); // another test starting its broker now must leave this dir alone
      assertThat(kafka.logFile()).as("scratch dir of a live owner survives a sweep").exists();

      kafka.faults().restart();
      assertThat(kafka.isAlive()).isTrue();
      assertThat(kafka.pid()).isNotEqualTo(firstPid);
      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      assertThat(LocalKafka.runningPid(kafka.dataDir())).contains(kafka.pid());
      assertThatThrownBy(kafka.faults()::restart).hasMessageContaining("kill() it first");
      try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "survivor")) {
        assertThat(consumer.committed(java.util.Set.of(p0)).get(p0).offset()).isEqualTo(17);
        consumer.assign(List.of(p0, new TopicPartition("survives", 1)));
        consumer.seekToBeginning(consumer.assignment());
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (values.size() < 100 && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        assertThat(values).hasSize(100).contains("r0", "r99");
      }
      assertThat(Files.readString(kafka.logFile())).as("one log across both runs")
          .containsPattern("(?s)KafkaRaftServer.*KafkaRaftServer");
    }
  }

  @Test
  void aKeptDataDirStartsAgainWithItsTopics(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("kafka");
    try (LocalKafka kafka = LocalKafka.builder().dataDir(dir).start()) {
      kafka.createTopics(3, "kept");
    }
    try (LocalKafka again = LocalKafka.builder().dataDir(dir).start();
        Admin admin = admin(again.bootstrapServers())) {
      assertThat(admin.describeTopics(List.of("kept")).allTopicNames().get(30, TimeUnit.SECONDS)
          .get("kept").partitions()).hasSize(3);
    }
  }

  @Test
  void aPausedBrokerAcceptsConnectionsButAnswersNothingUntilResumed() throws Exception {
    LocalKafka kafka = LocalKafka.start();
    try {
      kafka.faults().pause();
      assertThat(kafka.faults().isPaused()).isTrue();
      assertThat(processState(kafka.pid())).as("/proc state of a SIGSTOPped process").isEqualTo('T');
      assertThat(portAccepts(kafka.bootstrapServers())).as("the kernel still accepts").isTrue();
      try (Admin admin = admin(kafka.bootstrapServers())) {
        assertThatThrownBy(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS))
            .isInstanceOf(java.util.concurrent.TimeoutException.class);
      }

      kafka.faults().resume();
      kafka.faults().resume(); // not paused any more: nothing to do
      assertThat(kafka.faults().isPaused()).isFalse();
      assertThat(processState(kafka.pid())).isNotEqualTo('T');
      try (Admin admin = admin(kafka.bootstrapServers())) {
        assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
      }

      // close() thaws a paused broker, so it shuts down on SIGTERM instead of waiting for the kill
      kafka.faults().pause();
      long pid = kafka.pid();
      long t0 = System.nanoTime();
      kafka.close();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(14));
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    } finally {
      kafka.close();
    }
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.<String, Object>of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
  }

  private static boolean portAccepts(String bootstrap) {
    int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The state letter in /proc/PID/stat: R, S, T (stopped), ... */
  private static char processState(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return stat.charAt(stat.lastIndexOf(')') + 2);
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
