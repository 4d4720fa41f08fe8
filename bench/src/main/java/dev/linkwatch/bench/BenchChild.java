package dev.linkwatch.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.linkwatch.core.TermMatcher;
import dev.linkwatch.pipeline.Channel;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchOptions;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import dev.linkwatch.pipeline.RunnerDefaults;
import dev.linkwatch.pipeline.Settings;
import dev.linkwatch.pipeline.Sinks;
import dev.linkwatch.pipeline.kafka.KafkaIo;
import dev.linkwatch.transforms.OutputRecord;
import dev.linkwatch.transforms.SourceRecord;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * One contestant of {@code bench e2e}, in a JVM of its own so each gets the same clean heap and its peak
 * heap is its own: {@code linkwatch <pipeline args>}, {@code floor <pipeline args>} (see {@link #floor}), {@code limit <bootstrap> <in> <matched>
 * <unmatched> <errors> <catalog>}, {@code limit-all <same>} or {@code original <same> <maxRecords>}. It reports on standard
 * output, in lines starting with {@code lwbench }: its peak used heap and peak heap after GC every half
 * second, and with {@code -Dlwbench.gcSampleSeconds=N} the heap after a full GC every N seconds (the
 * memory run). The pipeline runs until the parent, which watches the output topics, stops it.
 */
public final class BenchChild {
  private static final AtomicLong PEAK_USED = new AtomicLong();
  private static final AtomicLong PEAK_AFTER_GC = new AtomicLong();
  private static final java.util.Set<String> HEAP_POOLS = heapPools();

  private BenchChild() {}

  public static void main(String[] args) throws Exception {
    watchGc();
    Thread reporter = new Thread(BenchChild::report, "lwbench-heap");
    reporter.setDaemon(true);
    reporter.start();
    String variant = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    say("started " + variant);
    switch (variant) {
      case "linkwatch" -> {
        LinkwatchOptions options = ConfigFile.parse(rest);
        // Built here, before the clock the parent reads starts to matter, as any worker would at start.
        LinkwatchPipeline.run(options).waitUntilFinish();
      }
      case "floor", "chain" -> {
        LinkwatchOptions options = ConfigFile.parse(rest);
        floor(options, variant.equals("chain")).waitUntilFinish();
      }
      case "limit-all" -> {
        PlainLoop.Topics topics = new PlainLoop.Topics(rest[1], rest[2], rest[3], rest[4]);
        var catalog = Settings.loadCatalog(List.of(rest[5]));
        say("ready");
        say("processed " + LimitLoop.runOnAllCores(rest[0], topics, catalog, 2, follows(rest)));
      }
      case "limit", "original" -> {
        PlainLoop.Topics topics = new PlainLoop.Topics(rest[1], rest[2], rest[3], rest[4]);
        var catalog = Settings.loadCatalog(List.of(rest[5]));
        PlainLoop loop =
            variant.equals("limit")
                ? new LimitLoop(rest[0], topics, catalog, 2)
                : new OriginalLoop(rest[0], topics, catalog);
        say("ready");
        long n =
            follows(rest)
                ? loop.follow()
                : loop.run(rest.length > 6 ? Long.parseLong(rest[6]) : Long.MAX_VALUE);
        say("processed " + n);
      }
      default -> throw new IllegalArgumentException("unknown variant " + variant);
    }
    sample();
    say("heap " + PEAK_USED.get() + " " + PEAK_AFTER_GC.get());
    System.out.flush();
    System.exit(0);
  }

  /**
   * The engine's own ceiling for this job: linkwatch's Kafka source and unmatched writer, built from the
   * same options as the job, with nothing between them but a copy of each record as it is. What the
   * job costs beyond this is the rules and the counts; what this costs beyond the limits is Beam,
   * the runner and KafkaIO. With {@code rules}, the one step between them applies linkwatch's rules
   * ({@link RulesInOneStep}) and every outcome goes to that writer: the job without its per-step
   * costs, its routing to three topics and its counts.
   */
  private static PipelineResult floor(LinkwatchOptions options, boolean rules) {
    RunnerDefaults.applyAll(options);
    Settings settings = Settings.from(options);
    var source = KafkaIo.readTweets(options, settings);
    Sinks sinks = KafkaIo.sinks(options, settings);
    Pipeline pipeline = Pipeline.create(options);
    PCollection<SourceRecord> records = pipeline.apply("ReadRecords", source);
    PCollection<OutputRecord> out =
        rules
            ? records.apply("RulesInOneStep", ParDo.of(new RulesFn(options.getCatalog(), options.getMinMatches())))
            : records.apply("CopyAsIs", MapElements.into(TypeDescriptor.of(OutputRecord.class))
                .via((SourceRecord r) -> OutputRecord.from(r, r.value())));
    out.setCoder(OutputRecord.coder()).apply("WriteUnmatched", sinks.to(Channel.UNMATCHED, "Unmatched"));
    return pipeline.run();
  }

  /**
   * {@link RulesInOneStep} as a step. The matcher is built once per JVM: Spark sets a step up again for
   * every partition of every microbatch, and 100 000 names take about a second to build.
   */
  static final class RulesFn extends DoFn<SourceRecord, OutputRecord> {
    private static final Map<List<String>, TermMatcher> MATCHERS = new ConcurrentHashMap<>();
    private final List<String> catalog;
    private final int minMatches;
    private transient RulesInOneStep rules;

    RulesFn(List<String> catalog, int minMatches) {
      this.catalog = List.copyOf(catalog);
      this.minMatches = minMatches;
    }

    @Setup
    public void setup() {
      TermMatcher matcher = MATCHERS.computeIfAbsent(catalog, c -> TermMatcher.build(Settings.loadCatalog(c), false));
      rules = new RulesInOneStep(matcher, minMatches);
    }

    @ProcessElement
    public void process(@Element SourceRecord record, OutputReceiver<OutputRecord> out) {
      out.output(rules.apply(record).record());
    }
  }

  /** A trailing {@code follow}: keep reading until stopped (the latency bench). */
  private static boolean follows(String[] rest) {
    return rest.length > 6 && rest[rest.length - 1].equals("follow");
  }

  private static java.util.Set<String> heapPools() {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        names.add(pool.getName());
      }
    }
    return names;
  }

  static synchronized void say(String line) {
    System.out.println("lwbench " + line);
    System.out.flush();
  }

  /** Heap after each collection, young ones included, from the collectors' own notifications. */
  private static void watchGc() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (!(gc instanceof NotificationEmitter emitter)) {
        continue;
      }
      emitter.addNotificationListener(
          (notification, handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                notification.getType())) {
              return;
            }
            var info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            long after = 0;
            for (var pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
              if (HEAP_POOLS.contains(pool.getKey())) {
                after += pool.getValue().getUsed();
              }
            }
            PEAK_AFTER_GC.accumulateAndGet(after, Math::max);
          },
          null,
          null);
    }
  }

  private static void sample() {
    PEAK_USED.accumulateAndGet(
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
  }

  private static void report() {
    long gcEvery = Long.getLong("lwbench.gcSampleSeconds", 0) * 1000;
    long start = System.currentTimeMillis();
    long nextGc = start + gcEvery;
    while (true) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      sample();
      long now = System.currentTimeMillis();
      if (gcEvery > 0 && now >= nextGc) {
        System.gc();
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        say("sample " + (now - start) / 1000 + " " + live);
        nextGc += gcEvery;
      }
      if ((now - start) % 500 < 100) {
        say("heap " + PEAK_USED.get() + " " + PEAK_AFTER_GC.get());
      }
    }
  }
}
