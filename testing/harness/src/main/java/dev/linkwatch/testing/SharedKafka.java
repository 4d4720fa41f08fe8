package dev.linkwatch.testing;

import dev.linkwatch.local.LocalKafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real Kafka broker for a whole test JVM run, because starting one costs seconds.
 *
 * <p>Use {@code @ExtendWith(SharedKafka.class)} and either a {@link LocalKafka} test/constructor parameter or
 * {@link #bootstrapServers()}. Other modules get it from the {@code linkwatch-local-stack} test-jar. The broker
 * starts on first use and is closed when the root extension context closes, i.e. after the last test; the
 * LocalKafka shutdown hook (and the broker's stdin watchdog) cover JVMs that end otherwise. Tests share its
 * topics, so give each test its own topic names.
 */
public final class SharedKafka implements BeforeAllCallback, ParameterResolver {

  private static final String KEY = SharedKafka.class.getName();
  private static LocalKafka kafka;

  @Override
  public void beforeAll(ExtensionContext context) {
    get(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return get(context);
  }

  /** The shared broker's bootstrap servers, starting it if needed (only inside a test run using the extension). */
  public static String bootstrapServers() {
    return kafka().bootstrapServers();
  }

  /** The shared broker, starting it if needed. */
  public static synchronized LocalKafka kafka() {
    if (kafka == null || !kafka.isAlive()) {
      try {
        kafka = LocalKafka.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the shared Kafka broker", e);
      }
    }
    return kafka;
  }

  private static LocalKafka get(ExtensionContext context) {
    // The root store outlives every test class; its resources close once, at the end of the run.
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(KEY, k -> new Holder(kafka()), Holder.class).kafka;
  }

  @SuppressWarnings("deprecation") // CloseableResource for JUnit < 5.13; AutoCloseable for newer ones
  private static final class Holder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final LocalKafka kafka;

    Holder(LocalKafka kafka) {
      this.kafka = kafka;
    }

    @Override
    public void close() {
      synchronized (SharedKafka.class) {
        kafka.close();
        if (SharedKafka.kafka == kafka) {
          SharedKafka.kafka = null;
        }
      }
    }
  }
}
