package dev.linkwatch.cli;

import dev.linkwatch.local.LocalKafka;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where linkwatch keeps its own state, shared by the commands: the checkout ({@code LINKWATCH_HOME})
 * and the local broker started there.
 */
final class LocalState {
  private LocalState() {}

  /**
   * linkwatch's own state lives in the checkout ({@code LINKWATCH_HOME}, set by the launcher), wherever
   * the command is run from: the user's relative paths mean what they mean where the user is.
   */
  static final Path HOME = home();

  /** LINKWATCH_HOME, else -Dlinkwatch.home, else the checkout above the working directory, else it. */
  private static Path home() {
    String given = System.getenv("LINKWATCH_HOME");
    if (given == null) {
      given = System.getProperty("linkwatch.home");
    }
    if (given != null) {
      return Path.of(given).toAbsolutePath();
    }
    return dev.linkwatch.local.ChildJvm.findProjectRoot().orElse(Path.of("").toAbsolutePath());
  }

  static final Path BROKER_DIR = HOME.resolve(".linkwatch").resolve("broker");

  /** Where 'linkwatch broker' keeps its broker; shared by its subcommands. */
  static final class BrokerDir {
    @Option(names = "--dir", defaultValue = "${env:LINKWATCH_HOME:-.}/.linkwatch/broker", description = "The broker's data folder (default ${DEFAULT-VALUE}).")
    Path dir;
  }

  /** The bootstrap servers given, else the local broker's when one runs, else the usual default. */
  static String bootstrap(String given) {
    if (given != null) {
      return given;
    }
    return LocalKafka.runningBootstrapServers(BROKER_DIR).orElse("127.0.0.1:9092");
  }

}
