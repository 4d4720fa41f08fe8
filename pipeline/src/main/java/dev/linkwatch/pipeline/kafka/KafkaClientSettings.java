package dev.linkwatch.pipeline.kafka;

import dev.linkwatch.pipeline.ConfigException;
import dev.linkwatch.pipeline.ConfigFile;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.provider.FileConfigProvider;

/**
 * Kafka client settings from {@code --kafkaProperties} (inline, repeatable) and {@code
 * --kafkaPropertiesFile} (a properties file), checked at start and merged; inline entries win.
 *
 * <p>KafkaIO copies every consumer and producer setting into the pipeline's display data, which
 * runners log and show in their UIs. So no secret value ever enters the map this class returns:
 * inline secrets are refused, and a secret read from the file is replaced by a Kafka config-provider
 * reference {@code ${file:/abs/file:key}} (with {@code config.providers=file}), which the Kafka
 * client resolves itself when it is created. A key is a secret when its Kafka type is {@code
 * PASSWORD} (e.g. {@code sasl.jaas.config}, {@code ssl.key.password}) or its name says so.
 *
 * <p>Every key must be a Kafka consumer or producer setting and every non-secret value must parse
 * and validate as Kafka would; otherwise a {@link ConfigException} names the key (never a secret
 * value). Keys linkwatch sets itself (servers, group, (de)serializers) are refused with the option to
 * use instead.
 */
public final class KafkaClientSettings {
  static final String INLINE = "kafkaProperties";
  static final String FILE = "kafkaPropertiesFile";
  static final String PROVIDERS = "config.providers";
  static final String FILE_PROVIDER_CLASS = "config.providers.file.class";

  private static final ConfigDef CONSUMER = ConsumerConfig.configDef();
  private static final ConfigDef PRODUCER = ProducerConfig.configDef();

  /** Settings that linkwatch owns, with the option that sets them. */
  private static final Map<String, String> MANAGED =
      Map.of(
          "bootstrap.servers", "--bootstrapServers",
          "group.id", "--consumerGroup",
          "key.deserializer", "nothing (linkwatch reads bytes)",
          "value.deserializer", "nothing (linkwatch reads bytes)",
          "key.serializer", "nothing (linkwatch writes bytes)",
          "value.serializer", "nothing (linkwatch writes bytes)");

  private KafkaClientSettings() {}

  /** The merged client settings; {@code file} may be null, {@code inline} null or empty. */
  public static Map<String, Object> of(List<String> inline, String file) {
    Map<String, Object> props = new LinkedHashMap<>();
    boolean needsFileProvider = false;
    if (file != null && !file.isBlank()) {
      Path path = Path.of(file.trim()).toAbsolutePath().normalize();
      String where = FILE + " " + path;
      if (path.toString().contains(":") || path.toString().contains("}")) {
        // The reference syntax ${file:PATH:KEY} cannot carry these characters.
        throw new ConfigException(where + ": the path must not contain ':' or '}'");
      }
      Properties loaded = load(path, where);
      for (String key : new TreeSet<>(loaded.stringPropertyNames())) {
        String value = loaded.getProperty(key);
        checkKey(where, key);
        if (isSecret(key) && !isReference(value)) {
          props.put(key, "${file:" + path + ":" + key + "}");
          needsFileProvider = true;
        } else {
          checkValue(where, key, value);
          props.put(key, value);
        }
      }
    }
    if (inline != null) {
      for (String entry : inline) {
        int eq = entry.indexOf('=');
        if (eq <= 0) {
          // Do not echo the entry: it may hold a secret.
          throw new ConfigException(INLINE + ": an entry is not key=value");
        }
        String key = entry.substring(0, eq).trim();
        String value = entry.substring(eq + 1);
        checkKey(INLINE, key);
        if (isSecret(key) && !isReference(value)) {
          throw new ConfigException(
              INLINE + ": '" + key + "' holds a secret; KafkaIO would copy it into display data"
                  + " that runners print. Put it in a file given with --" + FILE + " (linkwatch"
                  + " passes Kafka only a reference to it), use a config provider reference (e.g."
                  + " ${file:/path/secrets.properties:" + key + "} with config.providers=file) or a"
                  + " JAAS file (-Djava.security.auth.login.config=...)");
        }
        checkValue(INLINE, key, value);
        props.put(key, value);
      }
    }
    if (needsFileProvider) {
      addFileProvider(props);
    } else if (providerNames(props).contains("file")) {
      // Kafka instantiates no provider without its class; the file provider is the one people mean.
      props.putIfAbsent(FILE_PROVIDER_CLASS, FileConfigProvider.class.getName());
    }
    return props;
  }

