package dev.linkwatch.runners.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.core.Catalog;
import dev.linkwatch.dashboard.Dashboard;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.testing.KafkaClients;
import dev.linkwatch.testing.SharedKafka;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * /metrics against the truth: known records through a real broker and the pipeline on the
 * DirectRunner, the dashboard reading the outputs, and every number a scrape gives checked against
 * what was sent and what the output topics hold (read strictly), including the job's consumer lag.
 */
@ExtendWith(SharedKafka.class)
class DashboardMetricsIT {
  /** A sample line: name, optional labels, a value; nothing else is accepted. */
  static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*)\\})? (-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)");
  static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");

  /** Each sample as "name{a=\"x\",b=\"y\"}" (labels as written) to its value; fails on any line the format does not allow. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    Map<String, String> types = new HashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ");
        assertThat(p).as(line).hasSize(4);
        assertThat(p[3]).as(line).isIn("counter", "gauge");
        assertThat(types.put(p[2], p[3])).as("TYPE twice: " + line).isNull();
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("not a sample line: " + line).isTrue();
      assertThat(types).as("sample before its TYPE: " + line).containsKey(m.group(1));
      if (m.group(3) != null) {
        assertThat(LABEL.matcher(m.group(3)).replaceAll("").replace(",", "")).as(line).isEmpty();
      }
      String key = m.group(1) + (m.group(2) == null ? "" : m.group(2));
      assertThat(samples.put(key, Double.parseDouble(m.group(4)))).as("sample twice: " + line).isNull();
    }
    return samples;
  }

  static String scrape(URI url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(url.resolve("metrics")).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    return r.body();
  }

  @Test
  void metricsEqualTheRecordsSentAndTheOutputs(LocalKafka kafka) throws Exception {
    String in = "it.dashm." + UUID.randomUUID().toString().substring(0, 8);
    List<String> outputs = List.of(in + ".matched", in + ".unmatched", in + ".errors");
    kafka.createTopics(2, in, outputs.get(0), outputs.get(1), outputs.get(2), in + ".counts");
    String bootstrap = kafka.bootstrapServers();

    List<byte[]> values = new ArrayList<>();
    try (InputStream s = getClass().getResourceAsStream("/detection.jsonl")) {
      new String(s.readAllBytes(), StandardCharsets.UTF_8).lines().forEach(l -> values.add(l.getBytes(StandardCharsets.UTF_8)));
    }
    TweetGenerator generator = new TweetGenerator(11, 0.05, Instant.parse("2017-01-12T00:00:00Z"));
    for (int i = 0; i < 120; i++) {
      values.add(generator.next().value());
    }
    values.add("{\"delete\":{\"status\":{\"id\":1,\"id_str\":\"1\"}}}".getBytes(StandardCharsets.UTF_8));
    values.add("{\"limit\":{\"track\":5}}".getBytes(StandardCharsets.UTF_8));
    values.add("\"a string\"".getBytes(StandardCharsets.UTF_8));
    long[] perPartition = new long[2];
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
      for (int i = 0; i < values.size(); i++) {
        producer.send(new ProducerRecord<>(in, i % 2, null, values.get(i))).get();
        perPartition[i % 2]++;
      }
    }

    Dashboard.Config config =
        Dashboard.Config.defaults(bootstrap)
            .withTopics(outputs.get(0), outputs.get(1), outputs.get(2), in + ".counts")
            .withConsumerGroup(in)
            .withAddress("127.0.0.1", 0);
    try (Dashboard dashboard = Dashboard.start(config)) {
      assertThat(KafkaClients.runPipeline(bootstrap, in, 10, "--timeDomain=processing"))
          .isEqualTo(PipelineResult.State.DONE);

      // What the outputs hold, read strictly.
      Map<String, List<ConsumerRecord<byte[], byte[]>>> out =
          KafkaClients.readAll(bootstrap, outputs, values.size(), Duration.ofSeconds(30));
      long matched = out.get(outputs.get(0)).size();
      java.util.Set<String> versions = new java.util.HashSet<>();
      for (ConsumerRecord<byte[], byte[]> r : out.get(outputs.get(0))) {
        versions.add(OutputContract.check("matched", r.value()).at("/enriched/catalog_version").asText());
      }
      long unmatched = 0;
      Map<String, Long> notices = new HashMap<>();
      Map<String, Long> errorsByStep = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : out.get(outputs.get(1))) {
        JsonNode u = OutputContract.check("unmatched", r.value());
        if (u.path("outcome").asText().equals("notice")) {
          notices.merge(u.path("notice").asText(), 1L, Long::sum);
        } else {
          unmatched++;
        }
      }
      for (ConsumerRecord<byte[], byte[]> r : out.get(outputs.get(2))) {
        errorsByStep.merge(OutputContract.check("errors", r.value()).path("step").asText(), 1L, Long::sum);
      }
      long errored = errorsByStep.values().stream().mapToLong(Long::longValue).sum();
      assertThat(matched + unmatched + errored + notices.values().stream().mapToLong(Long::longValue).sum())
          .as("every record came out once").isEqualTo(values.size());
      assertThat(matched).isPositive();
      assertThat(errored).isPositive();
      assertThat(notices).containsKeys("delete", "limit"); // the generator sends deletes too

      // The dashboard has read them all once the batch counts add up to what was sent.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      Map<String, Double> scraped = parse(scrape(dashboard.url()));
      while (System.nanoTime() < deadline
          && (scraped.getOrDefault("linkwatch_records_total{channel=\"inbound\"}", 0.0) < values.size()
              || scraped.getOrDefault("linkwatch_dashboard_records_read_total{topic=\"matched\"}", 0.0) < matched)) {
        Thread.sleep(300);
        scraped = parse(scrape(dashboard.url()));
      }
      Map<String, Double> m = scraped;
      assertThat(m).containsEntry("linkwatch_records_total{channel=\"inbound\"}", (double) values.size());
      assertThat(m).containsEntry("linkwatch_records_total{channel=\"matched\"}", (double) matched);
      assertThat(m).containsEntry("linkwatch_records_total{channel=\"unmatched\"}", (double) unmatched);
      assertThat(m).containsEntry("linkwatch_records_total{channel=\"errored\"}", (double) errored);
      assertThat(m).containsEntry("linkwatch_records_total{channel=\"notices\"}",
          (double) notices.values().stream().mapToLong(Long::longValue).sum());
      assertThat(m).containsEntry("linkwatch_records_total{channel=\"dropped_late\"}", 0.0);
      assertThat(m.entrySet().stream()
              .filter(e -> e.getKey().startsWith("linkwatch_platform_records_total{channel=\"inbound\","))
              .mapToDouble(Map.Entry::getValue).sum())
          .as("inbound over the platforms").isEqualTo((double) values.size());
      assertThat(m).containsEntry("linkwatch_dashboard_records_read_total{topic=\"matched\"}", (double) matched);
      assertThat(m).containsEntry("linkwatch_dashboard_records_read_total{topic=\"unmatched\"}", (double) out.get(outputs.get(1)).size());
      assertThat(m).containsEntry("linkwatch_dashboard_records_read_total{topic=\"errors\"}", (double) errored);
      notices.forEach((kind, n) -> assertThat(m).containsEntry("linkwatch_notices_total{kind=\"" + kind + "\"}", (double) n));
      errorsByStep.forEach((step, n) -> assertThat(m.entrySet().stream()
              .filter(e -> e.getKey().startsWith("linkwatch_errors_total{step=\"" + step + "\","))
              .mapToDouble(Map.Entry::getValue).sum())
          .as("errors of step " + step).isEqualTo((double) n));
      assertThat(m).containsEntry("linkwatch_dashboard_unreadable_records_total", 0.0);
      assertThat(m).containsEntry("linkwatch_dashboard_replays_total", 0.0);
      assertThat(m).containsEntry("linkwatch_dashboard_stale", 0.0);
      // The catalog in use, as the job reports it: the version the matched records name, its size.
      Catalog catalog = Catalog.original();
      assertThat(versions).containsExactly(catalog.version());
      assertThat(m.entrySet().stream().filter(e -> e.getKey().startsWith("linkwatch_catalog_entries{")).toList())
          .containsExactly(Map.entry("linkwatch_catalog_entries{version=\"" + catalog.version() + "\"}", (double) catalog.size()));
      // Unshortening is off in this run (no network in tests): no lookups. ClassifyUrlsShortenerTest
      // counts them against a local shortener; DashboardStateTest totals them.
      assertThat(m).containsEntry("linkwatch_unshorten_lookups_total", 0.0);
      assertThat(m).containsEntry("linkwatch_unshorten_failures_total", 0.0);

      // The job committed everything it read: lag 0 and the committed offset at each partition's end.
      assertThat(m).containsEntry("linkwatch_consumer_lag_up{group=\"" + in + "\"}", 1.0);
      for (int p = 0; p < 2; p++) {
        String labels = "{group=\"" + in + "\",topic=\"" + in + "\",partition=\"" + p + "\"}";
        assertThat(m).containsEntry("linkwatch_consumer_committed_offset" + labels, (double) perPartition[p]);
        assertThat(m).containsEntry("linkwatch_input_end_offset" + labels, (double) perPartition[p]);
        assertThat(m).containsEntry("linkwatch_consumer_lag" + labels, 0.0);
      }
    }
  }
}
