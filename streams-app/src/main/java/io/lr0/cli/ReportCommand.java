package io.lr0.cli;

import io.lr0.app.Lr0Config;
import io.lr0.report.EstimateReport;
import io.lr0.report.RobustnessReport;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.records.TopicReader;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.EstimatedAccuracy;
import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lr0 report}: LR0.FM's table from robustness-metrics and robustness-summary as they stand. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Print LR0.FM's table from the metric topics (read_committed, each key's latest value): a row "
                + "per model and dataset, a column per resolution and super-resolution method with top-1 (%%), gamma "
                + "and Gamma, then SAR and WAR rows per model. The same numbers as the dashboard and the topics.")
final class ReportCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(
            names = "--format",
            defaultValue = "text",
            description = "text (a block per model and dataset, a row per resolution and method: fits 100 "
                    + "columns), wide (LR0.FM's layout: a column per resolution and method), csv or markdown (the "
                    + "wide layout) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(
            names = "--estimated",
            description = "Print the accuracy estimated without labels instead (robustness-estimated): a row per "
                    + "model, source and group, resolution and method, with the measured top-1 and the error in "
                    + "points where the source is labelled; text or markdown.")
    boolean estimated;

    @Override
    public Integer call() {
        RobustnessReport.Format chosen;
        try {
            chosen = RobustnessReport.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format must be text, wide, csv or markdown, was '" + format + "'");
        }
        if (estimated && chosen != RobustnessReport.Format.TEXT && chosen != RobustnessReport.Format.MARKDOWN) {
            throw new IllegalArgumentException("--estimated prints text or markdown, not --format " + format);
        }
        Lr0Config settings = cluster.loadReachable();
        if (estimated) {
            return printEstimates(settings, chosen);
        }
        try (StageSerdes serdes = StageSerdes.from(settings.serdeConfig(), OperationalMetrics.none());
                Deserializer<RobustnessMetric> metricReader =
                        serdes.value(RobustnessMetric.class).deserializer();
                Deserializer<RobustnessSummary> summaryReader =
                        serdes.value(RobustnessSummary.class).deserializer()) {
            List<RobustnessMetric> metrics = latest(settings, settings.topics().metrics(), metricReader);
            List<RobustnessSummary> summaries =
                    latest(settings, settings.topics().summary(), summaryReader);
            RobustnessReport report = new RobustnessReport(metrics, summaries);
            if (report.isEmpty()) {
                System.err.println("No metrics yet on " + settings.topics().metrics() + " and "
                        + settings.topics().summary() + ": run the app and produce labelled images first.");
                return 1;
            }
            System.out.print(report.render(chosen));
        }
        return 0;
    }

    /** The estimated accuracy's table. */
    private static int printEstimates(Lr0Config settings, RobustnessReport.Format format) {
        try (StageSerdes serdes = StageSerdes.from(settings.serdeConfig(), OperationalMetrics.none());
                Deserializer<EstimatedAccuracy> reader =
                        serdes.value(EstimatedAccuracy.class).deserializer()) {
            EstimateReport report =
                    new EstimateReport(latest(settings, settings.topics().estimated(), reader));
            if (report.isEmpty()) {
                System.err.println("No estimates yet on " + settings.topics().estimated() + ": they need a "
                        + "calibration from labelled predictions (estimate.calibration.sources) first.");
                return 1;
            }
            System.out.print(report.render(format == RobustnessReport.Format.MARKDOWN));
        }
        return 0;
    }

    /**
     * The latest value of each key of a compacted topic; a deleted key (tombstone) drops it. A record that cannot be
     * decoded is named on stderr with its offset, and the rest is read.
     */
    private static <T> List<T> latest(Lr0Config settings, String topic, Deserializer<T> reader) {
        Map<String, T> byKey = new LinkedHashMap<>();
        TopicReader.readAll(settings.kafkaClientConfig(), topic, (ConsumerRecord<byte[], byte[]> record) -> {
            String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                byKey.remove(key);
                return;
            }
            try {
                byKey.put(key, reader.deserialize(topic, record.headers(), record.value()));
            } catch (RuntimeException e) {
                System.err.printf(
                        "%s %d/%d: cannot be decoded, left out: %s%n",
                        topic, record.partition(), record.offset(), e.getMessage());
            }
        });
        return new ArrayList<>(byKey.values());
    }
}
