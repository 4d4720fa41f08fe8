package dev.linkwatch.pipeline;

import dev.linkwatch.pipeline.kafka.KafkaClientSettings;

import dev.linkwatch.core.Catalog;
import dev.linkwatch.core.CatalogException;
import dev.linkwatch.core.CatalogFeed;
import dev.linkwatch.core.CatalogFiles;
import dev.linkwatch.core.CatalogTopic;
import dev.linkwatch.core.DomainList;
import dev.linkwatch.core.unshorten.UnshortenSettings;
import dev.linkwatch.transforms.ClassifyUrls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.linkwatch.core.RecordFormat;

/**
 * The options, checked and parsed once at start: catalog files loaded, domain lists built, Kafka
 * client settings merged and checked ({@link KafkaClientSettings}). Every problem becomes a {@link ConfigException} naming the key.
 */
public record Settings(
    Catalog catalog,
    DomainList whitelist,
    DomainList blacklist,
    int minMatches,
    boolean fuzzy,
    UnshortenSettings unshorten,
    Map<String, Object> kafkaProperties,
    int maxRecordBytes,
    Windowing windowing,
    RecordFormat inputFormat,
    CatalogFeed catalogFeed,
    Duration catalogRefresh) {

  /**
   * Settings with a fixed catalog. {@code catalog} is what the job starts with; {@code catalogFeed}
   * is where workers read it and its updates from (a fixed feed of {@code catalog} when the catalog
   * is not watched), every {@code catalogRefresh}.
   */
  public Settings(
      Catalog catalog,
      DomainList whitelist,
      DomainList blacklist,
      int minMatches,
      boolean fuzzy,
      UnshortenSettings unshorten,
      Map<String, Object> kafkaProperties,
      int maxRecordBytes,
      Windowing windowing,
      RecordFormat inputFormat) {
    this(
        catalog,
        whitelist,
        blacklist,
        minMatches,
        fuzzy,
        unshorten,
        kafkaProperties,
        maxRecordBytes,
        windowing,
        inputFormat,
        CatalogFeed.fixed(catalog),
        Duration.ZERO);
  }

  /** Settings that recognise each record's shape ({@link RecordFormat#AUTO}). */
  public Settings(
      Catalog catalog,
      DomainList whitelist,
      DomainList blacklist,
      int minMatches,
      boolean fuzzy,
      UnshortenSettings unshorten,
      Map<String, Object> kafkaProperties,
      int maxRecordBytes,
      Windowing windowing) {
    this(
        catalog,
        whitelist,
        blacklist,
        minMatches,
        fuzzy,
        unshorten,
        kafkaProperties,
        maxRecordBytes,
        windowing,
        RecordFormat.AUTO);
  }

  public static Settings from(LinkwatchOptions o) {
    if (o.getMinMatches() < 1) {
      throw new ConfigException("minMatches must be at least 1, was " + o.getMinMatches());
    }
    if (o.getMaxRecordBytes() < 1024) {
      throw new ConfigException("maxRecordBytes must be at least 1024, was " + o.getMaxRecordBytes());
    }
    if (o.getUnshortenTimeoutMillis() <= 0) {
      throw new ConfigException(
          "unshortenTimeoutMillis must be positive, was " + o.getUnshortenTimeoutMillis());
    }
    if (!Set.of("earliest", "latest").contains(o.getStartOffset())) {
      throw new ConfigException(
          "startOffset must be 'earliest' or 'latest', was '" + o.getStartOffset() + "'");
    }
    if (o.getMaxReadSeconds() < 0) {
      throw new ConfigException("maxReadSeconds must be 0 (forever) or more, was " + o.getMaxReadSeconds());
    }
    for (String key : List.of("inputTopic", "matchedTopic", "unmatchedTopic", "errorsTopic")) {
      String topic =
          switch (key) {
            case "inputTopic" -> o.getInputTopic();
            case "matchedTopic" -> o.getMatchedTopic();
            case "unmatchedTopic" -> o.getUnmatchedTopic();
            default -> o.getErrorsTopic();
          };
      // The input may be several topics, comma-separated.
      String pattern =
          key.equals("inputTopic")
              ? "[A-Za-z0-9._-]{1,249}(,[A-Za-z0-9._-]{1,249})*"
              : "[A-Za-z0-9._-]{1,249}";
      if (topic == null || !topic.matches(pattern)) {
        throw new ConfigException(key + " '" + topic + "' is not a valid Kafka topic name");
      }
    }
    if (o.getOutput() != null && o.getInput() == null) {
      throw new ConfigException("output is set but input is not: file mode needs both");
    }
    UnshortenSettings unshorten =
        UnshortenSettings.defaults()
            .withEnabled(o.getUnshorten())
            .withTotalTimeout(Duration.ofMillis(o.getUnshortenTimeoutMillis()))
            .withAllowLoopback(o.getUnshortenAllowPrivate())
            .withAllowPrivate(o.getUnshortenAllowPrivate());
    if (o.getShorteners() != null && !o.getShorteners().isEmpty()) {
      Set<String> hosts = new HashSet<>(unshorten.shortenerHosts());
      o.getShorteners().forEach(h -> hosts.add(h.trim().toLowerCase(java.util.Locale.ROOT)));
      unshorten = unshorten.withShortenerHosts(hosts);
    }
    RecordFormat inputFormat;
    try {
      inputFormat = RecordFormat.fromOption(o.getInputFormat());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("inputFormat: " + e.getMessage());
    }
    if (o.getCatalogRefreshSeconds() < 0) {
      throw new ConfigException(
          "catalogRefreshSeconds must be 0 (never) or more, was " + o.getCatalogRefreshSeconds());
    }
    Map<String, Object> kafkaProperties =
        KafkaClientSettings.of(o.getKafkaProperties(), o.getKafkaPropertiesFile());
    CatalogFeed feed = catalogFeed(o.getCatalog(), kafkaProperties, o.getBootstrapServers());
    Catalog catalog = readCatalog(feed, o.getCatalog());
    return new Settings(
        catalog,
        domains(
            "whitelist",
            o.getWhitelist() == null ? ClassifyUrls.ORIGINAL_WHITELIST : o.getWhitelist()),
        domains("blacklist", o.getBlacklist()),
        o.getMinMatches(),
        o.getFuzzy(),
        unshorten,
        kafkaProperties,
        o.getMaxRecordBytes(),
        Windowing.from(o),
        inputFormat,
        feed,
        Duration.ofSeconds(o.getCatalogRefreshSeconds()));
  }

  /** Reads the catalog files and built-ins named, as the job would start with them. */
  public static Catalog loadCatalog(List<String> files) {
    return readCatalog(catalogFeed(files, Map.of(), null), files);
  }

  /**
   * Where {@code --catalog} says the catalog lives: the built-ins alone are fixed; files and
   * directories (with any built-ins merged first) are watched ({@link CatalogFiles}); {@code
   * kafka:TOPIC}, alone, is a catalog topic read with the job's Kafka client settings.
   */
  public static CatalogFeed catalogFeed(
      List<String> entries, Map<String, Object> kafkaProperties, String bootstrapServers) {
    if (entries == null || entries.isEmpty()) {
      return CatalogFeed.fixed(Catalog.original());
    }
    List<String> paths = new java.util.ArrayList<>();
    List<Catalog> builtins = new java.util.ArrayList<>();
    for (String raw : entries) {
      String entry = raw.trim();
      if (entry.startsWith(CatalogTopic.PREFIX)) {
        String topic = entry.substring(CatalogTopic.PREFIX.length());
        if (entries.size() > 1) {
          throw new ConfigException("catalog: " + entry + " must be the only catalog named");
        }
        if (!topic.matches("[A-Za-z0-9._-]{1,249}")) {
          throw new ConfigException("catalog: '" + topic + "' is not a valid Kafka topic name");
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
          throw new ConfigException("catalog: " + entry + " needs --bootstrapServers");
        }
        Map<String, String> client = new java.util.TreeMap<>();
        kafkaProperties.forEach((k, v) -> client.put(k, String.valueOf(v)));
        client.put("bootstrap.servers", bootstrapServers);
        return new CatalogTopic(topic, client);
      } else if (entry.startsWith("builtin:")) {
        builtins.add(builtin(entry));
      } else {
        Path path = Path.of(entry);
        if (!Files.isReadable(path)) {
          throw new ConfigException(
              "catalog: file '" + raw + "' does not exist or is not readable");
        }
        paths.add(entry);
      }
    }
    Catalog fixedPart = builtins.isEmpty() ? null : CatalogFeed.merge(builtins);
    return paths.isEmpty() ? CatalogFeed.fixed(fixedPart) : new CatalogFiles(paths, fixedPart);
  }

  /** The feed's content now; a refusal is a {@link ConfigException} naming the catalog. */
  static Catalog readCatalog(CatalogFeed feed, List<String> named) {
    Catalog catalog;
    try (CatalogFeed.Reader reader = feed.open()) {
      catalog = reader.poll();
    } catch (CatalogException e) {
      throw new ConfigException("catalog: " + ConfigFile.oneLine(e.getMessage()), e);
    }
    if (catalog == null || catalog.size() == 0) {
      throw new ConfigException("catalog: " + named + " hold no artist, album or track");
    }
    return catalog;
  }

  /** Catalogs shipped inside linkwatch: {@code builtin:original} and {@code builtin:chinook}. */
  public static Catalog builtin(String name) {
    switch (name) {
      case "builtin:original":
        return Catalog.original();
      case "builtin:chinook":
        try (var in = Settings.class.getResourceAsStream("catalog/chinook_tracks.csv")) {
          return dev.linkwatch.core.CatalogCsv.read(
              new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8), "builtin:chinook");
        } catch (IOException | CatalogException e) {
          throw new IllegalStateException("the shipped Chinook catalog cannot be read", e);
        }
      default:
        throw new ConfigException(
            "catalog: unknown built-in catalog '" + name + "' (known: builtin:original, builtin:chinook)");
    }
  }

  static DomainList domains(String key, List<String> entries) {
    if (entries == null) {
      return DomainList.of(List.of());
    }
    for (String d : entries) {
      String t = d.trim();
      if (!t.isEmpty() && !t.matches("[A-Za-z0-9.-]+")) {
        throw new ConfigException(key + ": '" + d + "' is not a domain name (e.g. spotify.com)");
      }
    }
    return DomainList.of(entries.stream().map(String::trim).filter(s -> !s.isEmpty()).toList());
  }
}
