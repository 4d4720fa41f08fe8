package dev.linkwatch.pipeline.kafka;

/**
 * Declared by a runner that delivers the records of one input partition to the exactly-once writer in
 * offset order, bundle by bundle ({@link WriteExactlyOnce} relies on it to skip, after a restore,
 * exactly the records below its committed marker). LinkwatchFlinkRunner declares it: one reader per
 * partition, a fused chain of per-record steps to the writer, and ClassifyUrls holding back records
 * that come after one still waiting for a link lookup. LinkwatchSparkRunner declares it too: a bundle is
 * one partition of a microbatch's RDD, read by one Kafka reader in offset order and passed through
 * per-record steps only (no shuffle between the read and the writers), element by element. A runner
 * that reorders or regroups records in between (the DirectRunner) does not, and {@link
 * WriteExactlyOnce} refuses it.
 */
public interface KeepsPartitionOrder {}
