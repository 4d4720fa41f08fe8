package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.ChildJvm;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
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
    long brokersBefore = brokers();
    // The stream runs 20 s after the first output: at least one 10 s batch closes in that time.
    ChildJvm demo =
        ChildJvm.linkwatch("demo")
            .log(Files.createTempFile("linkwatch-demo", ".log"))
            .jvmArgs(List.of("-Xmx1g"))
            .args("demo", "--seconds=20", "--rate=40")
            .start();
    int exit = demo.waitFor(Duration.ofMinutes(4));
    String output = demo.log();
    assertThat(exit).as(output).isZero();
    assertThat(output)
        .contains("starting a local Kafka broker")
        .contains("Batch/Inbound: ")
        .contains("Window/Inbound: ")
        .contains("MATCH  \"")
        .contains("(nothing lost)")
        .contains("stopping the broker; done.");
    // No broker JVM outlives the demo.
    assertThat(brokers()).isEqualTo(brokersBefore);
    Files.delete(demo.logFile());
  }

  private static long brokers() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("dev.linkwatch.broker.BrokerMain"))
        .count();
  }
}
