package io.lr0.launcher;

import io.lr0.contract.DeadLetterHeaders;
import io.lr0.app.Lr0Config;
import io.lr0.runtime.StageSerdes;
import io.lr0.runtime.DeadLetters;
import io.lr0.metrics.Accuracy;
import io.lr0.metrics.Robustness;
import io.lr0.metrics.WarWeights;
import io.lr0.schema.GroupClassCount;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.ProgressBar;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.schema.RobustnessMetric;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows what the pipeline writes from a point in time on (read_committed): variants, predictions and dead letters.
 * An image is done when each of its variants (every variant says how many its image has) got a prediction per
 * super-resolution method (the native one: one prediction), or was dead-lettered; or, with inference off, when all
 * its variants arrived; or when the image itself was dead-lettered.
 */
final class PipelineWatcher implements AutoCloseable {
    private final boolean inference;
    /** Results a low-resolution variant brings: one prediction per super-resolution method. */
    private final int methods;
    /** Native variants per image: each brings one prediction. */
    private final int nativeVariants;
    private final StageSerdes serdes;
    private final KafkaConsumer<String, ImageVariant> variants;
    private final KafkaConsumer<String, Prediction> predictions;
    private final KafkaConsumer<byte[], byte[]> deadLetters;
    private final KafkaConsumer<String, RobustnessMetric> metrics;
    /** When each prediction of a metric cell was seen, in order: the n-th entry is when the count reached n. */
    private final Map<String, List<Long>> predictionSeenAt = new HashMap<>();
    private final List<Long> metricLagsMillis = new ArrayList<>();
    private final String imagesDlq;
    private final Map<String, Integer> expectedPerImage = new HashMap<>();
    private final Map<String, Integer> resultsPerImage = new HashMap<>();
    private final Map<String, String> failedImages = new HashMap<>();
    /** Prediction counts per dataset, then per resolution and method. */
    private final Map<String, Map<String, Row>> rows = new TreeMap<>();
    /** Variant counts per dataset, then per resolution. */
    private final Map<String, Map<String, Variants>> variantCounts = new TreeMap<>();
    private long done;

