package io.lr0.inference;

import io.lr0.contract.Keys;
import io.lr0.contract.StoreNames;
import io.lr0.image.BadImageException;
import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.records.LogText;
import io.lr0.runtime.stage.MicroBatchProcessor;
import io.lr0.runtime.stage.ParkedVariants.Parked;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.LabelScore;
import io.lr0.schema.Prediction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micro-batched zero-shot inference ({@link MicroBatchProcessor}): each variant is validated and pre-processed on
 * arrival, parked, and classified in a batch; one prediction per variant and super-resolution method.
 */
final class InferenceProcessor extends MicroBatchProcessor<ImagePreprocessor.Prepared, Prediction> {
    private static final Logger log = LoggerFactory.getLogger(InferenceProcessor.class);

    private final DualEncoder model;
    private final LabelSpaces labelSpaces;
    private final ImagePreprocessor preprocessor;
    private final ImageLimits limits;
    private final int topK;
    private final boolean thumbnails;
    private final AtomicLong labelsOutsideLabelSpace;
    /** Datasets whose label space went away while variants of it were parked, already warned about. */
    private final Set<String> waitingDatasets = new HashSet<>();

    private final OperationalMetrics meters;
    private final Timer latency;
    private final Timer decodeTime;
    private final Timer preprocessTime;
    private final Timer normaliseTime;
    private final Timer postprocessTime;
    /** Meter lookups are not free: one counter per dataset, found once. */
    private final Map<String, Counter> predictionCounters = new HashMap<>();

    private KeyValueStore<String, DatasetInfo> datasets;
    private TimedImageEncoder encoder;
    /** The batch's model input, reused from batch to batch (for CLIP at 224 px, 600 KB per image). */
    private float[] modelInput = new float[0];
    /** The same as 8-bit planes, for a model on a GPU (150 KB per image). */
    private byte[] planesInput = new byte[0];

    InferenceProcessor(
            DualEncoder model,
            String parkedStore,
            LabelSpaces labelSpaces,
            InferenceSettings settings,
            AtomicLong labelsOutsideLabelSpace,
            OperationalMetrics meters) {
        super(parkedStore, settings.batchSize(), settings.batchMaxWait());
        this.meters = meters;
        this.latency = meters.latencyTimer(OperationalMetrics.PREDICTION_LATENCY);
        this.decodeTime = meters.stageTimer("decode");
        this.preprocessTime = meters.stageTimer("preprocess");
        this.normaliseTime = meters.stageTimer("normalise");
        this.postprocessTime = meters.stageTimer("postprocess");
        this.model = model;
        this.labelSpaces = labelSpaces;
        this.preprocessor = new ImagePreprocessor(model.spec());
        this.limits = settings.limits();
        this.topK = settings.topK();
        this.thumbnails = settings.thumbnails();
        this.labelsOutsideLabelSpace = labelsOutsideLabelSpace;
    }

    @Override
    protected void open(ProcessorContext<String, Prediction> context) {
        this.datasets = context.getStateStore(StoreNames.LABEL_SPACES);
        // The forward passes timed around the encoder (wall, CPU, batch size), not inside this processor's logic.
        this.encoder = new TimedImageEncoder(model.newImageEncoder(), meters);
    }

    /** Keyed by the prediction it becomes: a variant's bicubic and LIIF inputs park side by side. */
    @Override
    protected String resultKey(ImageVariant variant) {
        return Keys.withMethod(Keys.variant(variant.getImageId(), variant.getResolution()), variant.getSrMethod());
    }

    /**
     * Classifies parked variants in batches of at most batch.size. Image features do not depend on the dataset, so a
     * batch mixes datasets; each variant is scored against its own label space. Variants whose label space was
     * deleted since they passed the {@link io.lr0.runtime.labelspace.LabelSpaceGate} stay parked.
     */
    @Override
    protected void runBatches(boolean onlyFull) {
        if (parked().size() == 0) {
            return;
        }
        Map<String, ZeroShotClassifier> classifiers = new HashMap<>();
        for (List<Parked<ImagePreprocessor.Prepared>> batch : parked().batches(
                        batchSize(),
                        one -> classifierFor(one.variant().getDataset(), classifiers) != null,
                        one -> "any",
                        onlyFull)) {
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
            // The label space was there when the variant passed the LabelSpaceGate, and was deleted since (a
            // tombstone on the datasets topic): the parked variant waits for it to come back.
            if (waitingDatasets.add(dataset)) {
                log.warn(
                        "The label space of dataset '{}' was deleted from the datasets topic while variants of it were "
                                + "parked for inference: they wait until it is published again",
                        LogText.of(dataset));
            }
        } else {
            // Null while a changed class list is encoded (off this thread): the variants stay parked meanwhile.
            try {
                classifier = labelSpaces.classifier(info);
                waitingDatasets.remove(dataset);
            } catch (BadImageException refused) {
                // Republished unusable after the variants passed the LabelSpaceGate: like a deleted one, they wait
                // for a usable one (new records of it are dead-lettered at the gate).
                if (waitingDatasets.add(dataset)) {
                    log.warn(
                            "Variants of dataset '{}' parked for inference wait for a usable label space: {}",
                            LogText.of(dataset),
                            LogText.of(refused.getMessage()));
                }
            }
        }
        classifiers.put(dataset, classifier);
        return classifier;
    }

