package io.lr0.launcher;

import io.lr0.app.Lr0Config;
import io.lr0.contract.DeadLetterHeaders;
import io.lr0.contract.Keys;
import io.lr0.metrics.Accuracy;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.ProgressBar;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows what the pipeline writes from a point in time on (read_committed): variants, predictions and dead letters.
 * An image is done when each of its variants (every variant says how many its image has) got a prediction per
 * super-resolution method (the native one: one prediction), or was dead-lettered; or, with inference off, when all
 * its variants arrived; or when the image itself was dead-lettered. Its table shows what the metrics stage
 * published on {@code robustness-metrics} and {@code robustness-summary} (the dashboard's numbers): nothing here
 * computes a metric.
 */
final class PipelineWatcher implements AutoCloseable {
    private final boolean inference;
    /** Results a low-resolution variant brings: one prediction per super-resolution method, per model. */
    private final int methods;
    /** Models classifying the stream (inference.model): each variant brings a prediction of each. */
    private final int models;
    /** Native variants per image: each brings one prediction. */
    private final int nativeVariants;

    private final StageSerdes serdes;
    private final KafkaConsumer<String, ImageVariant> variants;
    private final KafkaConsumer<String, Prediction> predictions;
    private final KafkaConsumer<byte[], byte[]> deadLetters;
    private final KafkaConsumer<String, RobustnessMetric> metrics;
    private final KafkaConsumer<String, RobustnessSummary> summaries;
    /** When each prediction of a metric cell was seen, in order: the n-th entry is when the count reached n. */
    private final Map<String, List<Long>> predictionSeenAt = new HashMap<>();
    /** A metric cell's count (labelled and unlabelled predictions) before this watcher started: earlier runs. */
    private final Map<String, Long> countsBefore = new HashMap<>();
    /** The latest metric of each cell, by metric key. */
    private final Map<String, RobustnessMetric> latestMetrics = new HashMap<>();
    /** The latest SAR/WAR of each (model, resolution, method), by summary key. */
    private final Map<String, RobustnessSummary> latestSummaries = new HashMap<>();

    private final List<Long> metricLagsMillis = new ArrayList<>();
    private final String imagesDlq;
    private final Map<String, Integer> expectedPerImage = new HashMap<>();
    private final Map<String, Integer> resultsPerImage = new HashMap<>();
    private final Map<String, String> failedImages = new HashMap<>();
    /** Variant counts per dataset, then per resolution. */
    private final Map<String, Map<String, Variants>> variantCounts = new TreeMap<>();

    private long done;

    private PipelineWatcher(Lr0Config config) {
        this.inference = config.inferenceEnabled();
        this.methods = config.srMethods().size();
        this.models = config.inferenceSettings().models().size();
        this.nativeVariants = config.degradeSettings().emitNative() ? 1 : 0;
        this.serdes = StageSerdes.from(config.serdeConfig(), OperationalMetrics.none());
        Map<String, Object> consumerConfig = new HashMap<>(config.kafkaClientConfig());
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.variants = consumer(consumerConfig, ImageVariant.class);
        this.predictions = consumer(consumerConfig, Prediction.class);
        this.deadLetters =
                new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.metrics = consumer(consumerConfig, RobustnessMetric.class);
        this.summaries = consumer(consumerConfig, RobustnessSummary.class);
        this.imagesDlq = DeadLetterHeaders.topicFor(config.topics().images());
        atEnd(variants, List.of(config.topics().variants()));
        atEnd(predictions, List.of(config.topics().predictions()));
        atEnd(
                deadLetters,
                List.of(
                        imagesDlq,
                        DeadLetterHeaders.topicFor(config.topics().variants()),
                        DeadLetterHeaders.topicFor(config.topics().upscaled())));
        // The metric topics are compacted: read whole, they give each cell's count so far.
        fromBeginning(metrics, config.metricsEnabled() ? List.of(config.topics().metrics()) : List.of());
        fromBeginning(
                summaries, config.metricsEnabled() ? List.of(config.topics().summary()) : List.of());
        readMetricsToEnd();
        latestMetrics.forEach((key, metric) -> countsBefore.put(key, count(metric)));
    }

    /** A consumer of one of lr0's record types, decoded through the registry. */
    private <V extends SpecificRecord> KafkaConsumer<String, V> consumer(
            Map<String, Object> consumerConfig, Class<V> type) {
        return new KafkaConsumer<>(
                consumerConfig, new StringDeserializer(), serdes.value(type).deserializer());
    }

    /** Starts following at the current end of the topics. */
    static PipelineWatcher fromNow(Lr0Config config) {
        return new PipelineWatcher(config);
    }

    private static void atEnd(KafkaConsumer<?, ?> consumer, List<String> topics) {
        consumer.seekToEnd(assign(consumer, topics));
        consumer.assignment().forEach(consumer::position);
    }

    private static void fromBeginning(KafkaConsumer<?, ?> consumer, List<String> topics) {
        consumer.seekToBeginning(assign(consumer, topics));
    }

    private static List<TopicPartition> assign(KafkaConsumer<?, ?> consumer, List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        return partitions;
    }

    /** Reads the metric topics up to their current end. */
    private void readMetricsToEnd() {
        for (KafkaConsumer<String, ?> consumer : List.of(metrics, summaries)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                readMetrics(Duration.ofMillis(100));
            }
        }
    }

    /** Reads until {@code expectedImages} images are done, or {@code timeout} passes. */
    Summary awaitImages(long expectedImages, Duration timeout, ProgressBar progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (done < expectedImages && System.nanoTime() < deadline) {
            readOnce();
            progress.update(done);
        }
        progress.finish(done);
        boolean metricsCaughtUp = awaitMetrics(Duration.ofSeconds(30));
        return new Summary(
                rows(),
                latestSummaries.values().stream()
                        .filter(s -> s.getResolution() != null)
                        .sorted(Comparator.comparing(RobustnessSummary::getModel)
                                .thenComparing(RobustnessSummary::getResolution)
                                .thenComparing(RobustnessSummary::getSrMethod))
                        .toList(),
                Collections.unmodifiableSortedMap(new TreeMap<>(variantCounts)),
                done,
                Map.copyOf(failedImages),
                inference,
                metricsCaughtUp,
                List.copyOf(metricLagsMillis));
    }

    /**
     * Reads the metric topics until every cell counts this run's predictions and every SAR/WAR counts its cells'
     * latest totals, or {@code timeout} passes; whether they caught up.
     */
    private boolean awaitMetrics(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inference && !metricsCaughtUp()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            readMetrics(Duration.ofMillis(100));
        }
        return true;
    }

    private boolean metricsCaughtUp() {
        Map<String, Long> labelledBySummary = new HashMap<>();
        for (Map.Entry<String, List<Long>> cell : predictionSeenAt.entrySet()) {
            RobustnessMetric metric = latestMetrics.get(cell.getKey());
            if (metric == null
                    || count(metric)
                            < countsBefore.getOrDefault(cell.getKey(), 0L)
                                    + cell.getValue().size()) {
                return false;
            }
        }
        // SAR/WAR sum the labelled predictions of a (model, resolution, method) over the datasets.
        latestMetrics
                .values()
                .forEach(metric -> labelledBySummary.merge(
                        Keys.summary(metric.getModel(), metric.getResolution(), metric.getSrMethod()),
                        metric.getTotal(),
                        Long::sum));
        return labelledBySummary.entrySet().stream()
                .allMatch(e -> latestSummaries.containsKey(e.getKey())
                        && latestSummaries.get(e.getKey()).getTotal() == e.getValue());
    }

    /** The latest metrics, per dataset, then per model, then per resolution (numerically, native last) and method. */
    private Map<String, Map<String, Map<String, RobustnessMetric>>> rows() {
        TreeMap<String, Map<String, Map<String, RobustnessMetric>>> rows = new TreeMap<>();
        latestMetrics
                .values()
                .forEach(metric -> rows.computeIfAbsent(metric.getDataset(), d -> new TreeMap<>())
                        .computeIfAbsent(metric.getModel(), m -> new TreeMap<>())
                        .put(resolutionKey(metric.getResolution()) + "/" + metric.getSrMethod(), metric));
        return Collections.unmodifiableSortedMap(rows);
    }

    /** Predictions a metric counts, labelled or not. */
    private static long count(RobustnessMetric metric) {
        return metric.getTotal() + metric.getUnlabelled();
    }

    /**
     * A producer's gate that lets an image through only while fewer than {@code maxInFlight} of the images produced
     * since this watcher started are not done yet, so the pipeline, and the dashboard, follow live instead of behind
     * a growing backlog. {@code sentBefore}: images produced before the gated run; it fails when the pipeline
     * finishes nothing for {@code timeout}. Reads in the producing thread, like the rest of this watcher.
     */
    DatasetProducer.Gate gate(long sentBefore, long maxInFlight, Duration timeout) {
        return sent -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (sentBefore + sent - done >= maxInFlight) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(maxInFlight + " images stayed in the pipeline for " + timeout
                            + ": it is not making progress; see the log above");
                }
                readOnce();
            }
        };
    }

    /** Images done since this watcher started. */
    long done() {
        return done;
    }

    /** One poll of each followed topic. */
    private void readOnce() {
        for (ConsumerRecord<String, ImageVariant> record : poll(variants, Duration.ofMillis(50))) {
            ImageVariant variant = record.value();
            Variants counts = variantCounts
                    .computeIfAbsent(variant.getDataset(), d -> new TreeMap<>())
                    .computeIfAbsent(resolutionKey(variant.getResolution()), k -> new Variants());
            counts.count++;
            counts.size = variant.getImage().getWidth() == null
                    ? variant.getNativeWidth() + "x" + variant.getNativeHeight()
                    : variant.getImage().getWidth() + "x" + variant.getImage().getHeight();
            int expected = inference
                    ? (nativeVariants + (variant.getVariantsOfImage() - nativeVariants) * methods) * models
                    : variant.getVariantsOfImage();
            boolean first = expectedPerImage.put(variant.getImageId(), expected) == null;
            if (!inference) {
                // With inference off, each variant is itself a result.
                result(variant.getImageId());
            } else if (first) {
                // Predictions may have been read before the image's first variant.
                checkDone(variant.getImageId());
            }
        }
        if (inference) {
            for (ConsumerRecord<String, Prediction> record : poll(predictions, Duration.ofMillis(50))) {
                Prediction prediction = record.value();
                result(prediction.getImageId());
                predictionSeenAt
                        .computeIfAbsent(
                                Keys.metric(
                                        prediction.getModel(),
                                        prediction.getDataset(),
                                        prediction.getResolution(),
                                        prediction.getSrMethod()),
                                k -> new ArrayList<>())
                        .add(System.currentTimeMillis());
            }
            readMetrics(Duration.ofMillis(10));
        }
        for (ConsumerRecord<byte[], byte[]> record : deadLetters.poll(Duration.ofMillis(10))) {
            String key = record.key() == null
                    ? "offset " + record.offset()
                    : new String(record.key(), StandardCharsets.UTF_8);
            Header reason = record.headers().lastHeader(DeadLetterHeaders.REASON);
            String why = reason == null ? "?" : new String(reason.value(), StandardCharsets.UTF_8);
            if (record.topic().equals(imagesDlq)) {
                failedImages.put(key, why);
                done++;
            } else {
                String imageId = Keys.imageIdOf(key);
                failedImages.put(imageId, why);
                result(imageId);
            }
        }
    }

    /**
     * One poll of a topic of lr0's records. A record that does not decode as one (a stranger's, or hostile: the
     * app dead-letters it) is passed over, named on stderr, rather than ending the watch.
     */
    private static <V> ConsumerRecords<String, V> poll(KafkaConsumer<String, V> consumer, Duration timeout) {
        try {
            return consumer.poll(timeout);
        } catch (RecordDeserializationException e) {
            System.err.printf(
                    "%s %d/%d: not one of lr0's records, passed over: %s%n",
                    e.topicPartition().topic(),
                    e.topicPartition().partition(),
                    e.offset(),
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return ConsumerRecords.empty();
        }
    }

    /** Keeps the latest metrics and summaries; each metric update's lag: now minus when its count was reached. */
    private void readMetrics(Duration poll) {
        for (ConsumerRecord<String, RobustnessMetric> record : poll(metrics, poll)) {
            RobustnessMetric metric = record.value();
            String key = Keys.metric(metric);
            latestMetrics.put(key, metric);
            List<Long> seen = predictionSeenAt.get(key);
            // Counts from earlier runs on the same data are not this run's predictions: no lag for them.
            long thisRun = count(metric) - countsBefore.getOrDefault(key, 0L);
            if (seen != null && thisRun >= 1 && thisRun <= seen.size()) {
                metricLagsMillis.add(System.currentTimeMillis() - seen.get((int) thisRun - 1));
            }
        }
        for (ConsumerRecord<String, RobustnessSummary> record : poll(summaries, Duration.ZERO)) {
            latestSummaries.put(Keys.summary(record.value()), record.value());
        }
    }

    private void result(String imageId) {
        resultsPerImage.merge(imageId, 1, Integer::sum);
        checkDone(imageId);
    }

    private void checkDone(String imageId) {
        Integer expected = expectedPerImage.get(imageId);
        if (expected != null && expected > 0 && expected.equals(resultsPerImage.get(imageId))) {
            done++;
        }
    }

    /** Sorts numerically, native last. */
    private static String resolutionKey(Integer resolution) {
        return resolution == null ? Keys.NATIVE : String.format("%05d", resolution);
    }

    @Override
    public void close() {
        variants.close();
        predictions.close();
        deadLetters.close();
        metrics.close();
        summaries.close();
        serdes.close();
    }

    /** Variants of one resolution. */
    static final class Variants {
        long count;
        String size = "";
    }

    /** What went through, and the metrics it brought, per resolution and method. */
    record Summary(
            Map<String, Map<String, Map<String, RobustnessMetric>>> rows,
            List<RobustnessSummary> acrossDatasets,
            Map<String, Map<String, Variants>> variants,
            long doneImages,
            Map<String, String> failedImages,
            boolean inference,
            boolean metricsCaughtUp,
            List<Long> metricLagsMillis) {

        boolean complete(long expectedImages) {
            return failedImages.isEmpty() && doneImages >= expectedImages;
        }

        /**
         * Per dataset (and model, when several classify the stream): variants, then the published metrics:
         * predictions, top-1, gamma and Gamma (LR0.FM) per resolution and super-resolution method and, for datasets
         * with groups, CounterAnimal's class-balanced common and counter accuracy and their drop. Then SAR and WAR
         * per (model,) resolution and method.
         */
        String table() {
            StringBuilder out = new StringBuilder();
            boolean severalModels = rows.values().stream()
                            .flatMap(byModel -> byModel.keySet().stream())
                            .distinct()
                            .count()
                    > 1;
            variants.forEach((dataset, byResolution) -> {
                Map<String, Map<String, RobustnessMetric>> byModel = rows.getOrDefault(dataset, Map.of());
                (byModel.isEmpty() ? Map.of("", Map.<String, RobustnessMetric>of()) : byModel)
                        .forEach((model, published) -> datasetTable(
                                out, severalModels ? dataset + ", " + model : dataset, byResolution, published));
            });
            // The model column as wide as the longest name.
            String modelColumn = "%-"
                    + acrossDatasets.stream()
                            .mapToInt(summary -> summary.getModel().length())
                            .max()
                            .orElse(5)
                    + "s ";
            out.append(String.format(
                    "Across datasets (LR0.FM: SAR = mean gamma, WAR = weighted mean Gamma)%n%s%-10s "
                            + "%-8s %8s %8s  %s%n",
                    severalModels ? String.format(modelColumn, "model") : "",
                    "resolution",
                    "sr",
                    "SAR",
                    "WAR",
                    "datasets"));
            for (RobustnessSummary summary : acrossDatasets) {
                out.append(String.format(
                        "%s%-10d %-8s %8s %8s  %s%n",
                        severalModels ? String.format(modelColumn, summary.getModel()) : "",
                        summary.getResolution(),
                        summary.getSrMethod(),
                        format(summary.getSar()),
                        format(summary.getWar()),
                        String.join(",", summary.getDatasets())));
            }
            if (!metricsCaughtUp) {
                out.append(String.format("The metrics had not counted every prediction yet: figures above may "
                        + "trail the stream.%n"));
            }
            if (!metricLagsMillis.isEmpty()) {
                List<Long> sorted = metricLagsMillis.stream().sorted().toList();
                out.append(String.format(
                        "Metric updates followed their predictions by p50 %d ms, p95 %d ms, max %d ms "
                                + "(%d updates).%n",
                        sorted.get(sorted.size() / 2),
                        sorted.get((int) (sorted.size() * 0.95)),
                        sorted.get(sorted.size() - 1),
                        sorted.size()));
            }
            out.append(String.format(
                    "%d images done, %d failed%s",
                    doneImages, failedImages.size(), failedImages.isEmpty() ? "" : " " + failedImages.values()));
            return out.toString();
        }

        /** One dataset's (and model's) rows: its variants per resolution, and the metrics published for them. */
        private static void datasetTable(
                StringBuilder out,
                String title,
                Map<String, Variants> byResolution,
                Map<String, RobustnessMetric> published) {
            boolean grouped = published.values().stream()
                    .anyMatch(metric -> !metric.getGroupCounts().isEmpty());
            out.append(String.format(
                    "%s%n%-10s %-8s %-9s %9s %11s %8s %8s %8s%s%n",
                    title,
                    "resolution",
                    "sr",
                    "size",
                    "variants",
                    "predictions",
                    "top-1",
                    "gamma",
                    "Gamma",
                    grouped ? String.format(" %8s %8s %8s", "common", "counter", "drop") : ""));
            byResolution.forEach((resolution, variantsHere) -> {
                Map<String, RobustnessMetric> methods = new TreeMap<>();
                published.forEach((key, metric) -> {
                    if (key.startsWith(resolution + "/")) {
                        methods.put(metric.getSrMethod(), metric);
                    }
                });
                if (methods.isEmpty()) {
                    out.append(String.format(
                            "%-10s %-8s %-9s %9d%n",
                            resolutionName(resolution), "-", variantsHere.size, variantsHere.count));
                }
                methods.forEach((method, metric) -> out.append(String.format(
                        "%-10s %-8s %-9s %9d %11d %8s %8s %8s%s%n",
                        resolutionName(resolution),
                        method,
                        variantsHere.size,
                        variantsHere.count,
                        count(metric),
                        format(metric.getAccuracyTop1()),
                        format(metric.getGamma()),
                        format(metric.getImprovedGamma()),
                        !grouped
                                ? ""
                                : String.format(
                                        " %8s %8s %8s",
                                        format(metric.getGroupAccuracy().get(Accuracy.COMMON)),
                                        format(metric.getGroupAccuracy().get(Accuracy.COUNTER)),
                                        format(metric.getCounterDrop())))));
            });
        }

        /** A row's resolution as the table shows it: the short side without its sort padding, or native. */
        private static String resolutionName(String resolutionKey) {
            return resolutionKey.equals(Keys.NATIVE)
                    ? resolutionKey
                    : Integer.toString(Integer.parseInt(resolutionKey));
        }

        private static String format(Double value) {
            return value == null ? "-" : String.format("%.4f", value);
        }
    }
}
