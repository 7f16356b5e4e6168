package io.lr0.metrics;

import io.lr0.contract.Keys;
import io.lr0.contract.StoreNames;
import io.lr0.runtime.labelspace.LabelSpaceStore;
import io.lr0.runtime.stage.Stage;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.runtime.stage.StreamClock;
import io.lr0.schema.AccuracyState;
import io.lr0.schema.AgreementMetric;
import io.lr0.schema.AgreementSample;
import io.lr0.schema.AgreementState;
import io.lr0.schema.AgreementSummary;
import io.lr0.schema.Alert;
import io.lr0.schema.AlertSample;
import io.lr0.schema.AlertState;
import io.lr0.schema.Calibration;
import io.lr0.schema.ConfidenceSample;
import io.lr0.schema.ConfidenceState;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.EstimatedAccuracy;
import io.lr0.schema.ModelState;
import io.lr0.schema.Prediction;
import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.TableJoined;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The metrics stage: predictions -> running LR0.FM / CounterAnimal metrics per (model, dataset, resolution, method),
 * cumulative (changelogged KTables, so a restart resumes the counts) and per tumbling window, SAR/WAR per
 * (model, resolution, method), and label-free agreement with native resolution per (model, source, resolution,
 * method), cumulative and per window too, and top-1 accuracy estimated without labels per (model, source, resolution,
 * method) from a calibration learnt on labelled predictions.
 */
public final class MetricsStage implements Stage<Prediction, RobustnessMetric> {
    private final MetricsSettings settings;

    public MetricsStage(MetricsSettings settings) {
        this.settings = settings;
    }

