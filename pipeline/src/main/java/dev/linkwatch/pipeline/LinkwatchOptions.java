package dev.linkwatch.pipeline;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** All of linkwatch's settings; each also has a key of the same name in the YAML config file. */
public interface LinkwatchOptions
    extends KafkaReadOptions, KafkaWriteOptions, FileIoOptions, DetectionOptions, WindowingOptions {

  @Description("YAML configuration file whose keys are these options' names (see config.example.yaml).")
  String getConfig();

  void setConfig(String value);

  @Description("Partitions for topics linkwatch creates itself (demo, local broker).")
  @Default.Integer(2)
  int getTopicPartitions();

  void setTopicPartitions(int value);
}
