package dev.linkwatch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults for tests of what the pipeline does when its broker fails: a crash ({@link #kill()}), a
 * restart on the same ports and data ({@link #restart()}), and a freeze ({@link #pause()}). Got from
 * {@link LocalKafka#faults()}; kept apart so that starting and stopping a broker, which users do,
 * never sits next to breaking one, which only tests do.
 */
public final class BrokerFaults {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerFaults.class);

  private final LocalKafka kafka;
  private final AtomicBoolean paused = new AtomicBoolean();

  BrokerFaults(LocalKafka kafka) {
    this.kafka = kafka;
  }

  /**
   * SIGKILLs the broker, as a crash or the kernel's OOM killer would: no clean shutdown, no flush beyond
   * what the OS already holds. Returns once it is gone; {@link #restart()} brings it back.
   */
  public void kill() {
    Process p = kafka.process();
    p.destroyForcibly(); // SIGKILL on Unix; it also ends a stopped process
    if (!BrokerRegistry.waitForExit(p.toHandle(), Duration.ofSeconds(30))) {
      throw new IllegalStateException("Kafka broker pid " + p.pid() + " survived SIGKILL for 30 s");
    }
    paused.set(false);
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // the broker is gone; nothing reads the pipe
    }
    LOG.info("Kafka broker pid {} killed (SIGKILL)", p.pid());
  }

  /**
   * Starts the broker again on the same ports and data dir, so topics, records and committed offsets
   * survive and clients reconnect to the address they know. The broker must be down ({@link #kill()},
   * or it crashed); returns once it serves again.
   */
  public void restart() throws IOException {
    kafka.relaunch();
  }

  /**
   * SIGSTOPs the broker: it freezes with its sockets open, so clients connect (the kernel still accepts)
   * but get no answers, as in a long GC pause or a stalled machine. {@link #resume()} thaws it, and
   * {@link LocalKafka#close()} does so too. Java cannot send SIGSTOP itself, hence {@code kill -STOP}.
   * Returns once the kernel shows the process stopped: the signal is delivered asynchronously, and a
   * test that starts its clock at once would otherwise time a broker that still runs.
   */
  public void pause() {
    signal("STOP");
    paused.set(true);
    awaitState(true);
  }

  /** SIGCONTs a {@linkplain #pause() paused} broker; does nothing if it is not paused. */
  public void resume() {
    if (paused.compareAndSet(true, false)) {
      signal("CONT");
      awaitState(false);
    }
  }

  public boolean isPaused() {
    return paused.get();
  }

  /** Waits up to 10 s for {@code /proc/<pid>/stat} to show the broker stopped (state T) or not. */
  private void awaitState(boolean stopped) {
    long pid = kafka.pid();
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Optional<String> text = BrokerRegistry.readFile(stat);
      if (text.isEmpty()) {
        return; // no procfs, or the process is gone: nothing to wait for
      }
      String s = text.get();
      int close = s.lastIndexOf(')');
      boolean isStopped = close > 0 && close + 2 < s.length() && s.charAt(close + 2) == 'T';
      if (isStopped == stopped) {
        return;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException(
        "Kafka broker pid " + pid + (stopped ? " not stopped" : " still stopped") + " after 10 s");
  }

  private void signal(String name) {
    Process p = kafka.process();
    if (!p.isAlive()) {
      throw new IllegalStateException("Kafka broker pid " + p.pid() + " is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid()))
          .redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + p.pid() + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + name, e);
    }
    LOG.info("Kafka broker pid {} sent SIG{}", p.pid(), name);
  }
}
