package dev.linkwatch.runners.direct;

import dev.linkwatch.testing.KafkaClients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.testing.SharedKafka;
import dev.linkwatch.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The subcommands that need a broker: broker start/status/stop, topics tail, generate --topic. */
@ExtendWith(SharedKafka.class)
class CommandsIT {
  record Result(int code, String out, String err) {}

  static synchronized Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(System.out, System.err, args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void brokerStartStatusStop(@TempDir Path dir) {
    Path data = dir.resolve("broker");
    Result start = run("broker", "start", "--dir=" + data);
    assertThat(start.code()).as(start.err()).isZero();
    assertThat(start.out()).startsWith("started at 127.0.0.1:");
    long pid = LocalKafka.runningPid(data).orElseThrow();
    try {
      Result again = run("broker", "start", "--dir=" + data);
      assertThat(again.out()).startsWith("already running at 127.0.0.1:");
      Result status = run("broker", "status", "--dir=" + data);
      assertThat(status.code()).isZero();
      assertThat(status.out()).contains("running at 127.0.0.1:").contains("pid " + pid);
    } finally {
      Result stop = run("broker", "stop", "--dir=" + data);
      assertThat(stop.out()).contains("stopped");
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    Result after = run("broker", "status", "--dir=" + data);
    assertThat(after.code()).isEqualTo(1);
    assertThat(run("broker", "stop", "--dir=" + data).out()).contains("not running");
  }

  @Test
  void topicsTailPrintsRecordsAndPicksFields(LocalKafka kafka) throws Exception {
    String topic = "tail." + UUID.randomUUID();
    kafka.createTopics(1, topic);
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
      producer.send(new ProducerRecord<>(topic, "{\"text\":\"hello\",\"enriched\":{\"media_details\":{\"artist\":\"Little Mix\"}}}".getBytes(StandardCharsets.UTF_8))).get();
      producer.send(new ProducerRecord<>(topic, "not json".getBytes(StandardCharsets.UTF_8))).get();
    }
    Result plain = run("topics", "tail", topic, "--bootstrapServers=" + kafka.bootstrapServers(), "--max=2", "--idle-seconds=20");
    assertThat(plain.code()).as(plain.err()).isZero();
    assertThat(plain.out().lines())
        .containsExactly("{\"text\":\"hello\",\"enriched\":{\"media_details\":{\"artist\":\"Little Mix\"}}}", "not json");
    Result fields =
        run("topics", "tail", topic, "--bootstrapServers=" + kafka.bootstrapServers(), "--max=1",
            "--fields=text,enriched.media_details.artist,missing");
    assertThat(fields.out().lines()).containsExactly("hello\tLittle Mix\tnull");
  }

  @Test
  void generateWritesToATopic(LocalKafka kafka) {
    String topic = "gen." + UUID.randomUUID();
    kafka.createTopics(2, topic);
    Result r = run("generate", "--count=300", "--topic=" + topic, "--bootstrapServers=" + kafka.bootstrapServers());
    assertThat(r.code()).as(r.err()).isZero();
    Result tail = run("topics", "tail", topic, "--bootstrapServers=" + kafka.bootstrapServers(), "--max=300", "--idle-seconds=20");
    assertThat(tail.out().lines()).hasSize(300);
  }
}
