package dev.linkwatch.testing;

import dev.linkwatch.pipeline.kafka.DeliveryCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The figures of one fault scenario: printed, and added as a row to {@code target/fault-report.md}
 * (started afresh by the first scenario of a test JVM), the table docs/guarantees.md quotes.
 */
record FaultReport(
    String scenario,
    String runner,
    String mode,
    DeliveryCheck.Report delivery,
    String recovery,
    String asserted) {

  static final Path FILE = Path.of("target", "fault-report.md");
  private static boolean started;

  static final String HEADER =
      "| scenario | runner | mode | records in | out | lost | duplicated | recovery | asserted |\n"
          + "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | --- |\n";

  String row() {
    return String.format(
        "| %s | %s | %s | %d | %d | %d | %d offsets (%d extra) | %s | %s |%n",
        scenario,
        runner,
        mode,
        delivery.inputRecords(),
        delivery.outputRecords(),
        delivery.lost(),
        delivery.duplicatedOffsets(),
        delivery.extraRecords(),
        recovery,
        asserted);
  }

  /** Prints the figures and appends the row; call it before asserting, so a failed run reports too. */
  void publish() {
    System.out.println("fault scenario: " + scenario + "\n" + delivery.toText() + "recovery   " + recovery);
    synchronized (FaultReport.class) {
      try {
        Files.createDirectories(FILE.getParent());
        if (!started) {
          Files.writeString(FILE, HEADER, StandardCharsets.UTF_8);
          started = true;
        }
        Files.writeString(FILE, row(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