  /** Whether the value of {@code key} must never be copied anywhere. */
  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.contains("password") || k.contains("secret") || k.equals("sasl.jaas.config")
        || k.endsWith(".key") || k.contains("token") || k.contains("credential")) {
      return true;
    }
    ConfigDef.ConfigKey def = definition(key);
    return def != null && def.type == ConfigDef.Type.PASSWORD;
  }

  private static boolean isReference(String value) {
    String v = value.strip();
    return v.startsWith("${") && v.endsWith("}");
  }

  private static Properties load(Path path, String where) {
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(where + ": does not exist or is not a readable file");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(path, java.nio.charset.StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      // IllegalArgumentException: a malformed \\uXXXX escape; its message holds no content.
      throw new ConfigException(where + ": cannot read: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + ConfigFile.oneLine(e.getMessage())), e);
    }
    return p;
  }

  private static ConfigDef.ConfigKey definition(String key) {
    ConfigDef.ConfigKey k = CONSUMER.configKeys().get(key);
    return k != null ? k : PRODUCER.configKeys().get(key);
  }

  private static void checkKey(String where, String key) {
    if (key.isEmpty()) {
      throw new ConfigException(where + ": an entry has an empty key");
    }
    String managed = MANAGED.get(key);
    if (managed != null) {
      throw new ConfigException(where + ": '" + key + "' is set by linkwatch; use " + managed);
    }
    if (key.equals(PROVIDERS) || key.startsWith(PROVIDERS + ".")) {
      return; // config.providers.<name>.class / .param.* are open-ended by design
    }
    if (definition(key) == null) {
      throw new ConfigException(where + ": '" + key + "' is not a Kafka consumer or producer setting");
    }
  }

  /** Parses and validates a non-secret value as the client will; the message names the key. */
  private static void checkValue(String where, String key, String value) {
    ConfigDef.ConfigKey def = definition(key);
    if (def == null || isReference(value)) {
      return; // providers' settings, or a reference Kafka resolves later
    }
    try {
      Object parsed = ConfigDef.parseType(key, value.trim(), def.type);
      if (def.validator != null) {
        def.validator.ensureValid(key, parsed);
      }
    } catch (org.apache.kafka.common.config.ConfigException e) {
      throw new ConfigException(where + ": '" + key + "': " + ConfigFile.oneLine(e.getMessage()), e);
    }
  }

  private static Set<String> providerNames(Map<String, Object> props) {
    Set<String> names = new LinkedHashSet<>();
    Object declared = props.get(PROVIDERS);
    if (declared != null) {
      for (String n : declared.toString().split(",")) {
        if (!n.isBlank()) {
          names.add(n.trim());
        }
      }
    }
    return names;
  }

  private static void addFileProvider(Map<String, Object> props) {
    Set<String> names = providerNames(props);
    names.add("file");
    props.put(PROVIDERS, String.join(",", names));
    Object cls = props.get(FILE_PROVIDER_CLASS);
    if (cls == null) {
      props.put(FILE_PROVIDER_CLASS, FileConfigProvider.class.getName());
    } else if (!cls.toString().trim().equals(FileConfigProvider.class.getName())) {
      throw new ConfigException(
          FILE + ": secrets from the file are passed as ${file:...} references, but "
              + FILE_PROVIDER_CLASS + " names another provider; remove it or rename that provider");
    }
  }
}
