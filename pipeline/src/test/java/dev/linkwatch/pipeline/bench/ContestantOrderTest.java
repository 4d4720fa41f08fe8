package dev.linkwatch.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContestantOrderTest {
  private static final List<String> ALL = List.of("flink", "flink-reuse", "limit");

  @Test
  void eachRoundStartsWithTheNextContestantAndRunsEveryOneOnce() {
    assertThat(EndToEndBench.order(ALL, 1)).containsExactly("flink", "flink-reuse", "limit");
    assertThat(EndToEndBench.order(ALL, 2)).containsExactly("flink-reuse", "limit", "flink");
    assertThat(EndToEndBench.order(ALL, 3)).containsExactly("limit", "flink", "flink-reuse");
    assertThat(EndToEndBench.order(ALL, 4)).containsExactly("flink", "flink-reuse", "limit");
    assertThat(EndToEndBench.order(List.of("limit"), 2)).containsExactly("limit");
  }
}
