package dev.linkwatch.runners.flink;

import dev.linkwatch.local.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Flink 1.19 standalone session cluster on loopback: a JobManager and a TaskManager, each its own JVM,
 * on the jars of a Flink distribution without Beam or linkwatch ({@code linkwatch.dist.classpath}, built
 * by runners/flink-dist), as {@code start-cluster.sh} would run them. The TaskManager's memory is set
 * explicitly, as the start scripts do. {@link #close} ends both.
 */
final class FlinkStandalone implements AutoCloseable {
  private final List<ChildJvm> processes = new ArrayList<>();
  private final Path dir;
  private final Path conf;
  private final String classpath;
  private final int restPort;

  private FlinkStandalone(Path dir, Path conf, String classpath, int restPort) {
    this.dir = dir;
    this.conf = conf;
    this.classpath = classpath;
    this.restPort = restPort;
  }

  static FlinkStandalone start(Path dir) throws IOException, InterruptedException {
    String classpath = Files.readString(Path.of(System.getProperty("linkwatch.dist.classpath"))).trim();
    int restPort = ChildJvm.freePort();
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(
        conf.resolve("flink-conf.yaml"),
        String.join(
            "\n",
            "jobmanager.rpc.address: 127.0.0.1",
            "jobmanager.rpc.port: " + ChildJvm.freePort(),
            "jobmanager.bind-host: 127.0.0.1",
            "rest.address: 127.0.0.1",
            "rest.bind-address: 127.0.0.1",
            "rest.port: " + restPort,
            "taskmanager.host: 127.0.0.1",
            "taskmanager.bind-host: 127.0.0.1",
            "taskmanager.numberOfTaskSlots: 2",
            "parallelism.default: 2",
            "io.tmp.dirs: " + Files.createDirectories(dir.resolve("tmp")),
            // What the start scripts compute and pass to a TaskManager; it refuses to start without them.
            "taskmanager.cpu.cores: 2",
            "taskmanager.memory.framework.heap.size: 128m",
            "taskmanager.memory.task.heap.size: 384m",
            "taskmanager.memory.framework.off-heap.size: 128m",
            "taskmanager.memory.task.off-heap.size: 0m",
            // Beam's batch plan on two slots needs more than 2048 network buffers of 32 KiB.
            "taskmanager.memory.network.min: 160m",
            "taskmanager.memory.network.max: 160m",
            "taskmanager.memory.managed.size: 128m",
            "taskmanager.memory.jvm-metaspace.size: 256m",
            "taskmanager.memory.jvm-overhead.min: 192m",
            "taskmanager.memory.jvm-overhead.max: 192m",
            ""));
    Map<String, String> env = Map.of("FLINK_CONF_DIR", conf.toString());
    List<String> args = List.of("--configDir", conf.toString());
    FlinkStandalone cluster = new FlinkStandalone(dir, conf, classpath, restPort);
    try {
      ChildJvm jobManager =
          ChildJvm.start(
              "flink-jobmanager", dir, classpath, List.of("-Xmx512m"), env,
              "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", args);
      cluster.processes.add(jobManager);
      jobManager.awaitLog(l -> l.contains("Rest endpoint listening at"), Duration.ofMinutes(1));
      ChildJvm taskManager =
          ChildJvm.start(
              "flink-taskmanager", dir, classpath,
              List.of("-Xmx512m", "-XX:MaxDirectMemorySize=320m"), env,
              "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", args);
      cluster.processes.add(taskManager);
      taskManager.awaitLog(l -> l.contains("Successful registration at resource manager"), Duration.ofMinutes(1));
      return cluster;
    } catch (RuntimeException | Error | InterruptedException e) {
      cluster.close();
      throw e;
    }
  }

  /** What {@code --flinkMaster} takes: the JobManager's REST endpoint. */
  String master() {
    return "127.0.0.1:" + restPort;
  }

  /**
   * {@code flink run jar args}: the Flink CLI (CliFrontend, from the same jars) in its own JVM, with the
   * cluster's configuration, so it submits to this cluster.
   */
  ChildJvm flinkRun(String name, Path jar, List<String> args) {
    List<String> cli = new ArrayList<>(List.of("run", jar.toString()));
    cli.addAll(args);
    ChildJvm process =
        ChildJvm.start(
            name, dir, classpath, List.of("-Xmx512m"), Map.of("FLINK_CONF_DIR", conf.toString()),
            "org.apache.flink.client.cli.CliFrontend", cli);
    processes.add(process);
    return process;
  }

  String logs() {
    StringBuilder s = new StringBuilder();
    for (ChildJvm p : processes) {
      s.append("\n----- ").append(p).append(" -----\n").append(p.tail());
    }
    return s.toString();
  }

  /** Every log line of the TaskManager, where the job's tasks run. */
  String taskManagerLog() {
    return processes.size() > 1 ? processes.get(1).log() : "";
  }

  /** How many jobs the TaskManager's log shows tasks of (one line per job it joined). */
  long jobsRun() {
    return taskManagerLog().lines().filter(l -> l.contains("Establish JobManager connection for job")).count();
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }
}
