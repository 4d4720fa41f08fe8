package dev.linkwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linkwatch.pipeline.ConfigException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyPeriodTest {
  @Test
  void theMicrobatchIntervalIsTheOneTheContestantRunsWith() {
    assertThat(LatencyBench.batchInterval(List.of())).isEqualTo(5_000);
    assertThat(LatencyBench.batchInterval(List.of("--minReadTimeMillis=4000", "--batchIntervalMillis=10000")))
        .isEqualTo(10_000);
    assertThatThrownBy(() -> LatencyBench.batchInterval(List.of("--batchIntervalMillis=10s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--batchIntervalMillis")
        .hasMessageContaining("'10s'");
  }

  @Test
  void keptUpComparesWholePeriodsAtBothEnds() {
    // 10 s batches, every record out: each waits 0-10 s for its batch to end, so within a batch the
    // delays sweep that range. Measured for 45 s, the first second falls early in a batch's cycle
    // (delays near 3.7 s) and the last second late in another (near 9.7 s).
    List<long[]> latencies = new ArrayList<>();
    long from = 0;
    long to = 45_000;
    for (long t = from; t < to; t += 10) {
      latencies.add(new long[] {t, 10_000 - ((t + 6_000) % 10_000) + 200});
    }
    // One-second samples at the two ends compare phases of the cycle and call this "behind" ...
    assertThat(LatencyBench.summarise("spark-streaming", 1_000, 250, 4_500, latencies.size(), latencies, from, to, "").keptUp())
        .isFalse();
    // ... whole batch intervals compare like with like.
    LatencyBench.Row row =
        LatencyBench.summarise("spark-streaming", 10_000, 250, 4_500, latencies.size(), latencies, from, to, "");
    assertThat(row.keptUp()).isTrue();
    assertThat(row.periodMillis()).isEqualTo(10_000);
    // A record missing is never kept up.
    assertThat(LatencyBench.summarise("spark-streaming", 10_000, 250, 4_500, latencies.size() + 1, latencies, from, to, "").keptUp())
        .isFalse();
  }
}
