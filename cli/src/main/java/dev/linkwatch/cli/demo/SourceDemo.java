package dev.linkwatch.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.replay.JetstreamReplayServer;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchOptions;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import dev.linkwatch.sources.JetstreamBridge;
import dev.linkwatch.sources.KafkaWriter;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code linkwatch demo --source=bluesky|replay}: a local broker, the Jetstream bridge writing into
 * {@code posts.bluesky}, the pipeline on embedded Flink reading it, and what comes out. {@code bluesky}
 * uses the live public network (and says so and stops when it cannot reach it); {@code replay} serves
 * the bundled real events from a Jetstream replay server on loopback, through the same bridge code.
 */
public final class SourceDemo {
  private static final String TOPIC = "posts.bluesky";

  private final PrintStream out;
  private final String source;
  private final int seconds;
  private final List<String> pipelineArgs;

  public SourceDemo(PrintStream out, String source, int seconds, List<String> pipelineArgs) {
    this.out = out;
    this.source = source;
    this.seconds = seconds;
    this.pipelineArgs = pipelineArgs;
  }

  /**
   * The job's options: the person's flags over the demo's settings, on the demo's broker and topics
   * (which cannot be given).
   */
  private LinkwatchOptions options(String bootstrap) {
    Demo.refuseOwn(pipelineArgs, "bootstrapServers", "inputTopic", "matchedTopic", "unmatchedTopic", "errorsTopic");
    List<String> defaults =
        List.of(
            "--runner=LinkwatchFlinkRunner",
            "--streaming=true",
            "--parallelism=2",
            "--unshorten=false",
            "--attachedMode=false",
            "--inputFormat=bluesky",
            "--catalog=builtin:original,builtin:chinook");
    List<String> args = new ArrayList<>(pipelineArgs);
    args.add("--bootstrapServers=" + bootstrap);
    args.add("--inputTopic=" + TOPIC);
    args.add("--matchedTopic=" + TOPIC + ".matched");
    args.add("--unmatchedTopic=" + TOPIC + ".unmatched");
    args.add("--errorsTopic=" + TOPIC + ".errors");
    return ConfigFile.parse(defaults, args);
  }

