package io.lr0.dashboard;

import io.lr0.contract.Keys;
import io.lr0.metrics.Agreement;
import io.lr0.metrics.AlertRule.Measure;
import io.lr0.schema.AgreementMetric;
import io.lr0.schema.AlertSample;
import io.lr0.schema.AlertState;
import io.lr0.schema.EstimatedAccuracy;
import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;

/**
 * lr0's robustness numbers as Prometheus gauges on this instance's {@code /metrics}: what its active stores hold,
 * read at each scrape. A key lives in one active store, so the series of all instances are disjoint (told apart by
 * Prometheus' {@code instance} label). Each measure has a cumulative gauge and a {@code _window} gauge holding its
 * latest closed tumbling window (ended by the scrape's wall-clock time: live sources), each with its sample count,
 * which is what alert rules read. Sources beyond the cap ({@code prometheus.max.sources}, those with the most
 * predictions kept) are aggregated under {@code source="other"}: a weighted mean, samples summed.
 */
final class RobustnessGauges {
    /** The source label of the sources beyond the cap. */
    static final String OTHER_SOURCES = "other";

    private static final List<String> DATASET_LABELS = List.of("model", "dataset", "resolution", "method");
    private static final List<String> SOURCE_LABELS =
            List.of("model", "dataset", "source", "group", "resolution", "method");
    private static final List<String> AGREEMENT_LABELS = List.of("model", "source", "resolution", "method");
    private static final List<String> SUMMARY_LABELS = List.of("model", "resolution", "method");
    private static final List<String> ALERT_LABELS =
            List.of("rule", "measure", "model", "dataset", "source", "group", "resolution", "method");
    /** Windows looked back for the latest closed one: it, the open one, one late. */
    private static final int WINDOWS_LOOKED_BACK = 3;

    /** How rows of merged sources combine into one. */
    enum Merge {
        /** The sample-weighted mean (a share). */
        MEAN,
        /** The sum (a count of samples). */
        SUM,
        /** The largest (an alert: one firing is firing). */
        MAX
    }

    /** One gauge name: its labels, its help text, and how rows of merged sources combine. */
    enum Family {
        ESTIMATED_TOP1(
                "lr0.estimated.top1", SOURCE_LABELS, "Top-1 accuracy estimated without labels (ATC)", Merge.MEAN),
        ESTIMATED_SAMPLES("lr0.estimated.samples", SOURCE_LABELS, "Predictions the estimate is of", Merge.SUM),
        MEASURED_TOP1("lr0.measured.top1", DATASET_LABELS, "Top-1 accuracy measured against the labels", Merge.MEAN),
        MEASURED_SAMPLES("lr0.measured.samples", DATASET_LABELS, "Labelled predictions measured", Merge.SUM),
        GAMMA("lr0.gamma", DATASET_LABELS, "LR0.FM's relative robustness gamma (top-1 over native top-1)", Merge.MEAN),
        AGREEMENT_TOP1("lr0.agreement.top1", AGREEMENT_LABELS, "Top-1 agreement with native resolution", Merge.MEAN),
        AGREEMENT_SAMPLES("lr0.agreement.samples", AGREEMENT_LABELS, "Image pairs compared with native", Merge.SUM),
        SAR("lr0.robustness.sar", SUMMARY_LABELS, "LR0.FM's simple averaged robustness over resolutions", Merge.MEAN),
        WAR("lr0.robustness.war", SUMMARY_LABELS, "LR0.FM's weighted averaged robustness over resolutions", Merge.MEAN),
        ALERT_FIRING("lr0.alert.firing", ALERT_LABELS, "1 while lr0's own alert rule fires on the subject", Merge.MAX);

        final String name;
        final List<String> labels;
        final String help;
        final Merge merge;

        Family(String name, List<String> labels, String help, Merge merge) {
            this.name = name;
            this.labels = labels;
            this.help = help;
            this.merge = merge;
        }

        /** The meter's name: cumulative, or of the latest closed window. */
        String meterName(boolean window) {
            return name + (window ? ".window" : "");
        }

        /** The same as Prometheus names it. */
        String prometheusName(boolean window) {
            return meterName(window).replace('.', '_');
        }
    }

    /** The gauge of {@code measure}'s value. */
    private static Family valueOf(Measure measure) {
        return switch (measure) {
            case ESTIMATED_TOP1 -> Family.ESTIMATED_TOP1;
            case MEASURED_TOP1 -> Family.MEASURED_TOP1;
            case GAMMA -> Family.GAMMA;
            case AGREEMENT_TOP1 -> Family.AGREEMENT_TOP1;
        };
    }

    /** The gauge a rule on {@code measure} reads, of the latest closed window ({@code window}) or cumulative. */
    static String gaugeOf(Measure measure, boolean window) {
        return valueOf(measure).prometheusName(window);
    }

