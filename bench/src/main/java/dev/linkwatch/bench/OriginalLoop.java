package dev.linkwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.CatalogEntry;
import dev.linkwatch.pipeline.kafka.KafkaIo;
import dev.linkwatch.transforms.ClassifyUrls;
import dev.linkwatch.transforms.OutputRecord;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The 2017 job's {@code process_tweet}, ported line by line to a plain Java loop: {@code json.loads}
 * (a Jackson tree), retweet (-1), no entities (-2), no URLs (-3), domains by {@code urlsplit} and the
 * regex {@code (\w+\.\w+)$}, every primary domain on the whitelist (-8), then every spelling of every
 * filter tested with {@code in} over {@code tweet['text']} (case-sensitive, no early exit), the tweet
 * enriched and re-serialised; more than one match is a match. Records that are not JSON objects, which
 * would stop the original, go to the error topic. Its catalog is the same as linkwatch's.
 */
final class OriginalLoop extends PlainLoop {
  private static final Pattern PRIMARY = Pattern.compile("(\\w+\\.\\w+)$");
  private final ObjectMapper json = new ObjectMapper();
  private final Set<String> whitelist = Set.copyOf(ClassifyUrls.ORIGINAL_WHITELIST);
  /** The filters as the original held them: tag, value and every spelling to test. */
  private final List<String[]> filters = new ArrayList<>();

  OriginalLoop(String bootstrap, Topics topics, Catalog catalog) {
    super(bootstrap, topics);
    for (CatalogEntry e : catalog.entries()) {
      List<String> spellings = new ArrayList<>();
      spellings.add(e.tag().label());
      spellings.add(e.value());
      spellings.addAll(e.variants());
      filters.add(spellings.toArray(String[]::new));
    }
  }

  @Override
  void process(ConsumerRecord<byte[], byte[]> r, List<ProducerRecord<byte[], byte[]>> out)
      throws IOException {
    JsonNode tweet;
    try {
      tweet = r.value() == null ? null : json.readTree(r.value());
    } catch (IOException e) {
      tweet = null;
    }
    if (tweet == null || !tweet.isObject()) {
      emit(out, topics.errors(), r, r.value() == null ? new byte[0] : r.value());
      return;
    }
    Object[] result = processTweet((ObjectNode) tweet);
    int code = (Integer) result[0];
    if (code > 1) {
      emit(out, topics.matched(), r, json.writeValueAsBytes(tweet));
    } else {
      ArrayNode tuple = json.createArrayNode().add(code).add((String) result[1]).add(tweet);
      emit(out, code >= -99 ? topics.unmatched() : topics.errors(), r, json.writeValueAsBytes(tuple));
    }
  }

  /** {@code process_tweet}: (code, reason); the tweet is enriched in place when it gets that far. */
  private Object[] processTweet(ObjectNode tweet) {
    if (truthy(tweet.get("retweeted_status"))) {
      return new Object[] {-1, "retweet - ignored"};
    }
    JsonNode entities = tweet.get("entities");
    if (!truthy(entities)) {
      return new Object[] {-2, "no entities element"};
    }
    JsonNode urls = entities.get("urls");
    if (!truthy(urls)) {
      return new Object[] {-3, "no entities.urls element"};
    }
    List<String> domains = new ArrayList<>();
    List<String> primaries = new ArrayList<>();
    List<String> fullUrls = new ArrayList<>();
    for (JsonNode url : urls) {
      JsonNode expanded = url.get("expanded_url");
      if (expanded == null) {
        return new Object[] {-104, "KeyError: 'expanded_url'"};
      }
      String expandedUrl = expanded.asText();
      String domain;
      try {
        String authority = URI.create(expandedUrl).getRawAuthority();
        domain = authority == null ? "" : authority;
      } catch (IllegalArgumentException e) {
        return new Object[] {-107, String.valueOf(e.getMessage())};
      }
      Matcher m = PRIMARY.matcher(domain);
      String primary = m.find() ? m.group(1) : domain;
      domains.add(domain);
      primaries.add(primary);
      fullUrls.add(expandedUrl);
    }
    if (whitelist.containsAll(primaries)) {
      return new Object[] {-8, "All domains whitelisted"};
    }
    Map<String, String> matched = new LinkedHashMap<>();
    Set<String> seen = new LinkedHashSet<>();
    String text = tweet.path("text").asText();
    for (String[] f : filters) {
      for (int i = 1; i < f.length; i++) {
        if (text.contains(f[i]) && seen.add(f[0] + "\u0000" + f[1])) {
          matched.put(f[0] + "\u0000" + f[1], f[1]);
        }
      }
    }
    ObjectNode enriched = tweet.putObject("enriched");
    ObjectNode media = enriched.putObject("media_details");
    ObjectNode urlInfo = enriched.putObject("url_details");
    domains.forEach(urlInfo.putArray("domain")::add);
    primaries.forEach(urlInfo.putArray("primary_domain")::add);
    fullUrls.forEach(urlInfo.putArray("full_url")::add);
    enriched.put("match_count", matched.size());
    for (Map.Entry<String, String> e : matched.entrySet()) {
      media.put(e.getKey().substring(0, e.getKey().indexOf('\u0000')), e.getValue());
    }
    return new Object[] {matched.size(), null};
  }

  /** Python's truthiness of a JSON value: absent, null, empty containers and "" are false. */
  private static boolean truthy(JsonNode n) {
    if (n == null || n.isNull()) {
      return false;
    }
    if (n.isContainerNode()) {
      return n.size() > 0;
    }
    if (n.isTextual()) {
      return !n.asText().isEmpty();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return !n.isNumber() || n.asDouble() != 0;
  }

  private static void emit(
      List<ProducerRecord<byte[], byte[]>> out, String topic, ConsumerRecord<byte[], byte[]> r, byte[] value) {
    out.add(
        KafkaIo.toProducerRecord(
            topic, new OutputRecord(r.topic(), r.partition(), r.offset(), r.key(), value)));
  }
}
