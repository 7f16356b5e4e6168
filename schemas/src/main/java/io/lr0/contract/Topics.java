package io.lr0.contract;

import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;

/** The names of lr0's topics (configurable: {@code topic.*}), and the topics an lr0 pipeline needs. */
public record Topics(
        String images,
        String variants,
        String upscaled,
        String predictions,
        String metrics,
        String metricsWindowed,
        String summary,
        String datasets) {
    /** The default names. */
    public static final Topics DEFAULTS = new Topics(
            "images",
            "image-variants",
            "upscaled-variants",
            "predictions",
            "robustness-metrics",
            "robustness-metrics-windowed",
            "robustness-summary",
            "datasets");

    /**
     * Every topic of the pipeline with {@code partitions} partitions (the most instances that share work): the
     * stages' inputs with their dead-letter topics, the outputs, and the label spaces (one partition: all
     * instances read it whole).
     */
    public List<NewTopic> specs(int partitions) {
        return List.of(
                TopicSetup.topic(images, partitions),
                TopicSetup.topic(DeadLetterHeaders.topicFor(images), partitions),
                TopicSetup.topic(variants, partitions),
                TopicSetup.topic(DeadLetterHeaders.topicFor(variants), partitions),
                TopicSetup.topic(upscaled, partitions),
                TopicSetup.topic(DeadLetterHeaders.topicFor(upscaled), partitions),
                TopicSetup.topic(predictions, partitions),
                TopicSetup.compacted(metrics, partitions),
                TopicSetup.topic(metricsWindowed, partitions),
                TopicSetup.compacted(summary, partitions),
                TopicSetup.compacted(datasets, 1));
    }
}