  /** Runs the demo; true when every event the bridge wrote came out as matched, unmatched or error. */
  public boolean run() throws Exception {
    // A bad option fails here, before a replay server or a broker is started for nothing.
    options("127.0.0.1:9092");
    boolean replay = source.equals("replay");
    JetstreamReplayServer server = null;
    List<URI> endpoints = JetstreamBridge.PUBLIC_ENDPOINTS;
    if (replay) {
      server =
          JetstreamReplayServer.start(
              JetstreamReplayServer.bundled("bluesky_jetstream_v1_window152.jsonl"),
              JetstreamReplayServer.Faults.none().withFrameDelay(Duration.ofMillis(100)));
      endpoints = List.of(server.endpoint());
      out.println("linkwatch demo: replaying 152 recorded Jetstream events (2026-07-04) from " + server.endpoint());
    } else {
      String why = unreachable(endpoints.get(0));
      if (why != null) {
        out.println("linkwatch demo: Bluesky Jetstream is not reachable from here (" + why + ").");
        out.println("  Try 'linkwatch demo --source=replay' for the same story on recorded events.");
        return false;
      }
      out.println("linkwatch demo: live Bluesky posts from " + endpoints.get(0));
    }
    out.println("linkwatch demo: starting a local Kafka broker (KRaft) ...");
    Path cursorDir = Files.createTempDirectory("linkwatch-demo-cursor");
    try (LocalKafka kafka = LocalKafka.builder().partitions(2).start()) {
      String bootstrap = kafka.bootstrapServers();
      kafka.createTopics(2, TOPIC, TOPIC + ".matched", TOPIC + ".unmatched", TOPIC + ".errors");
      LinkwatchOptions options = options(bootstrap);

      AtomicLong matched = new AtomicLong();
      AtomicLong unmatched = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      Thread watcher = new Thread(() -> watch(bootstrap, stop, matched, unmatched, errors), "demo-watcher");
      watcher.setDaemon(true);
      watcher.start();

      JetstreamBridge.Settings settings =
          JetstreamBridge.Settings.defaults(cursorDir.resolve("bluesky.cursor.json"))
              .withEndpoints(endpoints)
              .withStatusEvery(Duration.ofSeconds(5));
      PipelineResult result = null;
      try (KafkaWriter writer = new KafkaWriter(bootstrap, TOPIC, "none", Map.of())) {
        JetstreamBridge bridge = new JetstreamBridge(settings, writer, out);
        Thread bridgeThread =
            new Thread(
                () -> {
                  try {
                    bridge.run();
                  } catch (Exception e) {
                    out.println("linkwatch demo: the bridge stopped: " + e.getMessage());
                  }
                },
                "demo-bridge");
        bridgeThread.setDaemon(true);
        bridgeThread.start();
        result = LinkwatchPipeline.run(options);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(replay ? 180 : seconds + 60);
        long streamEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60);
        while (System.nanoTime() < end) {
          Thread.sleep(1000);
          long written = bridge.stats().written();
          long outputs = matched.get() + unmatched.get() + errors.get();
          out.printf("  in %d  matched %d  unmatched %d  errors %d%n", written, matched.get(), unmatched.get(), errors.get());
          boolean sourceDone = replay ? server.framesSent() >= 1 && bridge.stats().received() >= server.framesSent() && written > 0 : System.nanoTime() > streamEnd;
          if (sourceDone && outputs >= written) {
            break;
          }
        }
        bridge.stop();
        bridgeThread.join(10_000);
        long written = bridge.stats().written();
        long outputs = matched.get() + unmatched.get() + errors.get();
        out.println();
        out.printf("Summary%n  events in      %d%n  matched        %d%n  unmatched      %d%n  errors         %d%n", written, matched.get(), unmatched.get(), errors.get());
        out.printf("  accounted for  %d of %d %s%n", outputs, written, outputs == written ? "(nothing lost)" : "(MISSING " + (written - outputs) + ")");
        return outputs == written;
      } finally {
        if (result != null) {
          try {
            result.cancel();
          } catch (java.io.IOException | UnsupportedOperationException e) {
            out.println("  (could not cancel the pipeline: " + e.getMessage() + ")");
          }
        }
        stop.set(true);
        watcher.join(5_000);
        if (server != null) {
          server.close();
        }
        out.println("linkwatch demo: stopping the broker; done.");
      }
    }
  }

  /** Null when a WebSocket to {@code endpoint} opens within a few seconds, else why not. */
  static String unreachable(URI endpoint) {
    try {
      WebSocket ws =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .buildAsync(JetstreamBridge.subscribeUri(endpoint, JetstreamBridge.COLLECTIONS, -1), new WebSocket.Listener() {})
              .get(8, TimeUnit.SECONDS);
      ws.abort();
      return null;
    } catch (Exception e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
  }

  private void watch(String bootstrap, AtomicBoolean stop, AtomicLong matched, AtomicLong unmatched, AtomicLong errors) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "linkwatch-demo-watcher");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    ObjectMapper json = new ObjectMapper();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(TOPIC + ".matched", TOPIC + ".unmatched", TOPIC + ".errors"));
      while (!stop.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.topic().endsWith(".matched")) {
            matched.incrementAndGet();
            JsonNode n = json.readTree(r.value());
            out.println("  MATCH  \"" + n.path("text").asText() + "\"  " + n.path("enriched").path("post_url").asText());
          } else if (r.topic().endsWith(".unmatched")) {
            unmatched.incrementAndGet();
          } else {
            errors.incrementAndGet();
          }
        }
      }
    } catch (Exception e) {
      out.println("  (watcher stopped: " + e.getMessage() + ")");
    }
  }
}
