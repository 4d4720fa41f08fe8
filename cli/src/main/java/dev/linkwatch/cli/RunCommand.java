package dev.linkwatch.cli;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchOptions;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import dev.linkwatch.pipeline.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linkwatch run}: checks the inputs, the outputs and Kafka first (a usage error is one line, exit
 * 2), prints one start-up line, runs the pipeline and ends with the account of what went where.
 *
 * <p>The account in file mode counts the output files' records as a consumer reads them; in Kafka mode
 * (a bounded run: {@code --maxReadSeconds} or {@code --maxReadRecords}) it comes from the job's metrics.
 * Standard streams: {@code --input=-} copies standard input to a temporary file first (file mode is
 * bounded), {@code --output=-} writes the matched records to standard output once the job is done;
 * everything linkwatch says goes to standard error, so standard output stays pipeable.
 */
@Command(
    name = "run",
    header = "Run the pipeline on Kafka topics or on JSON Lines files.",
    description = {
      "Runs the pipeline. Kafka mode (the default) reads --inputTopic at --bootstrapServers and writes"
          + " --matchedTopic, --unmatchedTopic and --errorsTopic. File mode (--input=FILE --output=DIR)"
          + " writes DIR/matched.jsonl, DIR/unmatched.jsonl, DIR/errors.jsonl and DIR/counts.jsonl;"
          + " --input=- reads standard input, --output=- writes matched records to standard output.",
      "Options are written --name=value or --name value, camelCase or kebab-case; --config=FILE reads"
          + " them from a YAML file, and a flag wins over the same key there. The runner is"
          + " --runner=flink (the default), spark or direct.",
      "Every pipeline option: linkwatch run --help-options"
    },
    mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
  /** How long the start-up check waits for Kafka to answer, per try. */
  static final Duration KAFKA_CHECK = Duration.ofSeconds(10);

  @CommandLine.Unmatched List<String> pipelineArgs = new ArrayList<>();

  @Option(names = "--help-options", description = "List every pipeline option with its default.")
  boolean helpOptions;

  @Option(names = "--overwrite", description = "Replace the linkwatch output files in an existing --output directory.")
  boolean overwrite;

  @Option(
      names = "--wait-for-kafka",
      description = "Keep trying an unreachable Kafka at start (saying so every 10 s) instead of failing.")
  boolean waitForKafka;

  /** Where the start-up line and the account go: standard error, so standard output stays pipeable. */
  private final PrintStream err = System.err;

  @Override
  public Integer call() throws Exception {
    if (helpOptions) {
      OptionsHelp.print(System.out);
      return Main.EXIT_OK;
    }
    LinkwatchOptions options = ConfigFile.parse(pipelineArgs.toArray(String[]::new));
    String input = options.getInput();
    String output = options.getOutput();
    boolean files = input != null || output != null;
    if (files && (input == null || output == null)) {
      throw new ConfigException(
          "file mode needs both --input and --output (--input=- reads standard input, --output=- writes standard output)");
    }
    if (!files && !givesBootstrapServers(pipelineArgs) && options.getBootstrapServers().equals("127.0.0.1:9092")) {
      // No address given: the broker 'linkwatch broker start' runs, when there is one, as for the other
      // tools; the start-up line names what was picked.
      options.setBootstrapServers(LocalState.bootstrap(null));
    }
    Settings settings = Settings.from(options);
    // The runner module's own defaults (Spark streaming's batch interval, ...), set now so the start-up
    // line names them; before the checks of files and Kafka, so that a runner's refusal of the options
    // (Spark's exactly-once without --checkpointDir) comes first, as other option errors do.
    String runnerDefaults = dev.linkwatch.pipeline.RunnerDefaults.applyAll(options);
    Path stdoutDir = null;
    List<Path> inputs = List.of();
    if (files) {
      if (output.equals("-")) {
        stdoutDir = Files.createTempDirectory("linkwatch-out-");
        options.setOutput(stdoutDir.toString());
        // Count reports on the console would mix with the records on standard output.
        options.setPrintCounts(false);
      } else {
        RunChecks.output(Path.of(output), overwrite);
      }
      if (input.equals("-")) {
        // File mode is bounded: standard input is read to its end first, then run as a file named stdin.
        Path copy = Files.createTempDirectory("linkwatch-in-").resolve("stdin");
        try (InputStream in = System.in) {
          Files.copy(in, copy);
        }
        options.setInput(copy.toString());
      }
      inputs = RunChecks.input(options.getInput());
    }
    if (!files) {
      RunChecks.kafka(
          options.getBootstrapServers(),
          java.util.Arrays.stream(options.getInputTopic().split(",")).map(String::strip).toList(),
          settings.kafkaProperties(),
          KAFKA_CHECK,
          waitForKafka,
          err);
    }
    err.println(startLine(options, settings, input, output) + (runnerDefaults.isEmpty() ? "" : "; " + runnerDefaults));

    PipelineResult result = LinkwatchPipeline.run(options);
    PipelineResult.State state = result.waitUntilFinish();
    boolean done = state == null || state == PipelineResult.State.DONE;
    Account account = new Account();
    if (files) {
      fileAccount(account, inputs, Path.of(options.getOutput()), stdoutDir, result);
    } else if (!metricsAccount(account, result)) {
      // Without counters an account of zeros would read as data loss; say what is known instead.
      err.println("linkwatch run: no account: the runner kept no metrics (on Flink add --disableMetrics=false);"
          + " 'linkwatch verify' reads the topics back");
      return done ? Main.EXIT_OK : Main.EXIT_FAILED;
    } else {
      account.addOutput("topics " + options.getMatchedTopic() + ", " + options.getUnmatchedTopic() + ", "
          + options.getErrorsTopic() + ", " + options.getCountsTopic());
    }
    err.print(account.render());
    if (!done) {
      err.println("linkwatch: the pipeline ended " + state.toString().toLowerCase(java.util.Locale.ROOT));
      return Main.EXIT_FAILED;
    }
    return account.addsUp() ? Main.EXIT_OK : Main.EXIT_FAILED;
  }

  /** One line: what it reads, where it writes, which runner, which catalog (size), which config. */
  static String startLine(LinkwatchOptions o, Settings settings, String input, String output) {
    String reads;
    String writes;
    if (input != null) {
      reads = input.equals("-") ? "standard input" : input;
      writes =
          output.equals("-")
              ? "matched to standard output, the rest to " + o.getOutput()
              : output + " (matched, unmatched, errors, counts .jsonl)";
    } else {
      reads = "topic " + o.getInputTopic() + " at " + o.getBootstrapServers() + " (group " + o.getConsumerGroup()
          + ", from " + o.getStartOffset() + " when new)";
      writes = "topics " + o.getMatchedTopic() + ", " + o.getUnmatchedTopic() + ", " + o.getErrorsTopic() + ", "
          + o.getCountsTopic();
    }
    String catalog = o.getCatalog() == null || o.getCatalog().isEmpty() ? "builtin:original" : String.join(",", o.getCatalog());
    String log = Main.logFile() == null ? "" : "; log " + Main.logFile();
    return "linkwatch run: reading " + reads + "; writing " + writes + "; runner " + o.getRunner().getSimpleName()
        + "; catalog " + catalog + " (" + settings.catalog().size() + " entries); config "
        + (o.getConfig() == null ? "none" : o.getConfig()) + log;
  }

  private void fileAccount(Account account, List<Path> inputs, Path dir, Path stdoutDir, PipelineResult result)
      throws IOException {
    if (inputs.isEmpty()) {
      account.addIn(counter(result.metrics().allMetrics(), "tweets") + counter(result.metrics().allMetrics(), "notices")
          + counter(result.metrics().allMetrics(), "malformed"));
    }
    for (Path in : inputs) {
      long[] n = {0};
      Account.eachRecord(in, line -> n[0]++);
      account.addIn(n[0]);
    }
    Account.eachRecord(dir.resolve("matched.jsonl"), account::addMatchedRecord);
    Account.eachRecord(dir.resolve("unmatched.jsonl"), account::addUnmatchedRecord);
    Account.eachRecord(dir.resolve("errors.jsonl"), account::addErrorRecord);
    if (stdoutDir != null) {
      Path matched = dir.resolve("matched.jsonl");
      if (Files.exists(matched)) {
        Files.copy(matched, System.out);
        System.out.flush();
        Files.delete(matched);
      }
      account.addOutput("matched: standard output");
      account.addOutput("unmatched, errors, counts: " + dir);
    } else {
      for (String name : List.of("matched", "unmatched", "errors", "counts")) {
        account.addOutput(dir.resolve(name + ".jsonl").toString());
      }
    }
  }

  /** Kafka mode: the job's own counters (ParseTweet, RouteByOutcome); reasons beyond notices are not counted per code there. */
  private static boolean metricsAccount(Account account, PipelineResult result) {
    MetricQueryResults m;
    try {
      m = result.metrics().queryMetrics(MetricsFilter.builder().build());
    } catch (UnsupportedOperationException e) {
      return false;
    }
    if (!m.getCounters().iterator().hasNext()) {
      return false;
    }
    long tweets = counter(m, "tweets");
    long notices = counter(m, "notices");
    long malformed = counter(m, "malformed");
    account.addIn(tweets + notices + malformed);
    account.addMatched(counter(m, "matched"));
    account.addUnmatched("rules (see the code in each record)", counter(m, "unmatched"));
    account.addUnmatched("stream notice", notices);
    account.addErrors("ParseTweet", malformed);
    account.addErrors("RouteByOutcome", counter(m, "errors"));
    return true;
  }

  /** The sum of the counters of that name over all steps: committed where the runner has them, else attempted. */
  private static long counter(MetricQueryResults m, String name) {
    long sum = 0;
    for (MetricResult<Long> c : m.getCounters()) {
      if (!c.getName().getName().equals(name)) {
        continue;
      }
      if (!c.getName().getNamespace().endsWith("ParseTweet") && !c.getName().getNamespace().endsWith("RouteByOutcome")) {
        continue;
      }
      Long v;
      try {
        v = c.getCommitted();
      } catch (UnsupportedOperationException e) {
        v = c.getAttempted();
      }
      sum += v == null ? 0 : v;
    }
    return sum;
  }

  private static boolean givesBootstrapServers(List<String> args) {
    return args.stream()
        .anyMatch(a -> a.startsWith("--bootstrapServers") || a.startsWith("--bootstrap-servers") || a.startsWith("--config"));
  }
}
