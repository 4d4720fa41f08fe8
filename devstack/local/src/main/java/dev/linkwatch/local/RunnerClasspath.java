package dev.linkwatch.local;

import dev.linkwatch.pipeline.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The classpath {@code ./linkwatch --runner=X} runs on, for tools that start a runner in a JVM of its
 * own (the benchmarks, the tests): the module's dependency list, the module's own classes, and the
 * engine jars a module keeps out of its bundle ({@code provided.classpath}: Spark).
 */
public final class RunnerClasspath {
  private RunnerClasspath() {}

  /** The classpath of runner module {@code runner} (direct, flink or spark) under {@code projectDir}. */
  public static String of(Path projectDir, String runner) {
    Path target = projectDir.resolve("runners").resolve(runner).resolve("target");
    Path list = target.resolve("runtime.classpath");
    if (!Files.isRegularFile(list)) {
      throw new ConfigException(
          list + " is missing; build first (mvn -B -DskipTests package, or any ./linkwatch command)");
    }
    StringBuilder classpath = new StringBuilder(read(list));
    if (Files.isDirectory(target.resolve("classes"))) {
      classpath.append(java.io.File.pathSeparator).append(target.resolve("classes").toAbsolutePath());
    }
    Path provided = target.resolve("provided.classpath");
    if (Files.isRegularFile(provided)) {
      classpath.append(java.io.File.pathSeparator).append(read(provided));
    }
    return classpath.toString();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
