package dev.linkwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContestantOrderTest {
  private static final List<String> ALL = List.of("flink", "flink-copying", "limit");

  @Test
  void eachRoundStartsWithTheNextContestantAndRunsEveryOneOnce() {
    assertThat(EndToEndBench.order(ALL, 1)).containsExactly("flink", "flink-copying", "limit");
    assertThat(EndToEndBench.order(ALL, 2)).containsExactly("flink-copying", "limit", "flink");
    assertThat(EndToEndBench.order(ALL, 3)).containsExactly("limit", "flink", "flink-copying");
    assertThat(EndToEndBench.order(ALL, 4)).containsExactly("flink", "flink-copying", "limit");
    assertThat(EndToEndBench.order(List.of("limit"), 2)).containsExactly("limit");
  }
}
