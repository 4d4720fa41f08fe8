package dev.linkwatch.runners.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench e2e} with a tiny topic: it starts its broker, runs linkwatch on the DirectRunner and both
 * baselines in child JVMs, prints a well-formed table, writes well-formed JSON in which every input has
 * its output, and leaves no process behind. Never asserts on a figure.
 */
@Isolated("checks that no child process of the test JVM outlives the bench")
class BenchE2eIT {
  @Test
  void tinyBenchRunsAndReportsEveryContestant(@TempDir Path dir) throws Exception {
    Set<Long> before = descendants();
    Path json = dir.resolve("e2e.json");
    // The children run from the runners' classpath files, relative to the project root.
    System.setProperty("linkwatch.home", Path.of("../..").toAbsolutePath().normalize().toString());
    CommandsIT.Result r =
        CommandsIT.run(
            "bench", "e2e", "--tweets=300", "--runs=1", "--contestants=direct,limit,limit-all,original",
            "--catalog-names=1000", "--original-records=100", "--child-heap=512m", "--json=" + json);
    assertThat(r.code()).as(r.out() + r.err()).isZero();

    List<String> table = r.out().lines().filter(l -> l.startsWith("|")).toList();
    assertThat(table).hasSize(2 + 4);
    assertThat(table.get(0)).contains("tweets/s steady").contains("ratio to limit").contains("CPU µs/tweet steady").contains("peak heap");
    for (String row : table.subList(2, table.size())) {
      assertThat(row.split("\\|", -1)).as(row).hasSize(table.get(0).split("\\|", -1).length);
      assertThat(row).as(row).endsWith("| yes |");
    }
    assertThat(table.get(5)).startsWith("| original's algorithm").contains("| 100 |");

    JsonNode result = new ObjectMapper().readTree(Files.readAllBytes(json));
    assertThat(result.path("tweets").asLong()).isEqualTo(300);
    assertThat(result.path("catalog_names").asInt()).isEqualTo(1000);
    assertThat(result.path("mean_tweet_bytes").asLong()).isBetween(2_000L, 7_000L);
    List<String> contestants = result.path("results").findValuesAsText("contestant");
    assertThat(contestants).containsExactly("direct", "limit", "limit-all", "original");
    for (JsonNode c : result.path("results")) {
      assertThat(c.path("all_out").asBoolean()).as(c.toString()).isTrue();
      JsonNode run = c.path("runs").get(0);
      assertThat(run.path("outputs").asLong()).isEqualTo(c.path("records").asLong());
      assertThat(run.path("peak_heap_bytes").asLong()).as("heap reported by the child").isPositive();
      // Null only when the 10 % and 90 % marks fell into one poll (a tiny run like this one).
      JsonNode cpu = c.path("steady_cpu_us_per_tweet");
      assertThat(cpu.isNull() || cpu.asDouble() > 0).as(c.toString()).isTrue();
    }
    assertThat(result.path("results").get(1).path("steady_ratio_to_limit").asDouble()).isEqualTo(1.0);
    assertThat(result.path("results").get(2).path("steady_ratio_to_limit_all").asDouble()).isEqualTo(1.0);
    assertThat(table.get(0)).contains("ratio to limit-all");

    assertThat(descendants()).as("processes left behind").isSubsetOf(before);
  }

  private static Set<Long> descendants() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }
}
