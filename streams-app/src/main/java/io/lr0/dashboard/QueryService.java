package io.lr0.dashboard;

import io.lr0.contract.StoreNames;
import io.lr0.metrics.Accuracy;
import io.lr0.metrics.Agreement;
import io.lr0.metrics.Estimation;
import io.lr0.metrics.WarWeights;
import io.lr0.runtime.labelspace.LabelSpaceStore;
import io.lr0.schema.AccuracyState;
import io.lr0.schema.AgreementMetric;
import io.lr0.schema.AgreementState;
import io.lr0.schema.AlertState;
import io.lr0.schema.ConfidenceState;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.EstimatedAccuracy;
import io.lr0.schema.ModelState;
import io.lr0.schema.Prediction;
import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Reads this instance's state stores (interactive queries) and says which instance holds a key. The figures are
 * computed from the counts with the same code as the metric topics ({@link Accuracy}).
 */
final class QueryService {
    private final KafkaStreams streams;
    private final double alpha;
    private final WarWeights weights;
    /** Whether the topology has alert rules, and so their store. */
    private final boolean alerting;

    QueryService(KafkaStreams streams, double alpha, WarWeights weights, boolean alerting) {
        this.streams = streams;
        this.alpha = alpha;
        this.weights = weights;
        this.alerting = alerting;
    }

    /** Current metrics of every model/dataset held here. */
    List<RobustnessMetric> localMetrics() {
        List<RobustnessMetric> metrics = new ArrayList<>();
        try (KeyValueIterator<String, AccuracyState> all =
                this.<AccuracyState>store(StoreNames.ACCURACY_BY_DATASET).all()) {
            all.forEachRemaining(entry -> metrics.addAll(metricsOf(entry.value)));
        }
        return metrics;
    }

    /** Metrics of one model/dataset, when this instance holds it. */
    List<RobustnessMetric> localMetrics(String modelAndDataset) {
        AccuracyState state =
                this.<AccuracyState>store(StoreNames.ACCURACY_BY_DATASET).get(modelAndDataset);
        return state == null ? List.of() : metricsOf(state);
    }

