package dev.linkwatch.pipeline;

import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where tweets come from when they come from Kafka. */
public interface KafkaReadOptions extends PipelineOptions {
  @Description("Kafka bootstrap servers, host:port[,host:port], e.g. 127.0.0.1:9092.")
  @Default.String("127.0.0.1:9092")
  String getBootstrapServers();

  void setBootstrapServers(String value);

  @Description(
      "Topics the raw records are read from, comma-separated (values as bytes, one post per record).")
  @Default.String("tweets")
  String getInputTopic();

  void setInputTopic(String value);

  @Description("Consumer group id; offsets are committed under it.")
  @Default.String("linkwatch")
  String getConsumerGroup();

  void setConsumerGroup(String value);

  @Description(
      "Commit read offsets to the consumer group when the runner finalizes a read (Flink: when a "
          + "checkpoint completes). Default: on, except on Spark streaming, which finalizes a microbatch's "
          + "read before its records are written: a restart without a usable checkpoint would skip them.")
  @Default.Boolean(true)
  boolean getCommitOffsets();

  void setCommitOffsets(boolean value);

  @Description("Where to start when the group has no committed offset: earliest or latest.")
  @Default.String("earliest")
  String getStartOffset();

  void setStartOffset(String value);

  @Description(
      "Stop reading after this many seconds of wall time (a bounded run, e.g. for replays and the "
          + "demo); 0 reads forever.")
  @Default.Integer(0)
  int getMaxReadSeconds();

  void setMaxReadSeconds(int value);

  @Description(
      "Stop after this many records (a bounded run: the pipeline ends by itself, as a batch job on "
          + "runners that run bounded input in batch mode); 0 reads forever. KafkaIO splits the count "
          + "evenly over the partitions, so use it only on evenly filled topics (benchmarks, replays).")
  @Default.Long(0)
  long getMaxReadRecords();

  void setMaxReadRecords(long value);

  @Description(
      "Extra Kafka client settings, key=value, repeatable or comma-separated (alias --kafka; e.g. "
          + "security.protocol=SASL_SSL); they win over kafkaPropertiesFile. Secret values (passwords, "
          + "sasl.jaas.config, keys) are refused here because KafkaIO copies every setting into display "
          + "data that runners print: put them in kafkaPropertiesFile, a config provider reference "
          + "(${file:/path:key}) or a JAAS file.")
  List<String> getKafkaProperties();

  void setKafkaProperties(List<String> value);

  @Description(
      "A Kafka client properties file (e.g. client.properties with security.protocol, sasl.mechanism, "
          + "sasl.jaas.config, ssl.*), for the consumer and the producers. Secret values in it never "
          + "reach the pipeline: linkwatch passes Kafka the reference ${file:<absolute path>:<key>} "
          + "(config.providers=file), which the client resolves when it starts, so the file must be "
          + "readable at the same path wherever the pipeline runs. Unknown keys and bad values stop "
          + "linkwatch at start.")
  String getKafkaPropertiesFile();

  void setKafkaPropertiesFile(String value);
}
