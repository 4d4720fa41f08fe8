package dev.linkwatch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a broker's data dir says about it, so a later command (another JVM) can find, address and stop a
 * broker started there: the pid, bootstrap and owner files, and the clean-up of scratch dirs whose
 * broker and owner are gone.
 */
final class BrokerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerRegistry.class);

  /** Files in the data dir, so a later CLI invocation can find and stop a detached broker. */
  static final String PID_FILE = "broker.pid";
  /** The JVM that made a scratch dir; while it lives the dir is its own, even with the broker killed. */
  static final String OWNER_FILE = "owner.pid";
  static final String BOOTSTRAP_FILE = "bootstrap";
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private BrokerRegistry() {}

  /**
   * A SIGKILLed parent cannot delete its scratch dir (its broker does stop, via the stdin watchdog), so each
   * start removes those whose recorded broker is gone. Dirs without a pid file may be starting right now;
   * a dir whose owner JVM still lives is kept too, since a fault test may have killed its broker on
   * purpose and is about to restart it there.
   */
  static void sweepStaleScratchDirs() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> dirs = Files.list(tmp)) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("linkwatch-kafka-")).toList()) {
        if (Files.isRegularFile(dir.resolve(PID_FILE)) && runningPid(dir).isEmpty() && !ownerAlive(dir)) {
          try {
            deleteRecursively(dir);
          } catch (IOException e) {
            LOG.debug("cannot delete stale {}: {}", dir, e.toString());
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", tmp, e.toString());
    }
  }

  private static boolean ownerAlive(Path dir) {
    return readPid(dir.resolve(OWNER_FILE)).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).isPresent();
  }

  private static Optional<Long> readPid(Path file) {
    return readFile(file).flatMap(s -> {
      try {
        return Optional.of(Long.parseLong(s));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  /** The pid of a live broker started on this data dir (detached or not), from its pid file. */
  static Optional<Long> runningPid(Path dataDir) {
    return readPid(dataDir.resolve(PID_FILE))
        .flatMap(ProcessHandle::of)
        .filter(ProcessHandle::isAlive)
        .filter(BrokerRegistry::looksLikeBroker)
        .map(ProcessHandle::pid);
  }

  /** The bootstrap servers of a live broker started on this data dir. */
  static Optional<String> runningBootstrapServers(Path dataDir) {
    return runningPid(dataDir).flatMap(pid -> readFile(dataDir.resolve(BOOTSTRAP_FILE)));
  }

  /** Stops the broker running on this data dir, e.g. a detached one; false if none ran. */
  static boolean stop(Path dataDir) {
    Optional<ProcessHandle> handle = runningPid(dataDir).flatMap(ProcessHandle::of);
    handle.ifPresent(BrokerRegistry::terminate);
    try {
      Files.deleteIfExists(dataDir.resolve(PID_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return handle.isPresent();
  }

  /** A recycled pid must not make us kill a stranger. */
  private static boolean looksLikeBroker(ProcessHandle h) {
    Optional<String[]> args = h.info().arguments();
    return args.isEmpty() || Arrays.asList(args.get()).contains(BrokerConfig.BROKER_MAIN);
  }

  static Optional<String> readFile(Path file) {
    try {
      return Files.isRegularFile(file) ? Optional.of(Files.readString(file).trim()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static void terminate(ProcessHandle h) {
    if (!h.isAlive()) {
      return;
    }
    h.destroy();
    if (!waitForExit(h, STOP_GRACE)) {
      LOG.warn("Kafka broker pid {} ignored SIGTERM for {}, killing it", h.pid(), STOP_GRACE);
      h.destroyForcibly();
      waitForExit(h, Duration.ofSeconds(10));
    }
  }

  static boolean waitForExit(ProcessHandle h, Duration timeout) {
    try {
      h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !h.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !h.isAlive();
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
