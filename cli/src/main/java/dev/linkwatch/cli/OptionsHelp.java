package dev.linkwatch.cli;

import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.DetectionOptions;
import dev.linkwatch.pipeline.FileIoOptions;
import dev.linkwatch.pipeline.KafkaReadOptions;
import dev.linkwatch.pipeline.KafkaWriteOptions;
import dev.linkwatch.pipeline.LinkwatchOptions;
import dev.linkwatch.pipeline.WindowingOptions;
import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * {@code linkwatch run --help-options}: every linkwatch option with both spellings, its default and its
 * description wrapped at word boundaries. Beam's own listing is not used: it names Beam's default runner
 * (DirectRunner) where the launcher's is Flink, and wraps inside words.
 */
final class OptionsHelp {
  private OptionsHelp() {}

  static final int WIDTH = 80;

  static void print(PrintStream out) {
    String intro =
        "Pipeline options for 'linkwatch run' (and 'demo'), written --name=value or --name value,"
            + " camelCase (--bootstrapServers) or kebab-case (--bootstrap-servers); in a --config YAML"
            + " file, the same names are the keys. A flag wins over the same key in the file.";
    wrap(intro, WIDTH).forEach(out::println);
    Map<String, Class<?>> groups = new java.util.LinkedHashMap<>();
    groups.put("Files", FileIoOptions.class);
    groups.put("Kafka input", KafkaReadOptions.class);
    groups.put("Kafka output", KafkaWriteOptions.class);
    groups.put("Detection", DetectionOptions.class);
    groups.put("Counts", WindowingOptions.class);
    groups.put("General", LinkwatchOptions.class);
    groups.forEach(
        (title, iface) -> {
          out.println();
          out.println(title + ":");
          List<Method> getters = new ArrayList<>();
          for (Method m : iface.getDeclaredMethods()) {
            if (m.getParameterCount() == 0 && m.getName().startsWith("get") && m.isAnnotationPresent(Description.class)) {
              getters.add(m);
            }
          }
          getters.sort(Comparator.comparing(Method::getName));
          for (Method m : getters) {
            String name = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            option(out, name, m.getReturnType().getSimpleName(), defaultOf(m), m.getAnnotation(Description.class).value());
          }
        });
    out.println();
    out.println("Runner:");
    option(out, "runner", "flink|spark|direct", "flink (with ./linkwatch)",
        "Which engine runs the job: embedded Flink, Spark (local[2] unless --sparkMaster) or Beam's DirectRunner.");
    option(out, "streaming", "boolean", "false",
        "Run as a streaming job (Kafka mode); each runner's own options (Flink's --parallelism, --checkpointDir; Spark's --sparkMaster) are accepted too.");
  }

  private static void option(PrintStream out, String name, String type, String dflt, String description) {
    String kebab = ConfigFile.kebabCase(name);
    String names = kebab.equals(name) ? "--" + name : "--" + name + ", --" + kebab;
    out.println("  " + names + "=<" + type + ">" + (dflt == null ? "" : "  (default: " + dflt + ")"));
    for (String line : wrap(description, WIDTH - 6)) {
      out.println("      " + line);
    }
  }

  /** Splits {@code text} into lines of at most {@code width} characters, breaking only at spaces. */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.trim().split("\\s+")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  private static String defaultOf(Method m) {
    for (Annotation a : m.getAnnotations()) {
      if (a.annotationType().getEnclosingClass() == Default.class) {
        try {
          Object v = a.annotationType().getMethod("value").invoke(a);
          return v.getClass().isArray() ? Arrays.toString((Object[]) v) : String.valueOf(v);
        } catch (ReflectiveOperationException e) {
          return null;
        }
      }
    }
    return null;
  }
}
