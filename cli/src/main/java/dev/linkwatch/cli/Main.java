package dev.linkwatch.cli;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchOptions;
import dev.linkwatch.pipeline.LinkwatchPipeline;

import dev.linkwatch.cli.demo.Demo;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code linkwatch} command. Errors are one line naming what is wrong; {@code --verbose} adds the
 * stack trace. Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration.
 */
@Command(
    name = "linkwatch",
    mixinStandardHelpOptions = true,
    version = "linkwatch 0.1.0",
    description = "Watches a tweet stream for links to pirated music (Apache Beam).",
    subcommands = {
      Main.Run.class,
      Main.DemoCommand.class,
      ToolCommands.Generate.class,
      ToolCommands.Broker.class,
      IngestCommand.class,
      ToolCommands.Topics.class,
      ToolCommands.Bench.class,
      VerifyCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  @Option(names = "--verbose", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean verbose;

  public static void main(String[] args) {
    System.exit(execute(System.out, System.err, args));
  }

  public static int execute(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          boolean verbose = parseResult.hasMatchedOption("--verbose");
          Throwable cause = unwrap(e);
          if (cause instanceof ConfigException) {
            err.println("linkwatch: " + cause.getMessage());
            if (verbose) {
              cause.printStackTrace(err);
            }
            return EXIT_USAGE;
          }
          err.println("linkwatch: " + cause.getClass().getSimpleName() + ": " + ConfigFile.oneLine(cause.getMessage()));
          if (verbose) {
            e.printStackTrace(err);
          } else {
            err.println("  (run again with --verbose for details)");
          }
          return EXIT_FAILED;
        });
    return cli.execute(args);
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
      name = "run",
      description = {
        "Runs the pipeline. Pipeline settings are Beam options (--name=value), also readable from a",
        "YAML file given with --config=FILE; a flag wins over the same key in the file.",
        "Kafka: --bootstrapServers, --inputTopic, --matchedTopic, --unmatchedTopic, --errorsTopic.",
        "Files: --input=tweets.jsonl --output=out/ writes out/matched.jsonl, unmatched.jsonl, errors.jsonl.",
        "Runner: --runner=FlinkRunner (default via ./linkwatch), SparkRunner or DirectRunner.",
        "All options: linkwatch run --help-options"
      },
      mixinStandardHelpOptions = true)
  static final class Run implements Callable<Integer> {
    @CommandLine.Unmatched List<String> pipelineArgs = new ArrayList<>();

    @Option(names = "--help-options", description = "List every pipeline option with its default.")
    boolean helpOptions;

    @Override
    public Integer call() {
      if (helpOptions) {
        PipelineOptionsFactory.register(LinkwatchOptions.class);
        PipelineOptionsFactory.printHelp(System.out, LinkwatchOptions.class);
        return EXIT_OK;
      }
      LinkwatchOptions options = ConfigFile.parse(pipelineArgs.toArray(String[]::new));
      PipelineResult result = LinkwatchPipeline.run(options);
      PipelineResult.State state = result.waitUntilFinish();
      System.err.println("linkwatch: pipeline " + (state == null ? "finished" : state.toString().toLowerCase()));
      return state == null || state == PipelineResult.State.DONE ? EXIT_OK : EXIT_FAILED;
    }
  }

  @Command(
      name = "demo",
      description = {
        "Starts a local Kafka broker, streams generated tweets into it, runs the pipeline on embedded",
        "Flink and prints what comes out; stops everything it started. Extra --name=value flags go",
        "to the pipeline (e.g. --minMatches=1)."
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

    @CommandLine.Unmatched List<String> pipelineArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
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
      Demo.Summary summary = new Demo(System.out, duration, rate, seed, pipelineArgs).run();
      return summary.matched() + summary.unmatched() + summary.errors() == summary.sent()
          ? EXIT_OK
          : EXIT_FAILED;
    }
  }
}