    /** Adds the stage; needs the {@link LabelSpaceStore} for the class counts. Returns the cumulative metrics. */
    @Override
    public KStream<String, RobustnessMetric> addTo(
            StreamsBuilder builder, KStream<String, Prediction> predictions, StageSerdes serdes) {
        double alpha = settings.alpha();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StoreNames.RECENT_PREDICTIONS),
                        Serdes.String(),
                        serdes.value(Prediction.class))
                .withLoggingDisabled());
        // A live view of the latest predictions, for the dashboard.
        predictions.process(RecentPredictions::new, Named.as("keep-recent-predictions"), StoreNames.RECENT_PREDICTIONS);
        // The counts need no image: the repartition topics carry predictions without thumbnails.
        KStream<String, Prediction> slim =
                predictions.mapValues(Accuracy::withoutThumbnail, Named.as("drop-thumbnails"));
        // One aggregate per model and dataset: A_HR and every A_r live together, so gamma needs no join.
        var byDataset = slim.groupBy(
                (key, prediction) -> Keys.modelDataset(prediction.getModel(), prediction.getDataset()),
                Grouped.<String, Prediction>with(Serdes.String(), serdes.value(Prediction.class))
                        .withName("by-model-dataset"));

        KTable<String, AccuracyState> cumulative = byDataset.aggregate(
                Accuracy::empty,
                (key, prediction, state) -> Accuracy.add(state, prediction),
                Named.as("count-by-dataset"),
                Materialized.<String, AccuracyState, KeyValueStore<Bytes, byte[]>>as(StoreNames.ACCURACY_BY_DATASET)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(serdes.value(AccuracyState.class)));
        // Every change of a dataset's counts re-emits its metrics (A_HR moves every gamma).
        KStream<String, RobustnessMetric> metrics = cumulative
                .toStream(Named.as("dataset-changes"))
                .process(() -> new MetricEmitter<String>(alpha), Named.as("emit-metrics"));
        metrics.to(
                settings.metricsTopic(),
                Produced.<String, RobustnessMetric>with(Serdes.String(), serdes.value(RobustnessMetric.class))
                        .withName("robustness-metrics"));

        // Tumbling windows of event (capture) time, for time series; the grace lets a slower method's predictions in.
        KStream<String, RobustnessMetric> windowedMetrics = byDataset
                .windowedBy(TimeWindows.ofSizeAndGrace(settings.window(), settings.windowGrace()))
                .aggregate(
                        Accuracy::empty,
                        (key, prediction, state) -> Accuracy.add(state, prediction),
                        Named.as("count-by-dataset-windowed"),
                        Materialized.<String, AccuracyState, WindowStore<Bytes, byte[]>>as(
                                        StoreNames.ACCURACY_BY_DATASET_WINDOWED)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(serdes.value(AccuracyState.class)))
                .toStream(Named.as("window-changes"))
                .process(() -> new MetricEmitter<Windowed<String>>(alpha), Named.as("emit-windowed-metrics"));
        windowedMetrics.to(
                settings.windowedTopic(),
                Produced.<String, RobustnessMetric>with(Serdes.String(), serdes.value(RobustnessMetric.class))
                        .withName("robustness-metrics-windowed"));

        KStream<String, AgreementMetric> windowedAgreement = addAgreement(slim, serdes);
        KStream<String, EstimatedAccuracy> windowedEstimates = addEstimation(builder, slim, serdes);
        if (!settings.alertRules().isEmpty()) {
            addAlerts(builder, windowedMetrics, windowedAgreement, windowedEstimates, serdes);
        }

        // All datasets of a model together, for SAR and WAR.
        WarWeights weights = settings.warWeights();
        cumulative
                .groupBy(
                        (key, state) -> KeyValue.pair(state.getModel(), state),
                        Grouped.<String, AccuracyState>with(Serdes.String(), serdes.value(AccuracyState.class))
                                .withName("by-model"))
                .aggregate(
                        () -> ModelState.newBuilder()
                                .setDatasets(new ArrayList<>())
                                .build(),
                        (model, state, aggregate) -> Accuracy.withDataset(aggregate, state),
                        (model, state, aggregate) -> Accuracy.without(aggregate, state),
                        Named.as("collect-by-model"),
                        Materialized.<String, ModelState, KeyValueStore<Bytes, byte[]>>as(StoreNames.ACCURACY_BY_MODEL)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(serdes.value(ModelState.class)))
                .toStream(Named.as("model-changes"))
                .process(() -> new SummaryEmitter(alpha, weights), Named.as("emit-summary"))
                .to(
                        settings.summaryTopic(),
                        Produced.<String, RobustnessSummary>with(Serdes.String(), serdes.value(RobustnessSummary.class))
                                .withName("robustness-summary"));
        return metrics;
    }

    /**
     * Label-free robustness: each low-resolution prediction meets its image's native prediction (same model, same
     * capture time: predictions are stamped with it) and is counted per model and source.
     */
    private KStream<String, AgreementMetric> addAgreement(KStream<String, Prediction> slim, StageSerdes serdes) {
        // Re-keyed by model and image, so an image's native and low-resolution predictions meet in one partition.
        KStream<String, Prediction> nativeByImage = slim.filter(
                        (key, prediction) -> prediction.getResolution() == null, Named.as("native-predictions"))
                .selectKey(
                        (key, prediction) -> Keys.modelImage(prediction.getModel(), prediction.getImageId()),
                        Named.as("native-by-image"));
        KStream<String, Prediction> lowResByImage = slim.filter(
                        (key, prediction) -> prediction.getResolution() != null, Named.as("low-res-predictions"))
                .selectKey(
                        (key, prediction) -> Keys.modelImage(prediction.getModel(), prediction.getImageId()),
                        Named.as("low-res-by-image"));
        // Equal timestamps (the capture time); the grace lets a slower method's predictions still meet theirs.
        KStream<String, AgreementSample> samples = lowResByImage.join(
                nativeByImage,
                Agreement::sample,
                JoinWindows.ofTimeDifferenceAndGrace(Duration.ZERO, settings.windowGrace()),
                StreamJoined.<String, Prediction, Prediction>with(
                                Serdes.String(), serdes.value(Prediction.class), serdes.value(Prediction.class))
                        .withName("agreement-join")
                        .withStoreName("agreement-join"));
        var bySource = samples.groupBy(
                (key, sample) -> Keys.modelSource(sample.getModel(), sample.getSource()),
                Grouped.<String, AgreementSample>with(Serdes.String(), serdes.value(AgreementSample.class))
                        .withName("by-model-source"));
        KStream<String, AgreementState> changes = bySource.aggregate(
                        Agreement::empty,
                        (key, sample, state) -> Agreement.add(state, sample),
                        Named.as("agreement-by-source"),
                        Materialized.<String, AgreementState, KeyValueStore<Bytes, byte[]>>as(
                                        StoreNames.AGREEMENT_BY_SOURCE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(serdes.value(AgreementState.class)))
                .toStream(Named.as("agreement-changes"));
        // Every change of a source re-emits its summary across resolutions: one figure per camera and method.
        changes.process(
                        StreamClock.flatMap((record, now) -> agreementSummaryRecords(record.value(), now)),
                        Named.as("emit-agreement-summary"))
                .to(
                        settings.agreementSummaryTopic(),
                        Produced.<String, AgreementSummary>with(Serdes.String(), serdes.value(AgreementSummary.class))
                                .withName("robustness-agreement-summary"));
        changes.process(
                        StreamClock.flatMap((record, now) -> agreementRecords(record.value(), null, null, now)),
                        Named.as("emit-agreement"))
                .to(
                        settings.agreementTopic(),
                        Produced.<String, AgreementMetric>with(Serdes.String(), serdes.value(AgreementMetric.class))
                                .withName("robustness-agreement"));
        // The same per tumbling window of capture time: a camera's agreement over time.
        KStream<String, AgreementMetric> windowed = bySource.windowedBy(
                        TimeWindows.ofSizeAndGrace(settings.window(), settings.windowGrace()))
                .aggregate(
                        Agreement::empty,
                        (key, sample, state) -> Agreement.add(state, sample),
                        Named.as("agreement-by-source-windowed"),
                        Materialized.<String, AgreementState, WindowStore<Bytes, byte[]>>as(
                                        StoreNames.AGREEMENT_BY_SOURCE_WINDOWED)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(serdes.value(AgreementState.class)))
                .toStream(Named.as("agreement-window-changes"))
                .process(
                        StreamClock.<Windowed<String>, AgreementState, String, AgreementMetric>flatMap(
                                (record, now) -> agreementRecords(
                                        record.value(),
                                        record.key().window().startTime(),
                                        record.key().window().endTime(),
                                        now)),
                        Named.as("emit-windowed-agreement"));
        windowed.to(
                settings.agreementWindowedTopic(),
                Produced.<String, AgreementMetric>with(Serdes.String(), serdes.value(AgreementMetric.class))
                        .withName("robustness-agreement-windowed"));
        return windowed;
    }

    /**
     * Accuracy estimated without labels ({@link Estimation}): labelled predictions calibrate each (model, label
     * space, resolution, method); the calibration goes to its own topic and is read back from there as a table, so
     * estimates follow whichever calibration the topic holds, also one written by another deployment; each source's
     * score counts meet it, cumulative and per window.
     */
    private KStream<String, EstimatedAccuracy> addEstimation(
            StreamsBuilder builder, KStream<String, Prediction> slim, StageSerdes serdes) {
        Serde<ConfidenceState> countsSerde = serdes.value(ConfidenceState.class);
        Serde<Calibration> calibrationSerde = serdes.value(Calibration.class);
        long minSamples = settings.calibrationMinSamples();
        // What the estimate needs of each prediction, grouped per model, label space, source, group, resolution and
        // method: one small record a prediction through the repartition, one histogram per aggregate.
        var byCell = slim.processValues(
                        StreamClock.<String, Prediction, ConfidenceSample>mapValues(
                                (prediction, now) -> Estimation.sample(prediction, settings::calibrates, now)),
                        Named.as("confidence-samples"))
                .groupBy(
                        (key, sample) -> Keys.estimate(
                                sample.getModel(),
                                sample.getDataset(),
                                sample.getSource(),
                                sample.getGroup(),
                                sample.getResolution(),
                                sample.getSrMethod()),
                        Grouped.<String, ConfidenceSample>with(Serdes.String(), serdes.value(ConfidenceSample.class))
                                .withName("by-estimation-unit"));
        KTable<String, ConfidenceState> sourceCounts = byCell.aggregate(
                Estimation::empty,
                (key, sample, state) -> Estimation.add(state, sample),
                Named.as("count-confidence"),
                Materialized.<String, ConfidenceState, KeyValueStore<Bytes, byte[]>>as(StoreNames.CONFIDENCE_BY_SOURCE)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(countsSerde));
        // The calibration's counts: the sum of its calibrating sources' counts, re-summed as they change (once per
        // commit, not per prediction); every change a new version, once there are enough.
        sourceCounts
                .filter((key, state) -> Estimation.calibrates(state), Named.as("calibrating-sources"))
                .groupBy(
                        (key, state) -> KeyValue.pair(calibrationOf(state), state),
                        Grouped.with(Serdes.String(), countsSerde).withName("calibration-by-dataset"))
                .aggregate(
                        Estimation::empty,
                        (key, source, calibration) -> Estimation.addCalibrating(calibration, source, 1),
                        (key, source, calibration) -> Estimation.addCalibrating(calibration, source, -1),
                        Named.as("count-calibration"),
                        Materialized.<String, ConfidenceState, KeyValueStore<Bytes, byte[]>>as(
                                        StoreNames.CALIBRATION_BY_DATASET)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(countsSerde))
                .toStream(Named.as("calibration-changes"))
                .processValues(
                        StreamClock.<String, ConfidenceState, Calibration>mapValues(
                                (state, now) -> state == null ? null : Estimation.calibration(state, minSamples, now)),
                        Named.as("calibrate"))
                .filter((key, calibration) -> calibration != null, Named.as("calibrated"))
                .to(
                        settings.calibrationTopic(),
                        Produced.with(Serdes.String(), calibrationSerde).withName("robustness-calibration"));
        KTable<String, Calibration> calibrations = builder.table(
                settings.calibrationTopic(),
                Consumed.with(Serdes.String(), calibrationSerde).withName("read-calibrations"),
                Materialized.<String, Calibration, KeyValueStore<Bytes, byte[]>>as(StoreNames.CALIBRATIONS)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(calibrationSerde));

        // A change of either the counts or their calibration re-estimates (a foreign-key join).
        sourceCounts
                .join(
                        calibrations,
                        MetricsStage::calibrationOf,
                        Estimation::estimate,
                        TableJoined.as("estimate"),
                        // Named, as every internal resource here: a name that moves with the topology would lose it.
                        Materialized.<String, EstimatedAccuracy, KeyValueStore<Bytes, byte[]>>as(StoreNames.ESTIMATES)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(serdes.value(EstimatedAccuracy.class)))
                .toStream(Named.as("estimate-changes"))
                .to(
                        settings.estimatedTopic(),
                        Produced.with(Serdes.String(), serdes.value(EstimatedAccuracy.class))
                                .withName("robustness-estimated"));
        // The same per tumbling window of capture time, each window's counts meeting the latest calibration.
        KStream<String, EstimatedAccuracy> windowed = byCell.windowedBy(
                        TimeWindows.ofSizeAndGrace(settings.window(), settings.windowGrace()))
                .aggregate(
                        Estimation::empty,
                        (key, sample, state) -> Estimation.add(state, sample),
                        Named.as("count-confidence-windowed"),
                        Materialized.<String, ConfidenceState, WindowStore<Bytes, byte[]>>as(
                                        StoreNames.CONFIDENCE_BY_SOURCE_WINDOWED)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(countsSerde))
                .toStream(Named.as("confidence-window-changes"))
                .filter((window, counts) -> counts != null, Named.as("windows-with-counts"))
                .map(
                        (window, counts) -> KeyValue.pair(
                                calibrationOf(counts),
                                Estimation.inWindow(
                                        counts,
                                        window.window().startTime(),
                                        window.window().endTime())),
                        Named.as("window-counts-by-calibration"))
                .join(
                        calibrations,
                        (ConfidenceState counts, Calibration calibration) -> Estimation.estimate(counts, calibration),
                        Joined.with(Serdes.String(), countsSerde, calibrationSerde)
                                .withName("estimate-windows"))
                .selectKey(
                        (key, estimate) -> Keys.windowedMetric(
                                estimateKey(estimate), estimate.getWindowStart().toEpochMilli()),
                        Named.as("key-windowed-estimates"));
        windowed.to(
                settings.estimatedWindowedTopic(),
                Produced.with(Serdes.String(), serdes.value(EstimatedAccuracy.class))
                        .withName("robustness-estimated-windowed"));
        return windowed;
    }

    /** The calibration a source's counts are estimated with: that of their model, label space and cell. */
    private static String calibrationOf(ConfidenceState counts) {
        return Keys.calibration(counts.getModel(), counts.getDataset(), counts.getResolution(), counts.getSrMethod());
    }

    private static String estimateKey(EstimatedAccuracy estimate) {
        return Keys.estimate(
                estimate.getModel(),
                estimate.getDataset(),
                estimate.getSource(),
                estimate.getGroup(),
                estimate.getResolution(),
                estimate.getSrMethod());
    }

    /**
     * Alerts ({@link Alerts}): every per-window measure a rule watches, keyed by rule and subject so each subject's
     * windows meet in one partition, decided there against its state, firing and resolved records to the topic.
     */
    private void addAlerts(
            StreamsBuilder builder,
            KStream<String, RobustnessMetric> windowedMetrics,
            KStream<String, AgreementMetric> windowedAgreement,
            KStream<String, EstimatedAccuracy> windowedEstimates,
            StageSerdes serdes) {
        List<AlertRule> rules = settings.alertRules();
        Serde<AlertSample> sampleSerde = serdes.value(AlertSample.class);
        // Changelogged: a restart resumes each rule's windows and whether it fires, so nothing fires twice.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                settings.stores().keyValue(StoreNames.ALERT_STATE), Serdes.String(), serdes.value(AlertState.class)));
        windowedMetrics
                .flatMap(
                        (key, metric) -> Alerts.byRule(Alerts.samples(metric), rules),
                        Named.as("alert-samples-of-metrics"))
                .merge(
                        windowedAgreement.flatMap(
                                (key, agreement) -> Alerts.byRule(Alerts.samples(agreement), rules),
                                Named.as("alert-samples-of-agreement")),
                        Named.as("alert-samples-with-agreement"))
                .merge(
                        windowedEstimates.flatMap(
                                (key, estimate) -> Alerts.byRule(Alerts.samples(estimate), rules),
                                Named.as("alert-samples-of-estimates")),
                        Named.as("alert-samples"))
                // One subject's windows in one partition, in order.
                .repartition(Repartitioned.with(Serdes.String(), sampleSerde).withName("alerts-by-rule"))
                .process(
                        () -> new AlertEvaluator(Alerts.byName(rules)),
                        Named.as("evaluate-alerts"),
                        StoreNames.ALERT_STATE)
                .to(
                        settings.alertsTopic(),
                        Produced.with(Serdes.String(), serdes.value(Alert.class))
                                .withName("robustness-alerts"));
    }

    /** A source's agreement across resolutions as keyed records, one per method. */
    private static List<KeyValue<String, AgreementSummary>> agreementSummaryRecords(AgreementState state, Instant now) {
        if (state == null) {
            return List.of();
        }
        return Agreement.summaries(state, null, null, now).stream()
                .map(summary -> KeyValue.pair(
                        Keys.agreementSummary(summary.getModel(), summary.getSource(), summary.getSrMethod()), summary))
                .toList();
    }

    /** A source's agreement cells as keyed records: cumulative when {@code windowStart} is null. */
    private static List<KeyValue<String, AgreementMetric>> agreementRecords(
            AgreementState state, Instant windowStart, Instant windowEnd, Instant now) {
        if (state == null) {
            return List.of();
        }
        return Agreement.metrics(state, windowStart, windowEnd, now).stream()
                .map(metric -> {
                    String key = Keys.agreement(
                            metric.getModel(), metric.getSource(), metric.getResolution(), metric.getSrMethod());
                    return KeyValue.pair(
                            windowStart == null ? key : Keys.windowedMetric(key, windowStart.toEpochMilli()), metric);
                })
                .toList();
    }

    /** Turns a dataset's counts (cumulative, or of one window) into metric records, with C from the label spaces. */
    private static final class MetricEmitter<K> implements Processor<K, AccuracyState, String, RobustnessMetric> {
        private final double alpha;
        private ProcessorContext<String, RobustnessMetric> context;
        private KeyValueStore<String, DatasetInfo> labelSpaces;

        MetricEmitter(double alpha) {
            this.alpha = alpha;
        }

        @Override
        public void init(ProcessorContext<String, RobustnessMetric> context) {
            this.context = context;
            this.labelSpaces = context.getStateStore(StoreNames.LABEL_SPACES);
        }

        @Override
        public void process(Record<K, AccuracyState> record) {
            AccuracyState state = record.value();
            if (state == null) {
                return;
            }
            Instant start = null;
            Instant end = null;
            if (record.key() instanceof Windowed<?> window) {
                start = window.window().startTime();
                end = window.window().endTime();
            }
            for (RobustnessMetric metric : Accuracy.metrics(
                    state,
                    LabelSpaceStore.classesOf(labelSpaces, state.getDataset()),
                    alpha,
                    start,
                    end,
                    StreamClock.now(context))) {
                String key = start == null
                        ? Keys.metric(metric)
                        : Keys.windowedMetric(Keys.metric(metric), start.toEpochMilli());
                context.forward(record.withKey(key).withValue(metric));
            }
        }
    }

    /** Decides each rule on each subject as its windows come ({@link Alerts#update}), its state in a store. */
    private static final class AlertEvaluator implements Processor<String, AlertSample, String, Alert> {
        private final Map<String, AlertRule> rules;
        private ProcessorContext<String, Alert> context;
        private KeyValueStore<String, AlertState> states;

        AlertEvaluator(Map<String, AlertRule> rules) {
            this.rules = rules;
        }

        @Override
        public void init(ProcessorContext<String, Alert> context) {
            this.context = context;
            this.states = context.getStateStore(StoreNames.ALERT_STATE);
        }

        @Override
        public void process(Record<String, AlertSample> record) {
            AlertRule rule = rules.get(Keys.ruleOf(record.key()));
            if (rule == null || record.value() == null) {
                // A rule removed from the configuration since its samples were written.
                return;
            }
            AlertState state = states.get(record.key());
            if (state == null) {
                state = Alerts.empty();
            }
            Optional<Alert> decided = Alerts.update(rule, state, record.value(), StreamClock.now(context));
            states.put(record.key(), state);
            decided.ifPresent(alert -> context.forward(record.withValue(alert)));
        }
    }

    /** Turns a model's datasets into SAR/WAR records. */
    private static final class SummaryEmitter implements Processor<String, ModelState, String, RobustnessSummary> {
        private final double alpha;
        private final WarWeights weights;
        private ProcessorContext<String, RobustnessSummary> context;
        private KeyValueStore<String, DatasetInfo> labelSpaces;

        SummaryEmitter(double alpha, WarWeights weights) {
            this.alpha = alpha;
            this.weights = weights;
        }

        @Override
        public void init(ProcessorContext<String, RobustnessSummary> context) {
            this.context = context;
            this.labelSpaces = context.getStateStore(StoreNames.LABEL_SPACES);
        }

        @Override
        public void process(Record<String, ModelState> record) {
            if (record.value() == null) {
                return;
            }
            for (RobustnessSummary summary : Accuracy.summaries(
                    record.value(),
                    dataset -> LabelSpaceStore.classesOf(labelSpaces, dataset),
                    weights,
                    alpha,
                    StreamClock.now(context))) {
                context.forward(record.withKey(Keys.summary(summary)).withValue(summary));
            }
        }
    }
}
