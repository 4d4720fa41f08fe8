package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@code linkwatch demo} end to end, as a user runs it: its own JVM, a real broker, embedded Flink.
 * Checks that it tells the story (status, counts, matched tweets, the account) and leaves nothing behind.
 */
@Isolated("counts the broker JVMs on the machine before and after the demo")
class DemoIT {
  @Test
  void demoPrintsCountsAndMatchesAndCleansUp() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of(System.getProperty("linkwatch.jvm.opens", "").split(" ")));
    command.removeIf(String::isBlank);
    command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), "dev.linkwatch.cli.Main"));
    // The stream runs 20 s after the first output: at least one 10 s batch closes in that time.
    command.addAll(List.of("demo", "--seconds=20", "--rate=40"));
    long brokersBefore = brokers();
    File log = File.createTempFile("linkwatch-demo", ".log");
    Process demo = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    boolean finished = demo.waitFor(4, TimeUnit.MINUTES);
    String output = java.nio.file.Files.readString(log.toPath(), StandardCharsets.UTF_8);
    if (!finished) {
      demo.destroyForcibly();
    }
    assertThat(finished).as(output).isTrue();
    assertThat(demo.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("starting a local Kafka broker")
        .contains("Batch/Inbound: ")
        .contains("Window/Inbound: ")
        .contains("MATCH  \"")
        .contains("(nothing lost)")
        .contains("stopping the broker; done.");
    // No broker JVM outlives the demo.
    assertThat(brokers()).isEqualTo(brokersBefore);
    log.delete();
  }

  private static long brokers() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("dev.linkwatch.broker.BrokerMain"))
        .count();
  }
}
