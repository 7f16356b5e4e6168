package io.lr0.contract;

import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** The names of lr0's topics (configurable: {@code topic.*}), and the topics an lr0 pipeline needs. */
public record Topics(
        String images,
        String variants,
        String upscaled,
        String predictions,
        String metrics,
        String metricsWindowed,
        String summary,
        String agreement,
        String agreementWindowed,
        String agreementSummary,
        String calibration,
        String estimated,
        String estimatedWindowed,
        String alerts,
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
            "robustness-agreement",
            "robustness-agreement-windowed",
            "robustness-agreement-summary",
            "robustness-calibration",
            "robustness-estimated",
            "robustness-estimated-windowed",
            "robustness-alerts",
            "datasets");

    /**
     * What a dead-letter topic must take: a whole input record (the broker's default limit is about 1 MiB) plus the
     * headers that say why. lr0 creates its dead-letter topics with this limit and lets its producers send records
     * this large.
     */
    public static final int DEAD_LETTER_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    /**
     * The largest image payload the app takes by default ({@code image.max.bytes}); producers that make images (the
     * camera) refuse larger frames with it rather than send what the stream would dead-letter.
     */
    public static final long DEFAULT_IMAGE_MAX_BYTES = 1_000_000L;

    /** Room a dead letter needs beyond its input record: the reason, message and source headers. */
    public static final int DEAD_LETTER_HEADROOM_BYTES = 16 * 1024;

    /** Every topic of the pipeline with {@code partitions} partitions, replicated as the broker's defaults say. */
    public List<NewTopic> specs(int partitions) {
        return specs(TopicLayout.brokerDefaults(partitions));
    }

    /**
     * Every topic of the pipeline laid out as {@code layout} says: the stages' inputs with their dead-letter topics,
     * the outputs, and the label spaces (one partition: all instances read it whole).
     */
    public List<NewTopic> specs(TopicLayout layout) {
        TopicLayout single = new TopicLayout(1, layout.replicationFactor(), layout.minInsyncReplicas());
        return List.of(
                TopicSetup.topic(images, layout),
                deadLetters(images, layout),
                TopicSetup.topic(variants, layout),
                deadLetters(variants, layout),
                TopicSetup.topic(upscaled, layout),
                deadLetters(upscaled, layout),
                TopicSetup.topic(predictions, layout),
                TopicSetup.compacted(metrics, layout),
                TopicSetup.topic(metricsWindowed, layout),
                TopicSetup.compacted(summary, layout),
                TopicSetup.compacted(agreement, layout),
                TopicSetup.topic(agreementWindowed, layout),
                TopicSetup.compacted(agreementSummary, layout),
                TopicSetup.compacted(calibration, layout),
                TopicSetup.compacted(estimated, layout),
                TopicSetup.topic(estimatedWindowed, layout),
                TopicSetup.compacted(alerts, layout),
                TopicSetup.compacted(datasets, single));
    }

    /** The dead-letter topic of {@code source}, large enough for any record the source's broker default accepts. */
    private static NewTopic deadLetters(String source, TopicLayout layout) {
        return TopicSetup.withConfig(
                TopicSetup.topic(DeadLetterHeaders.topicFor(source), layout),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                String.valueOf(DEAD_LETTER_MAX_MESSAGE_BYTES));
    }
}
