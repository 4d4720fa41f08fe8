package dev.linkwatch.runners.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkwatch.contract.OutputContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@code bench latency} at a low rate with both limits: each is fed at the rate through its start-up
 * and a measured period, every measured input is found again on the output side by its source
 * headers, and the report holds figures that can be true (percentiles in order, positive, the
 * measured count what the rate and period allow). Never asserts how fast anything is.
 */
@Isolated("starts a broker and child JVMs and measures time")
class BenchLatencyIT {
  @Test
  void feedsAtTheRateAndFindsEveryMeasuredRecordsOutput(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("latency.json");
    System.setProperty("linkwatch.home", Path.of("../..").toAbsolutePath().normalize().toString());
    CommandsIT.Result r =
        CommandsIT.run(
            "bench", "latency", "--contestants=limit,limit-all", "--rates=200", "--seconds=4",
            "--warmup-seconds=1", "--catalog-names=1000", "--child-heap=512m", "--json=" + json);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    List<String> table = r.out().lines().filter(l -> l.startsWith("|")).toList();
    assertThat(table).hasSize(2 + 2);
    assertThat(table.get(0)).contains("p50 ms").contains("p99 ms").contains("kept up");

    JsonNode result = OutputContract.STRICT.readTree(Files.readAllBytes(json));
    assertThat(result.path("bench").asText()).isEqualTo("latency");
    assertThat(result.path("results").findValuesAsText("contestant")).containsExactly("limit", "limit-all");
    for (JsonNode row : result.path("results")) {
      assertThat(row.path("rate").asInt()).isEqualTo(200);
      // 4 s at 200/s, appended within the measured period by the broker's clock.
      assertThat(row.path("measured").asLong()).as(row.toString()).isBetween(600L, 1000L);
      assertThat(row.path("measured_out").asLong()).as(row.toString()).isEqualTo(row.path("measured").asLong());
      assertThat(row.path("sent").asLong()).isGreaterThan(row.path("measured").asLong());
      double p50 = row.path("p50_ms").asDouble();
      double p99 = row.path("p99_ms").asDouble();
      double max = row.path("max_ms").asDouble();
      assertThat(p50).as(row.toString()).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(p99);
      assertThat(p99).as(row.toString()).isLessThanOrEqualTo(max);
      assertThat(row.path("kept_up").asBoolean()).as(row.toString()).isTrue();
    }
  }
}
