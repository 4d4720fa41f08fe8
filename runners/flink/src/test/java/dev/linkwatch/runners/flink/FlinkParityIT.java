package dev.linkwatch.runners.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.pipeline.testing.RunnerParity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same tweets on the DirectRunner and the FlinkRunner give the same records and counts. */
class FlinkParityIT {
  @Test
  void sameOutputsAsTheDirectRunner(@TempDir Path dir) throws Exception {
    Path input = RunnerParity.generate(dir, 3000, 42);
    Map<String, List<String>> direct = RunnerParity.run(input, dir.resolve("direct"), "--runner=DirectRunner");
    Map<String, List<String>> other = RunnerParity.run(input, dir.resolve("flink"), "--runner=FlinkRunner");
    assertThat(direct.get("matched")).isNotEmpty();
    assertThat(direct.get("errors")).isNotEmpty();
    for (String file : direct.keySet()) {
      assertThat(other.get(file)).as(file).isEqualTo(direct.get(file));
    }
    // every input line accounted for once
    assertThat(direct.get("matched").size() + direct.get("unmatched").size() + direct.get("errors").size())
        .isEqualTo(3000);
  }
}
