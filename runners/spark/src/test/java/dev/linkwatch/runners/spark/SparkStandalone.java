package dev.linkwatch.runners.spark;

import dev.linkwatch.local.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on loopback: a Master and a Worker, each its own JVM, on the jars of a
 * Spark installation without Beam or linkwatch ({@code linkwatch.dist.classpath}, built by
 * runners/spark-dist), and {@link #submit} runs spark-submit in a third. The Worker starts executors
 * through Spark's launcher, which wants a SPARK_HOME with a RELEASE file and a jars/ folder: this one
 * links the same jars. {@link #close} ends all of them, executors included.
 */
final class SparkStandalone implements AutoCloseable {
  private final Path dir;
  private final String classpath;
  private final Map<String, String> env;
  private final List<ChildJvm> processes = new ArrayList<>();
  private final String masterUrl;

  private SparkStandalone(Path dir, String classpath, Map<String, String> env, int port) {
    this.dir = dir;
    this.classpath = classpath;
    this.env = env;
    this.masterUrl = "spark://127.0.0.1:" + port;
  }

  static SparkStandalone start(Path dir) throws IOException, InterruptedException {
    String classpath = Files.readString(Path.of(System.getProperty("linkwatch.dist.classpath"))).trim();
    Path home = Files.createDirectories(dir.resolve("spark-home"));
    Files.writeString(home.resolve("RELEASE"), "");
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (String jar : classpath.split(java.io.File.pathSeparator)) {
      Path target = Path.of(jar);
      Files.createSymbolicLink(jars.resolve(target.getFileName()), target);
    }
    Map<String, String> env =
        Map.of(
            "SPARK_HOME", home.toString(),
            "SPARK_SCALA_VERSION", "2.12",
            "SPARK_LOCAL_IP", "127.0.0.1",
            "JAVA_HOME", Path.of(ChildJvm.java()).getParent().getParent().toString());
    int port = ChildJvm.freePort();
    SparkStandalone cluster = new SparkStandalone(dir, classpath, env, port);
    try {
      ChildJvm master =
          cluster.spawn(
              "spark-master",
              "org.apache.spark.deploy.master.Master",
              List.of("--host", "127.0.0.1", "--port", String.valueOf(port),
                  "--webui-port", String.valueOf(ChildJvm.freePort())));
      master.awaitLog(l -> l.contains("I have been elected leader"), Duration.ofMinutes(1));
      ChildJvm worker =
          cluster.spawn(
              "spark-worker",
              "org.apache.spark.deploy.worker.Worker",
              List.of("--host", "127.0.0.1", "--cores", "2", "--memory", "2g",
                  "--webui-port", String.valueOf(ChildJvm.freePort()),
                  "--work-dir", Files.createDirectories(dir.resolve("work")).toString(),
                  cluster.masterUrl));
      worker.awaitLog(l -> l.contains("Successfully registered with master"), Duration.ofMinutes(1));
      return cluster;
    } catch (RuntimeException | Error | InterruptedException e) {
      cluster.close();
      throw e;
    }
  }

  String masterUrl() {
    return masterUrl;
  }

  /** The executors' output folder: {@code work/app-*}/N/stdout and stderr. */
  Path workDir() {
    return dir.resolve("work");
  }

  /** spark-submit of {@code bundle} (client mode, so the driver is that JVM) with {@code args} for its main class. */
  ChildJvm submit(String name, Path bundle, List<String> sparkConf, List<String> args) {
    List<String> submit = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", "client"));
    submit.addAll(sparkConf);
    submit.add(bundle.toString());
    submit.addAll(args);
    return spawn(name, "org.apache.spark.deploy.SparkSubmit", submit);
  }

  private ChildJvm spawn(String name, String mainClass, List<String> args) {
    ChildJvm process = ChildJvm.start(name, dir, classpath, List.of("-Xmx1g"), env, mainClass, args);
    processes.add(process);
    return process;
  }

  /** What the processes wrote, for a failure message. */
  String logs() {
    StringBuilder s = new StringBuilder();
    for (ChildJvm p : processes) {
      s.append("\n----- ").append(p).append(" -----\n").append(p.tail());
    }
    return s.toString();
  }

  @Override
  public void close() {
    // The submitters first, the worker (and its executors) next, the master last.
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }
}
