package dev.linkwatch.runners.spark;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.streaming.StreamingContext;
import org.apache.spark.util.ShutdownHookManager;
import scala.runtime.AbstractFunction0;
import scala.runtime.BoxedUnit;

/**
 * Makes a streaming Spark JVM end promptly after SIGTERM or Ctrl-C.
 *
 * <p>Why Spark alone does not: Spark runs its shutdown hooks one at a time, highest priority first.
 * The executor's hook (Spark's default priority, 100) stops the executor's task threads before the
 * streaming context's hook (51) runs. Spark's job generator, meanwhile, may be inside a microbatch's
 * set-up holding the stream graph's lock: Beam's Kafka read runs a Spark job there (it collects the
 * read's report). With the executor gone that job never finishes, and the streaming hook waits for
 * the lock for ever (seen in thread dumps: {@code DStreamGraph.stop} blocked, the generator in {@code
 * runJob}, the executor refusing tasks; 7 of 10 SIGTERMs in a campaign).
 *
 * <p>So {@link #install} adds a hook above the executor's that stops the streaming context first,
 * abandoning the batch in flight (not lost: the read positions it used are in the last checkpoint, and
 * a restart reads from there). A halt after {@code within} stays as the backstop should any other
 * wait appear.
 *
 * <p>Contract: after the JVM begins to shut down, it ends within {@code within} plus scheduling, with
 * exit status 143 (as SIGTERM) if the hooks have not finished by then.
 */
final class BoundedStop {
  /** Above the executor's hook (Spark's default priority), so it runs first. */
  static final int STOP_STREAMING_PRIORITY = ShutdownHookManager.DEFAULT_SHUTDOWN_PRIORITY() + 10;

  /** The end of the line printed when the halt ends the JVM (tests look for it). */
  static final String HALTING = " s of the stop signal; halting";

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
    Runtime.getRuntime().addShutdownHook(new Thread(() -> startHaltTimer(within), "linkwatch-bounded-stop-hook"));
    ShutdownHookManager.addShutdownHook(
        STOP_STREAMING_PRIORITY,
        new AbstractFunction0<BoxedUnit>() {
          @Override
          public BoxedUnit apply() {
            stopStreaming();
            return BoxedUnit.UNIT;
          }
        });
  }

  private static void stopStreaming() {
    stopping = true; // before the stop fails the jobs in flight (HaltOnFailedJob reads it)
    scala.Option<StreamingContext> active = StreamingContext.getActive();
    if (active.isDefined()) {
      // Not gracefully: a graceful stop would wait for every queued batch. The SparkContext is left to
      // its own hook, which runs after the executor's.
      active.get().stop(false, false);
    }
  }

  private static void startHaltTimer(Duration within) {
    stopping = true;
    // A hook of its own would hold the JVM for the whole wait: the JVM waits for every hook. A daemon
    // thread started here dies with the JVM when the other hooks are done.
    Thread halt =
        new Thread(
            () -> {
              try {
                Thread.sleep(within.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(
                  "linkwatch: Spark did not stop within " + within.toSeconds() + HALTING);
              Runtime.getRuntime().halt(143);
            },
            "linkwatch-bounded-stop");
    halt.setDaemon(true);
    halt.start();
  }
}
