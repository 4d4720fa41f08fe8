package dev.linkwatch.pipeline;

/**
 * Declared by a runner that should get linkwatch's multi-output steps ({@code ParseTweet}, {@code
 * RouteByOutcome}) as one output each, split by a filter per output right after the step; the steps'
 * results are the same collections either way ({@code dev.linkwatch.transforms.OneOutput}).
 *
 * <p>The seam exists for Spark. Beam 2.70's Spark streaming runner caches the outputs of every ParDo with
 * more than one output, each element encoded, and builds each output by decoding the whole cache again:
 * every tweet's record (which carries the original tweet) is decoded once per output, in both steps,
 * every microbatch. As one collection read by four filters it is still cached, but each element is
 * decoded in full only by the filter that keeps it. LinkwatchSparkRunner declares it; Flink chains the
 * tagged outputs and passes objects, and the DirectRunner is for tests, so they keep Beam's shape.
 */
public interface OneOutputPerStep {}
