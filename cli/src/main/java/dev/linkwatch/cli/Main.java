package dev.linkwatch.cli;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.ConfigFile;

import dev.linkwatch.cli.demo.Demo;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code linkwatch} command. Options are written {@code --name=value} or {@code --name value}, in
 * camelCase or kebab-case ({@link #addAliases}). Errors are one line naming what is wrong; {@code
 * --verbose}, wherever it is written, adds the stack trace. Exit codes: 0 success, 1 runtime failure
 * (one line plus where the log is), 2 bad usage, configuration or input.
 *
 * <p>When a log folder is given ({@code LINKWATCH_LOG_DIR}, which the launcher sets to {@code
 * .linkwatch/logs}, or {@code -Dlinkwatch.logDir}), the engines' logs of {@code run}, {@code demo} and
 * {@code bench} go to {@code <folder>/<command>-<time>.log}, so the console holds linkwatch's own lines.
 * Without one (child JVMs that tests and benchmarks start on a runner's classpath) and from {@link
 * #execute} alone, logging stays as it was configured.
 */
@Command(
    name = "linkwatch",
    mixinStandardHelpOptions = true,
    version = "linkwatch 0.1.0",
    description = "Watches a stream of posts for links to pirated music (Apache Beam).",
    subcommands = {
      RunCommand.class,
      Main.DemoCommand.class,
      GenerateCommand.class,
      BrokerCommand.class,
      IngestCommand.class,
      TopicsCommand.class,
      BenchCommand.class,
      VerifyCommand.class,
      DashboardCommand.class,
      CatalogCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  private static volatile Path logFile;

  @Option(names = "--verbose", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean verbose;

  public static void main(String[] args) {
    logFile = logToFile(args);
    System.exit(execute(System.out, System.err, args));
  }

  /** The file the engines log to, or null when they log to standard error. */
  static Path logFile() {
    return logFile;
  }

  /**
   * Sends slf4j-simple's output to a new file for the commands that run an engine, unless the caller
   * chose a log file already. Must run before any logger exists: slf4j-simple reads it once.
   */
  private static Path logToFile(String[] args) {
    String command = args.length == 0 ? "" : args[0];
    if (!List.of("run", "demo", "bench").contains(command)
        || System.getProperty("org.slf4j.simpleLogger.logFile") != null
        || List.of(args).contains("--help") || List.of(args).contains("-h") || List.of(args).contains("--help-options")) {
      return null;
    }
    String dir = System.getProperty("linkwatch.logDir", System.getenv("LINKWATCH_LOG_DIR"));
    if (dir == null || dir.isBlank()) {
      return null;
    }
    String time = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path file = Path.of(dir, command + "-" + time + ".log");
    try {
      Files.createDirectories(file.getParent());
    } catch (java.io.IOException e) {
      return null; // logs stay on standard error
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", file.toString());
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    return file;
  }

  public static int execute(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    addAliases(cli);
    cli.setParameterExceptionHandler(
        (e, given) -> {
          err.println("linkwatch: " + usageMessage(e) + " (see " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
          if (List.of(given).contains("--verbose")) {
            e.printStackTrace(err);
          }
          return EXIT_USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          boolean verbose = verbose(parseResult);
          Throwable cause = unwrap(e);
          if (cause instanceof ConfigException) {
            err.println("linkwatch: " + cause.getMessage());
            if (verbose) {
              cause.printStackTrace(err);
            }
            return EXIT_USAGE;
          }
          Path log = logFile;
          if (log != null) {
            LoggerFactory.getLogger(Main.class).error("linkwatch failed", e);
          }
          err.println(
              "linkwatch: " + cause.getClass().getSimpleName() + ": " + ConfigFile.oneLine(cause.getMessage())
                  + (log != null ? " (log: " + log + ")" : verbose ? "" : " (--verbose shows the stack trace)"));
          if (verbose) {
            e.printStackTrace(err);
          }
          return EXIT_FAILED;
        });
    return cli.execute(args);
  }

  /** --verbose counts wherever it was written: before the command or after it. */
  private static boolean verbose(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** One line in linkwatch's words; an unknown option gets the closest known one. */
  private static String usageMessage(CommandLine.ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String given = u.getUnmatched().get(0);
      String name = given.contains("=") ? given.substring(0, given.indexOf('=')) : given;
      List<String> known = new ArrayList<>();
      if (u.isUnknownOption()) {
        e.getCommandLine().getCommandSpec().options().forEach(o -> known.addAll(List.of(o.names())));
      } else {
        known.addAll(e.getCommandLine().getSubcommands().keySet());
      }
      String best = ConfigFile.closest(name, known);
      return (u.isUnknownOption() ? "unknown option " : "unknown command or argument ") + name
          + (best == null ? "" : "; did you mean " + best + "?");
    }
    return ConfigFile.oneLine(e.getMessage());
  }

  /**
   * Gives every multi-word option of every command its other spelling (--broken-share also as
   * --brokenShare, --bootstrapServers also as --bootstrap-servers), as the pipeline options have.
   */
  static void addAliases(CommandLine cli) {
    CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
    for (CommandLine.Model.OptionSpec o : new ArrayList<>(spec.options())) {
      if (o.inherited()) {
        continue;
      }
      List<String> names = new ArrayList<>(List.of(o.names()));
      for (String n : o.names()) {
        if (!n.startsWith("--")) {
          continue;
        }
        String bare = n.substring(2);
        for (String alt : List.of("--" + ConfigFile.kebabCase(bare), "--" + ConfigFile.camelCase(bare))) {
          if (!names.contains(alt) && spec.findOption(alt) == null) {
            names.add(alt);
          }
        }
      }
      if (names.size() != o.names().length) {
        spec.remove(o);
        spec.addOption(o.toBuilder().names(names.toArray(String[]::new)).build());
      }
    }
    cli.getSubcommands().values().forEach(Main::addAliases);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null
        && (t instanceof RuntimeException && !(t instanceof ConfigException))
        && t.getClass().getName().contains("PipelineExecutionException")) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return EXIT_USAGE;
  }

  @Command(
      name = "demo",
      header = "Try linkwatch: a local broker, generated tweets, the pipeline on embedded Flink.",
      description = {
        "Starts a local Kafka broker, streams generated tweets into it, runs the pipeline on embedded"
            + " Flink and prints what comes out; stops everything it started. Extra pipeline options go"
            + " to the pipeline (e.g. --minMatches=1)."
      },
      mixinStandardHelpOptions = true)
  static final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "40", description = "How long to stream tweets once the job writes its first output (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--follow", description = "Keep running until Ctrl-C.")
    boolean follow;

    @Option(names = "--rate", defaultValue = "50", description = "Tweets per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seed", defaultValue = "2017", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--source", defaultValue = "generated", description = "generated (tweets), bluesky (live Jetstream) or replay (recorded Jetstream events, offline) (default ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--no-dashboard", description = "Do not serve the live dashboard.")
    boolean noDashboard;

    @Option(names = "--dashboardPort", defaultValue = "8080", description = "Loopback port of the live dashboard; another one when taken (default ${DEFAULT-VALUE}).")
    int dashboardPort;

    @CommandLine.Unmatched List<String> pipelineArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      if (dashboardPort < 0 || dashboardPort > 65_535) {
        throw new ConfigException("--dashboardPort must be 0 to 65535, was " + dashboardPort);
      }
      if (seconds < 10) {
        throw new ConfigException("--seconds must be at least 10 (the engine needs a few to start)");
      }
      if (rate < 1) {
        throw new ConfigException("--rate must be at least 1");
      }
      int duration = follow ? 365 * 24 * 3600 : seconds;
      if (!source.equals("generated")) {
        if (!source.equals("bluesky") && !source.equals("replay")) {
          throw new ConfigException("--source must be generated, bluesky or replay (was " + source + ")");
        }
        return new dev.linkwatch.cli.demo.SourceDemo(System.out, source, duration, pipelineArgs).run() ? EXIT_OK : EXIT_FAILED;
      }
      Demo demo = new Demo(System.out, duration, rate, seed, pipelineArgs);
      Demo.Summary summary = (noDashboard ? demo : demo.withDashboard(dashboardPort)).run();
      return summary.matched() + summary.unmatched() + summary.errors() == summary.sent()
          ? EXIT_OK
          : EXIT_FAILED;
    }
  }
}
