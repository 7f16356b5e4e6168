package io.lr0.inference;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import io.lr0.app.LabelSpaceStore;
import io.lr0.app.OperationalMetrics;
import io.lr0.image.BadImageException;
import io.lr0.image.ImageCodec;
import io.lr0.image.Degradations;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.LabelScore;
import io.lr0.schema.Prediction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micro-batched zero-shot inference. Each variant is validated and pre-processed on arrival (a bad one throws and is
 * dead-lettered with its own source record), then parked in a changelogged store; a batch runs when
 * {@code batch.size} are parked or {@code batch.max.wait.ms} has passed. Under exactly-once the store's changelog,
 * the predictions and the input offsets commit together, so a crash between arrival and prediction loses nothing:
 * the restored store still holds the parked variants, and nothing is predicted twice.
 */
final class InferenceProcessor implements Processor<String, ImageVariant, String, Prediction> {
    private static final Logger log = LoggerFactory.getLogger(InferenceProcessor.class);
    private static final String SR_METHOD = "none";
    private static final int THUMBNAIL_SIDE = 64;

    private final ZeroShotModel model;
    private final LabelSpaces labelSpaces;
    private final ImagePreprocessor preprocessor;
    private final ImageLimits limits;
    private final int batchSize;
    private final Duration maxWait;
    private final int topK;
    private final boolean thumbnails;
    private final AtomicLong labelsOutsideLabelSpace;
    /**
     * The parked variants with their model inputs (and thumbnails), in arrival order: the working copy of the
     * changelogged store, which is read only to rebuild it after a restart.
     */
    private final Map<String, Parked> parkedHere = new LinkedHashMap<>();
    /** Datasets whose label space has not arrived yet, already warned about. */
    private final java.util.Set<String> waitingDatasets = new java.util.HashSet<>();
    private final Timer latency = OperationalMetrics.latencyTimer(OperationalMetrics.PREDICTION_LATENCY);
    private final Timer modelTime = Metrics.timer(OperationalMetrics.MODEL_TIME);
    private final Timer decodeTime = OperationalMetrics.stageTimer("decode");
    private final Timer preprocessTime = OperationalMetrics.stageTimer("preprocess");
    private final Timer postprocessTime = OperationalMetrics.stageTimer("postprocess");
    private final DistributionSummary batchSizes = Metrics.summary(OperationalMetrics.BATCH_SIZE);
    /** Meter lookups are not free: one counter per dataset, found once. */
    private final Map<String, Counter> predictionCounters = new HashMap<>();
    private ProcessorContext<String, Prediction> context;
    private KeyValueStore<String, ImageVariant> parked;
    private KeyValueStore<String, DatasetInfo> datasets;
    private Predictor<NDList, NDList> predictor;

    InferenceProcessor(ZeroShotModel model, LabelSpaces labelSpaces, ImageLimits limits, int batchSize,
                       Duration maxWait, int topK, boolean thumbnails, AtomicLong labelsOutsideLabelSpace) {
        this.model = model;
        this.labelSpaces = labelSpaces;
        this.preprocessor = new ImagePreprocessor(model.spec());
        this.limits = limits;
        this.batchSize = batchSize;
        this.maxWait = maxWait;
        this.topK = topK;
        this.thumbnails = thumbnails;
        this.labelsOutsideLabelSpace = labelsOutsideLabelSpace;
    }

    @Override
    public void init(ProcessorContext<String, Prediction> context) {
        this.context = context;
        this.parked = context.getStateStore(InferenceStage.PARKED_STORE);
        this.datasets = context.getStateStore(LabelSpaceStore.NAME);
        this.predictor = model.newPredictor();
        try (KeyValueIterator<String, ImageVariant> all = parked.all()) {
            while (all.hasNext()) {
                KeyValue<String, ImageVariant> entry = all.next();
                parkedHere.put(entry.key, prepare(entry.value));
            }
        }
        if (!parkedHere.isEmpty()) {
            log.info("Task {}: {} variants parked before a restart will be classified", context.taskId(),
                    parkedHere.size());
        }
        context.schedule(maxWait, PunctuationType.WALL_CLOCK_TIME, now -> runBatches(true));
    }

    @Override
    public void process(Record<String, ImageVariant> record) {
        ImageVariant variant = record.value();
        if (variant == null) {
            throw new BadImageException(BadImageException.Reason.EMPTY_RECORD,
                    "variant record with key '" + record.key() + "' has no value");
        }
        Parked ready = prepare(variant);
        parked.put(record.key(), variant);
        parkedHere.put(record.key(), ready);
        if (parkedHere.size() >= batchSize) {
            runBatches(false);
        }
    }

    /**
     * Classifies parked variants in batches of at most batch.size (with {@code all} false, only full batches). Image
     * features do not depend on the dataset, so a batch mixes datasets; each variant is scored against its own label
     * space. Variants whose label space is unknown yet stay parked.
     */
    private void runBatches(boolean all) {
        if (parkedHere.isEmpty()) {
            return;
        }
        Map<String, ZeroShotClassifier> classifiers = new HashMap<>();
        List<String> ready = new ArrayList<>();
        for (Map.Entry<String, Parked> entry : parkedHere.entrySet()) {
            if (classifierFor(entry.getValue().variant().getDataset(), classifiers) != null) {
                ready.add(entry.getKey());
            }
        }
        for (int start = 0; start < ready.size(); start += batchSize) {
            List<String> batch = ready.subList(start, Math.min(ready.size(), start + batchSize));
            if (!all && batch.size() < batchSize) {
                break;
            }
            classify(batch, classifiers);
        }
    }

