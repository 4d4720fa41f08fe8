package dev.linkwatch.local;

/**
 * A parent JVM for {@link LocalKafkaIT}'s orphan test: starts a broker, prints its pid, and waits to be killed.
 */
public final class KafkaChildMain {
  private KafkaChildMain() {}

  public static void main(String[] args) throws Exception {
    LocalKafka kafka = LocalKafka.start();
    System.out.println("BROKER_PID " + kafka.pid());
    System.out.println("BROKER_DIR " + kafka.dataDir());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
