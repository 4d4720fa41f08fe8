package dev.linkwatch.cli;

import dev.linkwatch.local.LocalKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `linkwatch broker`: the local Kafka broker on its own, for the other commands. */
@Command(
    name = "broker",
    header = "Start, stop or check a local Kafka broker for the other commands.",
    description = "The local Kafka broker on its own (data in .linkwatch/broker), for other tools.",
    mixinStandardHelpOptions = true,
    subcommands = {BrokerCommand.Start.class, BrokerCommand.Stop.class, BrokerCommand.Status.class})
final class BrokerCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("linkwatch broker: say start, stop or status (linkwatch broker --help)");
    return Main.EXIT_USAGE;
  }

  @Command(name = "start", description = "Start the broker in the background and print its address.", mixinStandardHelpOptions = true)
  static final class Start implements Callable<Integer> {
    @picocli.CommandLine.Mixin LocalState.BrokerDir where = new LocalState.BrokerDir();

    @Option(names = "--partitions", defaultValue = "2", description = "Default partitions of new topics (default ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws IOException {
      Optional<String> running = LocalKafka.runningBootstrapServers(where.dir);
      if (LocalKafka.runningPid(where.dir).isPresent() && running.isPresent()) {
        System.out.println("already running at " + running.get());
        return Main.EXIT_OK;
      }
      Files.createDirectories(where.dir);
      LocalKafka kafka =
          LocalKafka.builder().dataDir(where.dir).partitions(partitions).detached(true).start();
      System.out.println("started at " + kafka.bootstrapServers() + " (pid " + kafka.pid() + ")");
      return Main.EXIT_OK;
    }
  }

  @Command(name = "stop", description = "Stop the broker started by 'linkwatch broker start'.", mixinStandardHelpOptions = true)
  static final class Stop implements Callable<Integer> {
    @picocli.CommandLine.Mixin LocalState.BrokerDir where = new LocalState.BrokerDir();

    @Override
    public Integer call() {
      boolean stopped = LocalKafka.stop(where.dir);
      System.out.println(stopped ? "stopped" : "not running");
      return Main.EXIT_OK;
    }
  }

  @Command(name = "status", description = "Say whether the local broker runs, and where. Exit 0 when it runs, 1 when not.", mixinStandardHelpOptions = true)
  static final class Status implements Callable<Integer> {
    @picocli.CommandLine.Mixin LocalState.BrokerDir where = new LocalState.BrokerDir();

    @Override
    public Integer call() {
      Optional<Long> pid = LocalKafka.runningPid(where.dir);
      if (pid.isEmpty()) {
        System.out.println("not running");
        return Main.EXIT_FAILED;
      }
      System.out.println(
          "running at " + LocalKafka.runningBootstrapServers(where.dir).orElse("?") + " (pid " + pid.get() + ")");
      return Main.EXIT_OK;
    }
  }
}
