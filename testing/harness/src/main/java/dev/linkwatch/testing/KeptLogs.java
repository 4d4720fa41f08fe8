package dev.linkwatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where integration tests write their child jobs' logs. */
public final class KeptLogs {
  private KeptLogs() {}

  /**
   * The test's temporary folder, or {@code -Dlinkwatch.it.logs=DIR} to keep the logs after the test
   * (its temporary folder is deleted) for reading a failed run.
   */
  public static Path dir(Path testTmp) throws IOException {
    String keep = System.getProperty("linkwatch.it.logs", "");
    return keep.isBlank() ? testTmp : Files.createDirectories(Path.of(keep));
  }
}