    private void classify(List<Parked<ImagePreprocessor.Prepared>> batch, Map<String, ZeroShotClassifier> classifiers) {
        int values = preprocessor.valuesPerImage();
        // On a GPU the 8-bit planes go to the device and are normalised there; on a CPU here.
        boolean onDevice = encoder.takesPlanes();
        for (int i = 0; i < batch.size(); i++) {
            long normaliseStart = System.nanoTime();
            if (onDevice) {
                planesInput = grown(planesInput, batchSize() * values);
                preprocessor.writePlanes(batch.get(i).prepared(), planesInput, i);
            } else {
                modelInput = grown(modelInput, batchSize() * values);
                preprocessor.write(batch.get(i).prepared(), modelInput, i);
            }
            normaliseTime.record(System.nanoTime() - normaliseStart, TimeUnit.NANOSECONDS);
        }
        float[][] features =
                onDevice ? encoder.encode(planesInput, batch.size()) : encoder.encode(modelInput, batch.size());
        long modelMicros = encoder.lastNanos() / 1000;
        Instant now = now();
        for (int i = 0; i < batch.size(); i++) {
            long postStart = System.nanoTime();
            ImageVariant variant = batch.get(i).variant();
            ZeroShotClassifier classifier = classifiers.get(variant.getDataset());
            Prediction prediction = prediction(
                    variant,
                    classifier.labels(),
                    classifier.scores(features[i]),
                    modelMicros / batch.size(),
                    batch.size(),
                    now,
                    batch.get(i).prepared().thumbnailPng());
            postprocessTime.record(System.nanoTime() - postStart, TimeUnit.NANOSECONDS);
            emit(batch.get(i), prediction);
            latency.record(prediction.getLatencyMillis(), TimeUnit.MILLISECONDS);
            predictionCounters
                    .computeIfAbsent(
                            prediction.getDataset(),
                            dataset -> meters.counter(
                                    OperationalMetrics.PREDICTIONS,
                                    "dataset",
                                    dataset,
                                    "model",
                                    model.spec().name()))
                    .increment();
        }
    }

    private Prediction prediction(
            ImageVariant variant,
            List<String> labels,
            float[] scores,
            long modelMicros,
            int batch,
            Instant now,
            byte[] thumbnailPng) {
        String variantKey = Keys.variant(variant.getImageId(), variant.getResolution());
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
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
                meters.counter(OperationalMetrics.LABELS_OUTSIDE, "dataset", variant.getDataset())
                        .increment();
                // At the 1st, 10th, 100th... such prediction: a dataset's mislabelled stream must not flood the log.
                if (isPowerOfTen(count)) {
                    log.warn(
                            "Label '{}' of {} is not in the label space of '{}' ({} such predictions so far): "
                                    + "'correct' left unset",
                            LogText.of(label),
                            LogText.of(variantKey),
                            LogText.of(variant.getDataset()),
                            count);
                }
            }
        }
        return Prediction.newBuilder()
                .setImageId(variant.getImageId())
                .setVariantKey(variantKey)
                .setDataset(variant.getDataset())
                .setModel(model.spec().name())
                .setResolution(variant.getResolution())
                .setSrMethod(variant.getSrMethod())
                .setLabel(label)
                .setGroup(variant.getGroup())
                .setPredicted(predicted)
                .setTopK(top)
                .setCorrect(correct)
                .setCaptureTimestamp(variant.getCaptureTimestamp())
                .setPredictionTimestamp(now)
                .setModelTimeMicros(modelMicros)
                .setBatchSize(batch)
                .setLatencyMillis(
                        now.toEpochMilli() - variant.getCaptureTimestamp().toEpochMilli())
                .setDevice(model.deviceName())
                .setThumbnail(thumbnailPng == null ? null : ByteBuffer.wrap(thumbnailPng))
                .setSource(variant.getSource())
                .setEntropy(ZeroShotClassifier.entropy(scores))
                .build();
    }

    /**
     * Decodes and checks once, on arrival (a bad image throws here, so it is dead-lettered with its own record), and
     * resizes it in one pass to the model's crop, as 8-bit planes, and to its thumbnail: the image as classified (for
     * LIIF, its output) in a 64 px box, as PNG. The batch later only normalises the planes into its reused input.
     */
    @Override
    protected ImagePreprocessor.Prepared prepare(ImageVariant variant) {
        long start = System.nanoTime();
        Raster image = ImageCodec.decode(variant.getImage(), limits);
        long decoded = System.nanoTime();
        decodeTime.record(decoded - start, TimeUnit.NANOSECONDS);
        preprocessor.checkResizable(image, limits);
        ImagePreprocessor.Prepared prepared = preprocessor.prepare(image, thumbnails);
        preprocessTime.record(System.nanoTime() - decoded, TimeUnit.NANOSECONDS);
        return prepared;
    }

    private static float[] grown(float[] buffer, int length) {
        return buffer.length < length ? new float[length] : buffer;
    }

    private static byte[] grown(byte[] buffer, int length) {
        return buffer.length < length ? new byte[length] : buffer;
    }

    private static boolean isPowerOfTen(long count) {
        long power = 1;
        while (power < count) {
            power *= 10;
        }
        return power == count;
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
    }
}