    /** The sample count beside {@code measure}'s gauge (gamma's: the measured predictions behind it). */
    static String samplesGaugeOf(Measure measure, boolean window) {
        Family samples = switch (measure) {
            case ESTIMATED_TOP1 -> Family.ESTIMATED_SAMPLES;
            case MEASURED_TOP1, GAMMA -> Family.MEASURED_SAMPLES;
            case AGREEMENT_TOP1 -> Family.AGREEMENT_SAMPLES;
        };
        return samples.prometheusName(window);
    }

    /** The labels of {@code measure}'s gauges. */
    static List<String> labelsOf(Measure measure) {
        return valueOf(measure).labels;
    }

    /** One series: its labels in the family's order, its value, and the samples it weighs when merged. */
    record Row(Family family, boolean window, Map<String, String> labels, double value, long weight) {}

    private final QueryService queries;
    private final Duration windowSize;
    private final int maxSources;
    private final MeterRegistry registry;
    private final Map<String, MultiGauge> gauges = new HashMap<>();

    RobustnessGauges(QueryService queries, Duration windowSize, int maxSources, MeterRegistry registry) {
        this.queries = queries;
        this.windowSize = windowSize;
        this.maxSources = maxSources;
        this.registry = registry;
    }

    /** Reads the stores and replaces every gauge's series: call before each scrape. */
    void refresh(Instant now) {
        List<Row> rows = new ArrayList<>();
        Instant from = now.minus(windowSize.multipliedBy(WINDOWS_LOOKED_BACK));
        queries.localEstimates(null).forEach(estimate -> addEstimate(rows, estimate, false));
        queries.localEstimatesOfLatestWindows(from, now).forEach(estimate -> addEstimate(rows, estimate, true));
        queries.localMetrics().forEach(metric -> addMetric(rows, metric, false));
        queries.localMetricsOfLatestWindows(from, now).forEach(metric -> addMetric(rows, metric, true));
        queries.localAgreement(null, Agreement::metrics).forEach(agreement -> addAgreement(rows, agreement, false));
        queries.localAgreementOfLatestWindows(from, now).forEach(agreement -> addAgreement(rows, agreement, true));
        queries.localSummaries().forEach(summary -> addSummary(rows, summary));
        queries.localAlerts().forEach(alert -> addAlert(rows, alert));
        publish(rows);
    }

    /** {@code rows}, their sources capped, as the gauges' series: every series not among them is removed. */
    synchronized void publish(List<Row> rows) {
        Map<String, List<Row>> byGauge = capSources(rows, maxSources).stream()
                .collect(Collectors.groupingBy(
                        row -> row.family().meterName(row.window()), LinkedHashMap::new, Collectors.toList()));
        for (Family family : Family.values()) {
            for (boolean window : new boolean[] {false, true}) {
                String name = family.meterName(window);
                List<Row> series = byGauge.getOrDefault(name, List.of());
                if (series.isEmpty() && !gauges.containsKey(name)) {
                    continue;
                }
                gauges.computeIfAbsent(
                                name,
                                n -> MultiGauge.builder(n)
                                        .description(family.help + (window ? ", latest closed window" : ""))
                                        .register(registry))
                        .register(
                                series.stream()
                                        .map(row -> MultiGauge.Row.of(tags(row), row.value()))
                                        .collect(Collectors.toList()),
                                true);
            }
        }
    }

    private static Tags tags(Row row) {
        Tags tags = Tags.empty();
        for (Map.Entry<String, String> label : row.labels().entrySet()) {
            tags = tags.and(label.getKey(), label.getValue());
        }
        return tags;
    }

    /**
     * The rows with every source but the {@code maxSources} with the most predictions (estimated and compared with
     * native, cumulative and in the latest window) relabelled {@link #OTHER_SOURCES}, and rows that then share labels merged into one.
     */
    static List<Row> capSources(List<Row> rows, int maxSources) {
        Map<String, Long> predictions = new HashMap<>();
        for (Row row : rows) {
            if (row.family() == Family.ESTIMATED_SAMPLES || row.family() == Family.AGREEMENT_SAMPLES) {
                predictions.merge(row.labels().get("source"), row.weight(), Long::sum);
            }
        }
        Set<String> named = predictions.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(maxSources)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        Map<List<Object>, List<Row>> merged = new LinkedHashMap<>();
        for (Row row : rows) {
            Row relabelled = row;
            String source = row.labels().get("source");
            if (source != null && !source.isEmpty() && !named.contains(source)) {
                Map<String, String> labels = new LinkedHashMap<>(row.labels());
                labels.put("source", OTHER_SOURCES);
                relabelled = new Row(row.family(), row.window(), labels, row.value(), row.weight());
            }
            merged.computeIfAbsent(
                            List.of(relabelled.family(), relabelled.window(), relabelled.labels()),
                            k -> new ArrayList<>())
                    .add(relabelled);
        }
        return merged.values().stream().map(RobustnessGauges::merge).toList();
    }

