package io.lr0.contract;

import java.util.List;
import java.util.Map;
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

    /**
     * Every topic of the pipeline with {@code partitions} partitions (the most instances that share work): the
     * stages' inputs with their dead-letter topics, the outputs, and the label spaces (one partition: all
     * instances read it whole).
     */
    public List<NewTopic> specs(int partitions) {
        return List.of(
                TopicSetup.topic(images, partitions),
                deadLetters(images, partitions),
                TopicSetup.topic(variants, partitions),
                deadLetters(variants, partitions),
                TopicSetup.topic(upscaled, partitions),
                deadLetters(upscaled, partitions),
                TopicSetup.topic(predictions, partitions),
                TopicSetup.compacted(metrics, partitions),
                TopicSetup.topic(metricsWindowed, partitions),
                TopicSetup.compacted(summary, partitions),
                TopicSetup.compacted(agreement, partitions),
                TopicSetup.topic(agreementWindowed, partitions),
                TopicSetup.compacted(agreementSummary, partitions),
                TopicSetup.compacted(calibration, partitions),
                TopicSetup.compacted(estimated, partitions),
                TopicSetup.topic(estimatedWindowed, partitions),
                TopicSetup.compacted(alerts, partitions),
                TopicSetup.compacted(datasets, 1));
    }

    /** The dead-letter topic of {@code source}, large enough for any record the source's broker default accepts. */
    private static NewTopic deadLetters(String source, int partitions) {
        return TopicSetup.topic(DeadLetterHeaders.topicFor(source), partitions)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(DEAD_LETTER_MAX_MESSAGE_BYTES)));
    }
}
