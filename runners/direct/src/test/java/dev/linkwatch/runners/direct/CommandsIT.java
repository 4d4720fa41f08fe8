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
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The subcommands that need a broker: broker start/status/stop, topics tail, generate --topic,
 * catalog push.
 */
@ExtendWith(SharedKafka.class)
@Isolated("swaps System.out, where the commands print: a class running beside it would print into the capture")
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

  @Test
  void catalogPushWritesOnlyChangesAndTombstonesAndSaysWhat(LocalKafka kafka, @TempDir Path dir)
      throws Exception {
    String topic = "it.catalog.push." + UUID.randomUUID().toString().substring(0, 8);
    Path csv = dir.resolve("labels.csv");
    java.nio.file.Files.writeString(csv, "artist,track\nLittle Mix,Touch\nQueen,Bohemian Rhapsody\n");
    String servers = "--bootstrapServers=" + kafka.bootstrapServers();
    Result first = run("catalog", "push", csv.toString(), "--topic=" + topic, servers);
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("(4 entries) pushed to " + topic + ": added 4, removed 0, changed 0, unchanged 0");

    // the same file again: nothing written
    Result again = run("catalog", "push", csv.toString(), "--topic=" + topic, servers);
    assertThat(again.out()).contains(": added 0, removed 0, changed 0, unchanged 4");

    // a variant added to one entry, one track gone
    Path json = dir.resolve("labels.json");
    java.nio.file.Files.writeString(json, "[{\"tag\":\"artist\",\"value\":\"Little Mix\",\"match\":[\"Litel Mixx\"]},"
        + "{\"tag\":\"artist\",\"value\":\"Queen\"},{\"tag\":\"track\",\"value\":\"Touch\"}]");
    Result changed = run("catalog", "push", json.toString(), "--topic=" + topic, servers);
    assertThat(changed.out()).contains(": added 0, removed 1, changed 1, unchanged 2");

    // the topic, as a consumer reads it: compacted, 4 + 2 records, the last a tombstone
    var records =
        KafkaClients.readAll(kafka.bootstrapServers(), java.util.List.of(topic), 6, java.time.Duration.ofSeconds(20))
            .get(topic);
    assertThat(records).hasSize(6);
    java.util.Map<String, String> last = new java.util.TreeMap<>();
    records.forEach(r -> last.put(new String(r.key(), StandardCharsets.UTF_8),
        r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
    assertThat(last)
        .containsEntry("track:bohemian rhapsody", null)
        .containsEntry("artist:little mix", "{\"tag\":\"artist\",\"value\":\"Little Mix\",\"match\":[\"Litel Mixx\"]}")
        .containsEntry("track:touch", "{\"tag\":\"track\",\"value\":\"Touch\"}");
    try (var admin = org.apache.kafka.clients.admin.Admin.create(
        java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      var resource = new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
      assertThat(admin.describeConfigs(java.util.List.of(resource)).all().get().get(resource)
              .get("cleanup.policy").value())
          .isEqualTo("compact");
    }
  }
}
