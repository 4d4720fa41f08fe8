package dev.linkwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContestantArgsTest {
  @Test
  void aFlagThePersonAddsReplacesTheContestantsOwnAndRepeatedExtrasStay() {
    List<String> own = List.of("linkwatch", "--runner=LinkwatchFlinkRunner", "--parallelism=2", "--streaming=true");
    assertThat(Contestants.overridden(own, List.of("--parallelism=1", "--kafkaProperties=a=1", "--kafkaProperties=b=2")))
        .containsExactly(
            "linkwatch", "--runner=LinkwatchFlinkRunner", "--streaming=true",
            "--parallelism=1", "--kafkaProperties=a=1", "--kafkaProperties=b=2");
    assertThat(Contestants.overridden(own, List.of())).isEqualTo(own);
  }

  @Test
  void everyFloorAndChainRunsOnTheEngineOfItsJob() {
    assertThat(Contestants.runnerOf("flink-floor")).isEqualTo("flink");
    assertThat(Contestants.runnerOf("spark-floor")).isEqualTo("spark");
    assertThat(Contestants.microbatch("spark-floor")).isTrue();
    assertThat(Contestants.runnerOf("flink-chain")).isEqualTo("flink");
    assertThat(Contestants.runnerOf("spark-chain")).isEqualTo("spark");
    assertThat(Contestants.microbatch("spark-chain")).isTrue();
  }
}