    /** The classifier of a dataset's label space (looked up once per run), or null while it is unknown. */
    private ZeroShotClassifier classifierFor(String dataset, Map<String, ZeroShotClassifier> classifiers) {
        if (classifiers.containsKey(dataset)) {
            return classifiers.get(dataset);
        }
        DatasetInfo info = datasets.get(dataset);
        ZeroShotClassifier classifier = null;
        if (info == null) {
            // The label space is published before the images; until it arrives the variants stay parked.
            if (waitingDatasets.add(dataset)) {
                log.warn("Variants of dataset '{}' wait for its label space on the datasets topic", dataset);
            }
        } else {
            waitingDatasets.remove(dataset);
            classifier = labelSpaces.classifierFor(info, predictor);
        }
        classifiers.put(dataset, classifier);
        return classifier;
    }

    private void classify(List<String> keys, Map<String, ZeroShotClassifier> classifiers) {
        int values = preprocessor.valuesPerImage();
        float[] pixels = new float[keys.size() * values];
        List<Parked> batch = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            Parked one = parkedHere.get(keys.get(i));
            System.arraycopy(one.input(), 0, pixels, i * values, values);
            batch.add(one);
        }
        long start = System.nanoTime();
        float[][] features = model.imageFeatures(predictor, pixels, batch.size());
        long modelNanos = System.nanoTime() - start;
        long modelMicros = modelNanos / 1000;
        modelTime.record(modelNanos, TimeUnit.NANOSECONDS);
        batchSizes.record(batch.size());
        Instant now = Instant.now();
        for (int i = 0; i < batch.size(); i++) {
            long postStart = System.nanoTime();
            String key = keys.get(i);
            ImageVariant variant = batch.get(i).variant();
            ZeroShotClassifier classifier = classifiers.get(variant.getDataset());
            Prediction prediction = prediction(key, variant, classifier.labels(), classifier.scores(features[i]),
                    modelMicros / batch.size(), batch.size(), now, batch.get(i).thumbnail());
            postprocessTime.record(System.nanoTime() - postStart, TimeUnit.NANOSECONDS);
            context.forward(new Record<>(PredictionKeys.of(key, SR_METHOD), prediction,
                    variant.getCaptureTimestamp().toEpochMilli()));
            latency.record(prediction.getLatencyMillis(), TimeUnit.MILLISECONDS);
            predictionCounters.computeIfAbsent(prediction.getDataset(), dataset -> Metrics.counter(
                    OperationalMetrics.PREDICTIONS, "dataset", dataset, "model", model.spec().name())).increment();
            parked.delete(key);
            parkedHere.remove(key);
        }
    }

    private Prediction prediction(String variantKey, ImageVariant variant, List<String> labels, float[] scores,
                                  long modelMicros, int batch, Instant now, ByteBuffer thumbnail) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        List<LabelScore> top = new ArrayList<>(Math.min(topK, scores.length));
        for (int i = 0; i < Math.min(topK, scores.length); i++) {
            top.add(new LabelScore(labels.get(order[i]), scores[order[i]]));
        }
        String predicted = labels.get(order[0]);
        String label = variant.getLabel();
        Boolean correct = null;
        if (label != null) {
            if (labels.contains(label)) {
                correct = predicted.equals(label);
            } else {
                long count = labelsOutsideLabelSpace.incrementAndGet();
                Metrics.counter(OperationalMetrics.LABELS_OUTSIDE, "dataset", variant.getDataset()).increment();
                log.warn("Label '{}' of {} is not in the label space of '{}' ({} such predictions so far): "
                        + "'correct' left unset", label, variantKey, variant.getDataset(), count);
            }
        }
        return Prediction.newBuilder()
                .setImageId(variant.getImageId())
                .setVariantKey(variantKey)
                .setDataset(variant.getDataset())
                .setModel(model.spec().name())
                .setResolution(variant.getResolution())
                .setSrMethod(SR_METHOD)
                .setLabel(label)
                .setGroup(variant.getGroup())
                .setPredicted(predicted)
                .setTopK(top)
                .setCorrect(correct)
                .setCaptureTimestamp(variant.getCaptureTimestamp())
                .setPredictionTimestamp(now)
                .setModelTimeMicros(modelMicros)
                .setBatchSize(batch)
                .setLatencyMillis(now.toEpochMilli() - variant.getCaptureTimestamp().toEpochMilli())
                .setDevice(model.device().toString())
                .setThumbnail(thumbnail)
                .build();
    }

    /** A parked variant with what its batch needs: the model input and, if enabled, its thumbnail. */
    private record Parked(ImageVariant variant, float[] input, ByteBuffer thumbnail) {
    }

    /**
     * Decodes once (a bad image throws here, on arrival, so it is dead-lettered with its own record) into the model
     * input and the thumbnail: the image as classified, before up-sampling, at most 64 px on its short side, as PNG.
     */
    private Parked prepare(ImageVariant variant) {
        long start = System.nanoTime();
        Raster image = ImageCodec.decode(variant.getImage(), limits);
        long decoded = System.nanoTime();
        decodeTime.record(decoded - start, TimeUnit.NANOSECONDS);
        float[] input = new float[preprocessor.valuesPerImage()];
        preprocessor.write(image, input, 0);
        ByteBuffer thumbnail = null;
        if (thumbnails) {
            Raster small = image.shortSide() <= THUMBNAIL_SIDE ? image : Degradations.toShortSide(image, THUMBNAIL_SIDE);
            thumbnail = ByteBuffer.wrap(ImageCodec.encodePng(small));
        }
        preprocessTime.record(System.nanoTime() - decoded, TimeUnit.NANOSECONDS);
        return new Parked(variant, input, thumbnail);
    }

    @Override
    public void close() {
        if (predictor != null) {
            predictor.close();
        }
    }
}
