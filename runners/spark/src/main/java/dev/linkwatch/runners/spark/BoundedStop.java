package dev.linkwatch.runners.spark;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds how long a streaming Spark JVM takes to end after SIGTERM or Ctrl-C. Spark's own shutdown
 * hooks stop the streaming context without waiting for the batch in flight; but Beam's result stops
 * the same context from the main thread when {@code waitUntilFinish} returns, and the two can wait on
 * each other, leaving the JVM alive with Spark stopped. A batch abandoned that way is not lost: the
 * read positions it used are in the last checkpoint, and a restart reads from there (at least once).
 *
 * <p>Contract: after the JVM begins to shut down, it ends within {@code within} plus scheduling, with
 * exit status 143 (as SIGTERM) if the hooks have not finished by then.
 */
final class BoundedStop {
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();
  private static volatile boolean stopping;

  private BoundedStop() {}

  /** Whether the JVM has begun to shut down (set by the hook {@link #install} adds). */
  static boolean stopping() {
    return stopping;
  }

  static void install(Duration within) {
    if (!INSTALLED.compareAndSet(false, true)) {
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping = true;
                  // A hook of its own would hold the JVM for the whole wait: the JVM waits for every
                  // hook. A daemon thread started here dies with the JVM when the other hooks are done.
                  Thread halt =
                      new Thread(
                          () -> {
                            try {
                              Thread.sleep(within.toMillis());
                            } catch (InterruptedException e) {
                              return;
                            }
                            System.err.println(
                                "linkwatch: Spark did not stop within " + within.toSeconds() + " s of the stop signal; halting");
                            Runtime.getRuntime().halt(143);
                          },
                          "linkwatch-bounded-stop");
                  halt.setDaemon(true);
                  halt.start();
                },
                "linkwatch-bounded-stop-hook"));
  }
}
