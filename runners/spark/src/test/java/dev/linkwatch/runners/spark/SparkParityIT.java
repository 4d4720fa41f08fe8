package dev.linkwatch.runners.spark;

import dev.linkwatch.testing.RunnerParity;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same tweets on the DirectRunner and on Spark (LinkwatchSparkRunner: one output per step) give the same records and counts. */
class SparkParityIT {
  @Test
  void sameOutputsAsTheDirectRunner(@TempDir Path dir) throws Exception {
    RunnerParity.assertSameAsDirectRunner(dir, "--runner=LinkwatchSparkRunner", "--sparkMaster=local[2]");
  }
}
