package dev.linkwatch.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Turns the YAML config file and the command line into one set of Beam options: the file's keys are
 * the options' names, and a value on the command line wins over the same key in the file.
 *
 * <p>Flags are written {@code --name=value} or {@code --name value} (a boolean flag alone means true and
 * takes a following {@code true} or {@code false}), in camelCase ({@code --bootstrapServers}) or
 * kebab-case ({@code --bootstrap-servers}); config keys likewise. Unknown names fail at start with a
 * {@link ConfigException} naming the flag and the closest known one, before Beam sees them.
 */
public final class ConfigFile {
  private ConfigFile() {}

  /** Builds validated options from {@code args}, reading {@code --config=FILE} when present. */
  public static LinkwatchOptions parse(String... args) {
    return parse(List.of(), List.of(args));
  }

  /**
   * {@link #parse(String...)} of {@code args}, with {@code defaults} for what they leave out: a
   * caller's own settings (the demo's short batches) that a flag or the config file replaces. Each
   * list gives an option at most once.
   */
  public static LinkwatchOptions parse(List<String> defaults, List<String> args) {
    Map<String, String> cli = toMap(args);
    Map<String, String> merged = new LinkedHashMap<>(toMap(defaults));
    String config = cli.get("config");
    if (config != null) {
      merged.putAll(readYaml(Path.of(config)));
    }
    merged.putAll(cli);
    List<String> beamArgs = new ArrayList<>();
    merged.forEach((k, v) -> beamArgs.add(v == null ? "--" + k : "--" + k + "=" + v));
    PipelineOptionsFactory.register(LinkwatchOptions.class);
    try {
      return PipelineOptionsFactory.fromArgs(beamArgs.toArray(String[]::new))
          .withValidation()
          .as(LinkwatchOptions.class);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(culprit(beamArgs) + oneLine(e.getMessage()), e);
    }
  }

  /** The options {@code args} give, by their camelCase names; fails as {@link #parse} does on a bad flag. */
  public static Set<String> optionNames(List<String> args) {
    return toMap(args).keySet();
  }

  /** Beam's messages do not always name the option; find it by parsing the flags one at a time. */
  private static String culprit(List<String> beamArgs) {
    for (String arg : beamArgs) {
      try {
        // No validation here: alone, a flag would fail on some other option that is required.
        PipelineOptionsFactory.fromArgs(arg).as(LinkwatchOptions.class);
      } catch (IllegalArgumentException e) {
        int eq = arg.indexOf('=');
        return (eq < 0 ? arg.substring(2) : arg.substring(2, eq)) + ": ";
      }
    }
    return "";
  }

  static Map<String, String> readYaml(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ConfigException("config " + file + ": cannot read: " + oneLine(e.getMessage()), e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return values;
    }
    if (!root.isObject()) {
      throw new ConfigException("config " + file + ": must be a mapping of option names to values");
    }
    Set<String> known = knownKeys();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = camelCase(e.getKey());
      if (!known.contains(key)) {
        String best = closest(key, known);
        throw new ConfigException(
            "config " + file + ": unknown key '" + e.getKey() + "'"
                + (best == null ? "" : " (did you mean '" + best + "'?)"));
      }
      JsonNode v = e.getValue();
      if (v.isArray()) {
        List<String> items = new ArrayList<>();
        v.forEach(
            item -> {
              if (!item.isValueNode()) {
                throw new ConfigException(
                    "config " + file + ": key '" + key + "' must be a list of plain values");
              }
              items.add(item.asText());
            });
        values.put(key, String.join(",", items));
      } else if (v.isValueNode()) {
        values.put(key, v.isNull() ? "" : v.asText());
      } else {
        throw new ConfigException(
            "config " + file + ": key '" + key + "' must be a value or a list, not a mapping");
      }
    }
    return values;
  }

  /** Every option name Beam and linkwatch know, so config files are checked as strictly as flags. */
  public static Set<String> knownKeys() {
    return new TreeSet<>(optionTypes().keySet());
  }

  /**
   * Every option Beam and linkwatch know, with its value type: linkwatch's options and those of every
   * runner on the classpath (e.g. Flink's parallelism).
   */
  static Map<String, Class<?>> optionTypes() {
    Map<String, Class<?>> types = new java.util.TreeMap<>();
    PipelineOptionsFactory.register(LinkwatchOptions.class);
    for (Class<?> iface : PipelineOptionsFactory.getRegisteredOptions()) {
      for (java.lang.reflect.Method m : iface.getMethods()) {
        String n = m.getName();
        if (m.getParameterCount() == 0 && n.length() > 3 && n.startsWith("get")) {
          types.put(Character.toLowerCase(n.charAt(3)) + n.substring(4), m.getReturnType());
        } else if (m.getParameterCount() == 0 && n.length() > 2 && n.startsWith("is")) {
          types.put(Character.toLowerCase(n.charAt(2)) + n.substring(3), m.getReturnType());
        }
      }
    }
    return types;
  }

  /**
   * Reads {@code --name=value} and {@code --name value} flags, camelCase or kebab-case, into option names
   * and values (null: a flag alone). A name no registered option has fails here, in linkwatch's words.
   */
  private static Map<String, String> toMap(List<String> args) {
    Map<String, Class<?>> types = optionTypes();
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new ConfigException(
            "unexpected argument '" + arg + "': options look like --name=value or --name value");
      }
      int eq = arg.indexOf('=');
      String written = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      String key = camelCase(written);
      if (key.equals("kafka")) {
        key = "kafkaProperties"; // the short form: --kafka security.protocol=SASL_SSL
      }
      Class<?> type = types.get(key);
      if (type == null) {
        String best = closest(key, types.keySet());
        throw new ConfigException(
            "unknown option --" + written + (best == null ? "" : "; did you mean --" + best + "?"));
      }
      String value = eq < 0 ? null : arg.substring(eq + 1);
      if (value == null && i + 1 < args.size()) {
        String next = args.get(i + 1);
        boolean bool = type == boolean.class || type == Boolean.class;
        // A boolean flag alone means true, so only an explicit true/false after it is its value;
        // any other option takes the next word unless that is itself a flag.
        if (bool ? next.equals("true") || next.equals("false") : !next.startsWith("--")) {
          value = next;
          i++;
        }
      }
      if (value == null && type != boolean.class && type != Boolean.class) {
        throw new ConfigException("option --" + written + " needs a value: --" + written + "=VALUE");
      }
      // Repeated list flags (--whitelist=a --whitelist=b) accumulate, as Beam's own parser does. A
      // repeated single value would reach Beam as "2,1" and fail with a message about a number.
      if (map.containsKey(key) && !List.class.isAssignableFrom(type) && !type.isArray()) {
        throw new ConfigException(
            "option --" + written + " is given more than once (" + map.get(key) + ", then " + value
                + "): give it once");
      }
      map.merge(key, value, (a, b) -> a == null ? b : b == null ? a : a + "," + b);
    }
    return map;
  }

  /** {@code bootstrap-servers} to {@code bootstrapServers}; camelCase names stay as they are. */
  public static String camelCase(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    boolean upper = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '-' && i > 0 && i < name.length() - 1) {
        upper = true;
      } else {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.toString();
  }

  /** {@code bootstrapServers} to {@code bootstrap-servers}. */
  public static String kebabCase(String name) {
    StringBuilder sb = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        sb.append('-').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The known name closest to {@code key} by edit distance (case aside), or null if none is close. */
  public static String closest(String key, java.util.Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(key.toLowerCase(), k.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best != null && bestDistance <= 3 ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  public static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