    /** The instance holding a model/dataset key, or null when no instance does (yet). */
    HostInfo ownerOf(String modelAndDataset) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(
                StoreNames.ACCURACY_BY_DATASET, modelAndDataset, Serdes.String().serializer());
        return metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) ? null : metadata.activeHost();
    }

    /** What the API makes of a source's agreement counts: {@link Agreement#metrics} or {@link Agreement#summaries}. */
    @FunctionalInterface
    interface AgreementView<T> {
        List<? extends T> of(AgreementState state, Instant windowStart, Instant windowEnd, Instant now);
    }

    /**
     * Label-free agreement with native resolution of every model/source held here, optionally of one source only
     * (a camera: {@code camera:<name>}), as {@code view} presents it.
     */
    <T> List<T> localAgreement(String source, AgreementView<T> view) {
        List<T> answer = new ArrayList<>();
        try (KeyValueIterator<String, AgreementState> all =
                this.<AgreementState>store(StoreNames.AGREEMENT_BY_SOURCE).all()) {
            all.forEachRemaining(entry -> {
                if (source == null || entry.value.getSource().equals(source)) {
                    answer.addAll(view.of(entry.value, null, null, Instant.now()));
                }
            });
        }
        return answer;
    }

    /** The same per window, of the windows held here that start in [from, to], oldest first. */
    <T> List<T> localAgreementSeries(String source, Instant from, Instant to, AgreementView<T> view) {
        ReadOnlyWindowStore<String, AgreementState> windows = streams.store(StoreQueryParameters.fromNameAndType(
                StoreNames.AGREEMENT_BY_SOURCE_WINDOWED, QueryableStoreTypes.<String, AgreementState>windowStore()));
        List<KeyValue<Windowed<String>, AgreementState>> held = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, AgreementState> all = windows.fetchAll(from, to)) {
            all.forEachRemaining(entry -> {
                if (source == null || entry.value.getSource().equals(source)) {
                    held.add(entry);
                }
            });
        }
        held.sort(Comparator.comparing(entry -> entry.key.window().start()));
        List<T> series = new ArrayList<>();
        for (KeyValue<Windowed<String>, AgreementState> entry : held) {
            series.addAll(view.of(
                    entry.value,
                    entry.key.window().startTime(),
                    entry.key.window().endTime(),
                    Instant.now()));
        }
        return series;
    }

    /** The latest accuracy estimates held here, optionally of one source only (its groups included). */
    List<EstimatedAccuracy> localEstimates(String source) {
        List<EstimatedAccuracy> estimates = new ArrayList<>();
        try (KeyValueIterator<String, EstimatedAccuracy> all =
                this.<EstimatedAccuracy>store(StoreNames.ESTIMATES).all()) {
            all.forEachRemaining(entry -> {
                if (entry.value != null
                        && (source == null || entry.value.getSource().equals(source))) {
                    estimates.add(entry.value);
                }
            });
        }
        return estimates;
    }

    /**
     * Of every model/dataset held here, the metrics of its latest window that ended by {@code now}, of the windows
     * that start in [from, now] (the window a closed-window gauge shows).
     */
    List<RobustnessMetric> localMetricsOfLatestWindows(Instant from, Instant now) {
        List<RobustnessMetric> metrics = new ArrayList<>();
        this.<AccuracyState>latestClosedWindows(StoreNames.ACCURACY_BY_DATASET_WINDOWED, from, now)
                .forEach(window -> metrics.addAll(Accuracy.metrics(
                        window.value,
                        classesOf(window.value.getDataset()),
                        alpha,
                        window.key.window().startTime(),
                        window.key.window().endTime(),
                        now)));
        return metrics;
    }

    /** The same of agreement with native resolution, per model and source. */
    List<AgreementMetric> localAgreementOfLatestWindows(Instant from, Instant now) {
        List<AgreementMetric> metrics = new ArrayList<>();
        this.<AgreementState>latestClosedWindows(StoreNames.AGREEMENT_BY_SOURCE_WINDOWED, from, now)
                .forEach(window -> metrics.addAll(Agreement.metrics(
                        window.value,
                        window.key.window().startTime(),
                        window.key.window().endTime(),
                        now)));
        return metrics;
    }

    /**
     * The same of estimated accuracy, per source cell: the window's counts with the calibration of the cell's
     * latest cumulative estimate (a cell not estimated yet has none).
     */
    List<EstimatedAccuracy> localEstimatesOfLatestWindows(Instant from, Instant now) {
        ReadOnlyKeyValueStore<String, EstimatedAccuracy> cumulative = store(StoreNames.ESTIMATES);
        List<EstimatedAccuracy> estimates = new ArrayList<>();
        for (KeyValue<Windowed<String>, ConfidenceState> window :
                this.<ConfidenceState>latestClosedWindows(StoreNames.CONFIDENCE_BY_SOURCE_WINDOWED, from, now)) {
            EstimatedAccuracy calibrated = cumulative.get(window.key.key());
            if (calibrated != null) {
                estimates.add(Estimation.estimate(
                        Estimation.inWindow(
                                window.value,
                                window.key.window().startTime(),
                                window.key.window().endTime()),
                        calibrated,
                        now));
            }
        }
        return estimates;
    }

    /** Every alert rule's state on every subject held here, keyed by rule and subject; none without rules. */
    List<KeyValue<String, AlertState>> localAlerts() {
        List<KeyValue<String, AlertState>> alerts = new ArrayList<>();
        if (!alerting) {
            return alerts;
        }
        try (KeyValueIterator<String, AlertState> all =
                this.<AlertState>store(StoreNames.ALERT_STATE).all()) {
            all.forEachRemaining(entry -> {
                if (entry.value != null && !entry.value.getWindows().isEmpty()) {
                    alerts.add(entry);
                }
            });
        }
        return alerts;
    }

    /** Per key of a window store held here, its latest window that ended by {@code now}, of those from {@code from}. */
    private <V> List<KeyValue<Windowed<String>, V>> latestClosedWindows(String storeName, Instant from, Instant now) {
        ReadOnlyWindowStore<String, V> windows = streams.store(
                StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, V>windowStore()));
        Map<String, KeyValue<Windowed<String>, V>> latest = new TreeMap<>();
        try (KeyValueIterator<Windowed<String>, V> all = windows.fetchAll(from, now)) {
            all.forEachRemaining(entry -> {
                if (entry.value != null && !entry.key.window().endTime().isAfter(now)) {
                    latest.merge(
                            entry.key.key(),
                            entry,
                            (held, other) -> held.key.window().start()
                                            >= other.key.window().start()
                                    ? held
                                    : other);
                }
            });
        }
        return new ArrayList<>(latest.values());
    }

    /** SAR/WAR of every model held here. */
    List<RobustnessSummary> localSummaries() {
        List<RobustnessSummary> summaries = new ArrayList<>();
        try (KeyValueIterator<String, ModelState> all =
                this.<ModelState>store(StoreNames.ACCURACY_BY_MODEL).all()) {
            all.forEachRemaining(entry ->
                    summaries.addAll(Accuracy.summaries(entry.value, this::classesOf, weights, alpha, Instant.now())));
        }
        return summaries;
    }

    /** SAR/WAR per window start and model, over the windows held here that start in [from, to]. */
    Map<Instant, List<RobustnessSummary>> localSummarySeries(Instant from, Instant to) {
        ReadOnlyWindowStore<String, AccuracyState> windows = streams.store(StoreQueryParameters.fromNameAndType(
                StoreNames.ACCURACY_BY_DATASET_WINDOWED, QueryableStoreTypes.<String, AccuracyState>windowStore()));
        Map<Instant, Map<String, ModelState>> byWindow = new TreeMap<>();
        try (KeyValueIterator<Windowed<String>, AccuracyState> all = windows.fetchAll(from, to)) {
            while (all.hasNext()) {
                KeyValue<Windowed<String>, AccuracyState> entry = all.next();
                ModelState model = byWindow.computeIfAbsent(entry.key.window().startTime(), w -> new TreeMap<>())
                        .computeIfAbsent(
                                entry.value.getModel(),
                                m -> ModelState.newBuilder()
                                        .setModel(m)
                                        .setDatasets(new ArrayList<>())
                                        .build());
                Accuracy.withDataset(model, entry.value);
            }
        }
        Map<Instant, List<RobustnessSummary>> series = new TreeMap<>();
        byWindow.forEach((start, models) -> models.values()
                .forEach(model -> series.computeIfAbsent(start, s -> new ArrayList<>())
                        .addAll(Accuracy.summaries(model, this::classesOf, weights, alpha, start))));
        return series;
    }

    /** The most recent predictions held here, optionally of one source only, newest first. */
    List<Prediction> localRecentPredictions(int limit, String source) {
        List<Prediction> recent = new ArrayList<>();
        try (KeyValueIterator<String, Prediction> all =
                this.<Prediction>store(StoreNames.RECENT_PREDICTIONS).all()) {
            all.forEachRemaining(entry -> {
                if (source == null || Agreement.sourceOf(entry.value).equals(source)) {
                    recent.add(entry.value);
                }
            });
        }
        recent.sort(Comparator.comparing(Prediction::getPredictionTimestamp).reversed());
        return recent.subList(0, Math.min(limit, recent.size()));
    }

    private List<RobustnessMetric> metricsOf(AccuracyState state) {
        return Accuracy.metrics(state, classesOf(state.getDataset()), alpha, null, null, Instant.now());
    }

    private int classesOf(String dataset) {
        return LabelSpaceStore.classesOf(this.<DatasetInfo>store(StoreNames.LABEL_SPACES), dataset);
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        return streams.store(
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }
}