    private static Row merge(List<Row> rows) {
        Row first = rows.get(0);
        if (rows.size() == 1) {
            return first;
        }
        long weight = rows.stream().mapToLong(Row::weight).sum();
        double value = switch (first.family().merge) {
            case MAX -> rows.stream().mapToDouble(Row::value).max().orElseThrow();
            case SUM -> weight;
            case MEAN ->
                weight == 0
                        ? rows.stream().mapToDouble(Row::value).average().orElseThrow()
                        : rows.stream()
                                        .mapToDouble(row -> row.value() * row.weight())
                                        .sum()
                                / weight;
        };
        return new Row(first.family(), first.window(), first.labels(), value, weight);
    }

    static void addEstimate(List<Row> rows, EstimatedAccuracy estimate, boolean window) {
        Map<String, String> labels = labels(
                Family.ESTIMATED_TOP1,
                estimate.getModel(),
                estimate.getDataset(),
                estimate.getSource(),
                estimate.getGroup(),
                estimate.getResolution(),
                estimate.getSrMethod(),
                null,
                null);
        rows.add(new Row(Family.ESTIMATED_TOP1, window, labels, estimate.getEstimatedTop1(), estimate.getSamples()));
        rows.add(new Row(Family.ESTIMATED_SAMPLES, window, labels, estimate.getSamples(), estimate.getSamples()));
    }

    private static void addMetric(List<Row> rows, RobustnessMetric metric, boolean window) {
        Map<String, String> labels = labels(
                Family.MEASURED_TOP1,
                metric.getModel(),
                metric.getDataset(),
                null,
                null,
                metric.getResolution(),
                metric.getSrMethod(),
                null,
                null);
        long measured = metric.getTotal();
        if (metric.getAccuracyTop1() != null) {
            rows.add(new Row(Family.MEASURED_TOP1, window, labels, metric.getAccuracyTop1(), measured));
            rows.add(new Row(Family.MEASURED_SAMPLES, window, labels, measured, measured));
        }
        if (metric.getGamma() != null) {
            rows.add(new Row(Family.GAMMA, window, labels, metric.getGamma(), measured));
        }
    }

    static void addAgreement(List<Row> rows, AgreementMetric agreement, boolean window) {
        Map<String, String> labels = labels(
                Family.AGREEMENT_TOP1,
                agreement.getModel(),
                null,
                agreement.getSource(),
                null,
                agreement.getResolution(),
                agreement.getSrMethod(),
                null,
                null);
        rows.add(new Row(Family.AGREEMENT_TOP1, window, labels, agreement.getAgreementTop1(), agreement.getSamples()));
        rows.add(new Row(Family.AGREEMENT_SAMPLES, window, labels, agreement.getSamples(), agreement.getSamples()));
    }

    private static void addSummary(List<Row> rows, RobustnessSummary summary) {
        Map<String, String> labels = labels(
                Family.SAR,
                summary.getModel(),
                null,
                null,
                null,
                summary.getResolution(),
                summary.getSrMethod(),
                null,
                null);
        if (summary.getSar() != null) {
            rows.add(new Row(Family.SAR, false, labels, summary.getSar(), summary.getTotal()));
        }
        if (summary.getWar() != null) {
            rows.add(new Row(Family.WAR, false, labels, summary.getWar(), summary.getTotal()));
        }
    }

    static void addAlert(List<Row> rows, KeyValue<String, AlertState> alert) {
        List<AlertSample> windows = alert.value.getWindows();
        AlertSample subject = windows.get(windows.size() - 1);
        Map<String, String> labels = labels(
                Family.ALERT_FIRING,
                subject.getModel(),
                subject.getDataset(),
                subject.getSource(),
                subject.getGroup(),
                subject.getResolution(),
                subject.getSrMethod(),
                Keys.ruleOf(alert.key),
                subject.getMeasure());
        rows.add(new Row(Family.ALERT_FIRING, false, labels, alert.value.getFiring() ? 1 : 0, 1));
    }

    /** The family's labels in order; a value the subject lacks (a group, a dataset) is the empty string. */
    private static Map<String, String> labels(
            Family family,
            String model,
            String dataset,
            String source,
            String group,
            Integer resolution,
            String method,
            String rule,
            String measure) {
        Map<String, String> values = new HashMap<>();
        values.put("model", model);
        values.put("dataset", dataset);
        values.put("source", source);
        values.put("group", group);
        values.put("resolution", Keys.resolutionName(resolution));
        values.put("method", method);
        values.put("rule", rule);
        values.put("measure", measure);
        Map<String, String> labels = new LinkedHashMap<>();
        for (String label : family.labels) {
            String value = values.get(label);
            labels.put(label, value == null ? "" : value);
        }
        return labels;
    }
}
