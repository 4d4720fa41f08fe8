package dev.linkwatch.cli;

import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.pipeline.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * What {@code run} checks before it builds a pipeline, so that a wrong path or an unreachable broker is
 * one line naming it ({@link ConfigException}, exit 2) on every runner, instead of an engine's stack
 * trace minutes later.
 */
final class RunChecks {
  private RunChecks() {}

  /** The files linkwatch writes into an output directory in file mode. */
  static final Set<String> OUTPUT_FILES =
      java.util.Arrays.stream(Channel.values()).map(c -> c.fileName() + ".jsonl").collect(Collectors.toSet());

  /**
   * The local files {@code input} names (a path or a glob such as {@code in/*.jsonl}); empty for a
   * remote scheme ({@code gs://...}), which the runner's file system checks itself.
   *
   * @throws ConfigException when a local path names no readable file
   */
  static List<Path> input(String input) {
    if (input.contains("://")) {
      return List.of();
    }
    Path path = Path.of(input).toAbsolutePath();
    if (!input.matches(".*[*?\\[{].*")) {
      if (Files.isDirectory(path)) {
        throw new ConfigException("input " + input + " is a directory; give a file or a glob such as " + input + "/*.jsonl");
      }
      if (!Files.isRegularFile(path)) {
        throw new ConfigException("input file " + input + " does not exist");
      }
      if (!Files.isReadable(path)) {
        throw new ConfigException("input file " + input + " is not readable");
      }
      return List.of(path);
    }
    // Globs in the last part only, as file mode is used with them (in/*.jsonl).
    Path dir = path.getParent();
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + path.getFileName());
    List<Path> files = new ArrayList<>();
    if (dir != null && Files.isDirectory(dir)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path p : entries) {
          if (Files.isRegularFile(p) && matcher.matches(p.getFileName())) {
            files.add(p);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (files.isEmpty()) {
      throw new ConfigException("input " + input + " matches no file");
    }
    files.sort(null);
    return files;
  }

  /**
   * Makes {@code dir} ready for file mode's outputs: a new or empty directory is used; one holding only
   * linkwatch's output files is emptied of them with {@code overwrite} and refused without; anything
   * else (other files, a file in its place) is refused, since linkwatch would leave old files beside
   * new ones or fail deep inside the runner.
   */
  static void output(Path dir, boolean overwrite) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ConfigException("output " + dir + " is a file; file mode writes a directory (give a new or empty one)");
    }
    if (!Files.exists(dir)) {
      try {
        Files.createDirectories(dir);
      } catch (IOException | SecurityException e) {
        throw new ConfigException("output " + dir + " cannot be created: " + e.getMessage(), e);
      }
      return;
    }
    List<String> ours = new ArrayList<>();
    List<String> others = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        (OUTPUT_FILES.contains(name) && Files.isRegularFile(p) ? ours : others).add(name);
      }
    } catch (IOException e) {
      throw new ConfigException("output " + dir + ": cannot list it: " + e.getMessage(), e);
    }
    others.sort(null);
    if (!others.isEmpty()) {
      throw new ConfigException(
          "output " + dir + " holds other files (" + String.join(", ", others.subList(0, Math.min(3, others.size())))
              + (others.size() > 3 ? ", ..." : "") + "); give a new or empty directory");
    }
    if (ours.isEmpty()) {
      return;
    }
    if (!overwrite) {
      throw new ConfigException(
          "output " + dir + " already holds linkwatch output; add --overwrite to replace it, or give a new directory");
    }
    for (String name : ours) {
      try {
        Files.delete(dir.resolve(name));
      } catch (IOException e) {
        throw new ConfigException("output " + dir + ": cannot remove the old " + name + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Asks the cluster to describe itself ({@code Admin.describeCluster}) within {@code timeout}; with
   * {@code keepTrying}, asks again until it answers, saying so on {@code err} after each failed try.
   *
   * @throws ConfigException "cannot reach Kafka at ..." when it does not answer in time
   */
  static void kafka(
      String bootstrap,
      java.util.List<String> inputTopics,
      Map<String, Object> clientSettings,
      Duration timeout,
      boolean keepTrying,
      PrintStream err) {
    Map<String, Object> config = new HashMap<>(clientSettings);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    int millis = (int) timeout.toMillis();
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "linkwatch-start-check");
    long started = System.nanoTime();
    while (true) {
      String why;
      try (Admin admin = Admin.create(config)) {
        try {
          admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).clusterId().get(millis + 2_000L, TimeUnit.MILLISECONDS);
          // A missing input topic would fail the job's source minutes later with an engine stack trace.
          java.util.Set<String> topics = admin.listTopics().names().get(millis + 2_000L, TimeUnit.MILLISECONDS);
          java.util.List<String> missing = inputTopics.stream().filter(t -> !topics.contains(t)).toList();
          if (!missing.isEmpty()) {
            throw new ConfigException(
                "inputTopic: " + String.join(", ", missing) + (missing.size() == 1 ? " does" : " do")
                    + " not exist at " + bootstrap + " (create it, or start what writes it first, e.g. linkwatch ingest bluesky)");
          }
          return;
        } catch (ExecutionException e) {
          why = e.getCause() == null ? e.toString() : e.getCause().getClass().getSimpleName();
        } catch (TimeoutException e) {
          why = "no answer";
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ConfigException("interrupted while checking Kafka at " + bootstrap, e);
        } finally {
          admin.close(Duration.ofSeconds(1));
        }
      } catch (org.apache.kafka.common.KafkaException e) {
        // Bad client settings (e.g. an unresolvable host name) fail when the client is made.
        throw new ConfigException("cannot reach Kafka at " + bootstrap + ": " + dev.linkwatch.pipeline.ConfigFile.oneLine(e.getMessage()), e);
      }
      long seconds = (System.nanoTime() - started) / 1_000_000_000L;
      if (!keepTrying) {
        throw new ConfigException(
            "cannot reach Kafka at " + bootstrap + " (" + why + " within " + timeout.toSeconds()
                + " s; --wait-for-kafka keeps trying)");
      }
      err.println("linkwatch: cannot reach Kafka at " + bootstrap + " yet (" + seconds + " s); still trying (--wait-for-kafka)");
    }
  }
}