    private PipelineWatcher(Lr0Config config) {
        this.inference = config.inferenceEnabled();
        this.methods = config.srMethods().size();
        this.nativeVariants = config.degradeSettings().emitNative() ? 1 : 0;
        this.serdes = StageSerdes.from(config.serdeConfig());
        Map<String, Object> consumerConfig = new HashMap<>(config.kafkaClientConfig());
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.variants = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                serdes.<ImageVariant>value().deserializer());
        this.predictions = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                serdes.<Prediction>value().deserializer());
        this.deadLetters = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.metrics = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                serdes.<RobustnessMetric>value().deserializer());
        this.imagesDlq = DeadLetterHeaders.topicFor(config.topics().images());
        atEnd(variants, List.of(config.topics().variants()));
        atEnd(predictions, List.of(config.topics().predictions()));
        atEnd(deadLetters, List.of(imagesDlq, DeadLetterHeaders.topicFor(config.topics().variants()),
                DeadLetterHeaders.topicFor(config.topics().upscaled())));
        atEnd(metrics, config.metricsEnabled() ? List.of(config.topics().metrics()) : List.of());
    }

    /** Starts following at the current end of the topics. */
    static PipelineWatcher fromNow(Lr0Config config) {
        return new PipelineWatcher(config);
    }

    private static void atEnd(KafkaConsumer<?, ?> consumer, List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Reads until {@code expectedImages} images are done, or {@code timeout} passes. */
    Summary awaitImages(long expectedImages, Duration timeout, ProgressBar progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (done < expectedImages && System.nanoTime() < deadline) {
            readOnce();
            progress.update(done);
        }
        progress.finish(done);
        drainMetrics(Duration.ofSeconds(2));
        return new Summary(java.util.Collections.unmodifiableSortedMap(new TreeMap<>(rows)),
                java.util.Collections.unmodifiableSortedMap(new TreeMap<>(variantCounts)), done,
                Map.copyOf(failedImages), inference, List.copyOf(metricLagsMillis));
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
        for (ConsumerRecord<String, ImageVariant> record : variants.poll(Duration.ofMillis(50))) {
            ImageVariant variant = record.value();
            Variants counts = variantCounts.computeIfAbsent(variant.getDataset(), d -> new TreeMap<>())
                    .computeIfAbsent(resolutionKey(variant.getResolution()), k -> new Variants());
            counts.count++;
            counts.size = variant.getImage().getWidth() == null
                    ? variant.getNativeWidth() + "x" + variant.getNativeHeight()
                    : variant.getImage().getWidth() + "x" + variant.getImage().getHeight();
            int expected = inference ? nativeVariants + (variant.getVariantsOfImage() - nativeVariants) * methods
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
            for (ConsumerRecord<String, Prediction> record : predictions.poll(Duration.ofMillis(50))) {
                Prediction prediction = record.value();
                Row row = rows.computeIfAbsent(prediction.getDataset(), d -> new TreeMap<>()).computeIfAbsent(
                        resolutionKey(prediction.getResolution()) + "/" + prediction.getSrMethod(), k -> new Row());
                row.predictions++;
                if (prediction.getCorrect() != null) {
                    row.labelled++;
                    row.correct += prediction.getCorrect() ? 1 : 0;
                    if (prediction.getGroup() != null) {
                        Accuracy.countGroup(row.groups, prediction.getGroup(), prediction.getLabel(),
                                prediction.getCorrect());
                    }
                }
                result(prediction.getImageId());
                predictionSeenAt.computeIfAbsent(cell(prediction.getModel(), prediction.getDataset(),
                        prediction.getResolution(), prediction.getSrMethod()), k -> new ArrayList<>())
                        .add(System.currentTimeMillis());
            }
            readMetrics(Duration.ofMillis(10));
        }
        for (ConsumerRecord<byte[], byte[]> record : deadLetters.poll(Duration.ofMillis(10))) {
            String key = record.key() == null ? "offset " + record.offset()
                    : new String(record.key(), StandardCharsets.UTF_8);
            Header reason = record.headers().lastHeader(DeadLetterHeaders.REASON);
            String why = reason == null ? "?" : new String(reason.value(), StandardCharsets.UTF_8);
            if (record.topic().equals(imagesDlq)) {
                failedImages.put(key, why);
                done++;
            } else {
                String imageId = key.contains("@") ? key.substring(0, key.lastIndexOf('@')) : key;
                failedImages.put(imageId, why);
                result(imageId);
            }
        }
    }

    /** Reads the metric updates that follow the last predictions. */
    private void drainMetrics(Duration time) {
        long deadline = System.nanoTime() + time.toNanos();
        while (inference && System.nanoTime() < deadline) {
            readMetrics(Duration.ofMillis(100));
        }
    }

    /** Each metric update's lag: now minus when the prediction that brought its count to this value was seen. */
    private void readMetrics(Duration poll) {
        for (ConsumerRecord<String, RobustnessMetric> record : metrics.poll(poll)) {
            RobustnessMetric metric = record.value();
            List<Long> seen = predictionSeenAt.get(cell(metric.getModel(), metric.getDataset(),
                    metric.getResolution(), metric.getSrMethod()));
            long count = metric.getTotal() + metric.getUnlabelled();
            // Counts from earlier runs on the same data are not this run's predictions: no lag for them.
            if (seen != null && count >= 1 && count <= seen.size()) {
                metricLagsMillis.add(System.currentTimeMillis() - seen.get((int) count - 1));
            }
        }
    }

    private static String cell(String model, String dataset, Integer resolution, String srMethod) {
        return model + "/" + dataset + "/" + resolution + "/" + srMethod;
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
        return resolution == null ? "native" : String.format("%05d", resolution);
    }

    @Override
    public void close() {
        variants.close();
        predictions.close();
        deadLetters.close();
        metrics.close();
        serdes.close();
    }

    /** Variants of one resolution. */
    static final class Variants {
        long count;
        String size = "";
    }

    /** Predictions of one resolution after one super-resolution method. */
    static final class Row {
        long predictions;
        long labelled;
        long correct;
        final List<GroupClassCount> groups = new ArrayList<>();

        Double accuracy() {
            return labelled == 0 ? null : (double) correct / labelled;
        }
    }

    /** What went through, per resolution and method. */
    record Summary(Map<String, Map<String, Row>> rows, Map<String, Map<String, Variants>> variants, long doneImages,
                   Map<String, String> failedImages, boolean inference, List<Long> metricLagsMillis) {

        boolean complete(long expectedImages) {
            return failedImages.isEmpty() && doneImages >= expectedImages;
        }

        /**
         * Per dataset: top-1, gamma and Gamma (LR0.FM) per resolution and super-resolution method and, for datasets
         * with groups, CounterAnimal's class-balanced common and counter accuracy and their drop. {@code classes}
         * gives C per dataset. Then SAR and WAR per resolution and method across the datasets.
         */
        String table(Map<String, Integer> classes, double alpha, WarWeights weights) {
            Map<String, List<Robustness.DatasetResult>> acrossDatasets = new TreeMap<>();
            StringBuilder out = new StringBuilder();
            variants.forEach((dataset, byResolution) -> {
                Map<String, Row> predicted = rows.getOrDefault(dataset, Map.of());
                Double nativeAccuracy = predicted.entrySet().stream().filter(e -> e.getKey().startsWith("native/"))
                        .map(e -> e.getValue().accuracy()).findFirst().orElse(null);
                boolean grouped = predicted.values().stream().anyMatch(row -> !row.groups.isEmpty());
                out.append(String.format("%s%n%-10s %-8s %-9s %9s %11s %8s %8s %8s%s%n", dataset, "resolution",
                        "sr", "size", "variants", "predictions", "top-1", "gamma", "Gamma",
                        grouped ? String.format(" %8s %8s %8s", "common", "counter", "drop") : ""));
                byResolution.forEach((resolution, variantsHere) -> {
                    Map<String, Row> methods = new TreeMap<>();
                    predicted.forEach((key, row) -> {
                        if (key.startsWith(resolution + "/")) {
                            methods.put(key.substring(resolution.length() + 1), row);
                        }
                    });
                    if (methods.isEmpty()) {
                        methods.put("-", new Row());
                    }
                    methods.forEach((method, row) -> {
                        Double accuracy = row.accuracy();
                        Double gamma = accuracy == null ? null : Robustness.relative(accuracy, nativeAccuracy);
                        Double improved = accuracy == null ? null : Robustness.improved(accuracy, nativeAccuracy,
                                classes.getOrDefault(dataset, 0), alpha);
                        Map<String, Double> groups = Accuracy.groupAccuracy(row.groups);
                        if (accuracy != null && nativeAccuracy != null && !resolution.equals("native")) {
                            acrossDatasets.computeIfAbsent(resolution + "/" + method, k -> new ArrayList<>())
                                    .add(new Robustness.DatasetResult(dataset, classes.getOrDefault(dataset, 0),
                                            nativeAccuracy, accuracy));
                        }
                        out.append(String.format("%-10s %-8s %-9s %9d %11d %8s %8s %8s%s%n",
                                resolution.equals("native") ? resolution : Integer.toString(Integer.parseInt(resolution)),
                                method, variantsHere.size, variantsHere.count, row.predictions,
                                format(accuracy), format(gamma), format(improved), !grouped ? ""
                                    : String.format(" %8s %8s %8s", format(groups.get(Accuracy.COMMON)),
                                        format(groups.get(Accuracy.COUNTER)),
                                        format(Accuracy.counterDrop(row.groups)))));
                    });
                });
            });
            out.append(String.format("Across datasets (LR0.FM: SAR = mean gamma, WAR = weighted mean Gamma)%n%-10s "
                    + "%-8s %8s %8s  %s%n", "resolution", "sr", "SAR", "WAR", "datasets"));
            acrossDatasets.forEach((key, results) -> {
                Robustness.Aggregate aggregate = Robustness.aggregate(results, weights, alpha);
                String[] parts = key.split("/");
                out.append(String.format("%-10d %-8s %8s %8s  %s%n", Integer.parseInt(parts[0]), parts[1],
                        format(aggregate.sar()), format(aggregate.war()), String.join(",", aggregate.datasets())));
            });
            if (!metricLagsMillis.isEmpty()) {
                List<Long> sorted = metricLagsMillis.stream().sorted().toList();
                out.append(String.format("Metric updates followed their predictions by p50 %d ms, p95 %d ms, max %d ms "
                        + "(%d updates).%n", sorted.get(sorted.size() / 2), sorted.get((int) (sorted.size() * 0.95)),
                        sorted.get(sorted.size() - 1), sorted.size()));
            }
            out.append(String.format("%d images done, %d failed%s", doneImages, failedImages.size(),
                    failedImages.isEmpty() ? "" : " " + failedImages.values()));
            return out.toString();
        }

        private static String format(Double value) {
            return value == null ? "-" : String.format("%.4f", value);
        }
    }
}
