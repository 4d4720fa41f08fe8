package dev.linkwatch.runners.flink;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.Checkpoints;

/**
 * Finds the newest complete checkpoint Flink left under a checkpoint directory.
 *
 * <p>Flink writes {@code <dir>/<job id>/chk-<n>/_metadata} last, so a {@code chk-<n>} without it was
 * still being taken when the job stopped. A process killed while writing it can leave a partial
 * file, so the metadata must also parse. Every run of the job (a restart included) writes under a
 * new job id, and a run that started afresh numbers from 1 again, so the newest is chosen by the
 * metadata's write time, then by number.
 */
public final class LatestCheckpoint {
  private static final Pattern CHK = Pattern.compile("chk-(\\d+)");

  private LatestCheckpoint() {}

  /** The newest complete {@code chk-<n>} directory under {@code dir}, if there is one. */
  public static Optional<Path> in(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> jobs = Files.list(dir)) {
      List<Candidate> candidates =
          jobs.filter(Files::isDirectory).flatMap(LatestCheckpoint::checkpointsOf).toList();
      return candidates.stream()
          .sorted(Comparator.comparing(Candidate::written).thenComparingLong(Candidate::number).reversed())
          .filter(c -> readable(c.metadata()))
          .map(c -> c.metadata().getParent())
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir, e);
    }
  }

  /** {@code dir} as a local path; it may be a plain path or a {@code file:} URI. */
  public static Path localPath(String dir) {
    return dir.startsWith("file:") ? Path.of(URI.create(dir)) : Path.of(dir);
  }

  private record Candidate(Path metadata, FileTime written, long number) {}

  private static Stream<Candidate> checkpointsOf(Path jobDir) {
    try (Stream<Path> children = Files.list(jobDir)) {
      return children
          .map(
              chk -> {
                Matcher m = CHK.matcher(chk.getFileName().toString());
                Path metadata = chk.resolve("_metadata");
                if (!m.matches() || !Files.isRegularFile(metadata)) {
                  return null;
                }
                try {
                  return new Candidate(
                      metadata, Files.getLastModifiedTime(metadata), Long.parseLong(m.group(1)));
                } catch (IOException e) {
                  return null; // removed meanwhile: Flink subsumed it
                }
              })
          .filter(c -> c != null)
          .toList()
          .stream();
    } catch (IOException e) {
      return Stream.empty(); // a job directory removed meanwhile
    }
  }

  /** Whether Flink itself can read the metadata (a torn write fails here, not at restore). */
  static boolean readable(Path metadata) {
    try (InputStream in = Files.newInputStream(metadata);
        DataInputStream data = new DataInputStream(in)) {
      Checkpoints.loadCheckpointMetadata(
          data, LatestCheckpoint.class.getClassLoader(), metadata.getParent().toString());
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
