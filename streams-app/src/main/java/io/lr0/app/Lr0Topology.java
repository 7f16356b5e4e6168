package io.lr0.app;

import io.lr0.contract.Topics;
import io.lr0.degrade.DegradeStage;
import io.lr0.image.BadImageException;
import io.lr0.inference.InferenceStages;
import io.lr0.inference.ZeroShotModel;
import io.lr0.metrics.MetricsStage;
import io.lr0.runtime.labelspace.LabelSpaceGate;
import io.lr0.runtime.labelspace.LabelSpaceStore;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.superres.LiifModel;
import io.lr0.superres.SuperResolutionStage;
import java.util.List;
import java.util.Properties;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/** The whole lr0 topology, built by a pure function of the configuration (tests drive it with TopologyTestDriver). */
public final class Lr0Topology {
    private Lr0Topology() {}

    /**
     * {@code streamsProperties} are those the topology runs under ({@link Lr0App#streamsProperties}: its processors
     * are wrapped as they name); {@code models} are the zero-shot models of {@code inference.model}, all classifying
     * the same variants, or empty when inference is disabled in this instance; {@code liif} the LIIF model, or null
     * when {@code sr.methods} does not name liif.
     */
    public static Topology build(
            Lr0Config config,
            Properties streamsProperties,
            StageSerdes serdes,
            OperationalMetrics meters,
            List<ZeroShotModel> models,
            LiifModel liif) {
        Topics topics = config.topics();
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsProperties)));
        InferenceStages inference =
                models.isEmpty() ? null : new InferenceStages(config.inferenceSettings(), models, meters);
        boolean chained = inference != null && config.inferenceChained();
        if (inference != null || config.metricsEnabled()) {
            // Class lists of the datasets, for prompts and for chance level (C); inference starts encoding a
            // label space's prompts (on a thread of its own) as soon as it is published.
            LabelSpaceStore.addTo(
                    builder,
                    topics.datasets(),
                    serdes,
                    inference == null ? info -> {} : info -> startPreparing(inference, info));
        }
        KStream<String, ImageVariant> degraded = null;
        if (config.degradeEnabled()) {
            KStream<String, ImageRecord> images = source(builder, topics.images(), ImageRecord.class, "images", serdes);
            DegradeStage degrade;
            if (chained) {
                // Images of a dataset with no label space yet wait for it on disk (then are dead-lettered whole).
                images = new LabelSpaceGate<>(
                                config.labelSpaceWait(),
                                topics.images(),
                                ImageRecord.class,
                                ImageRecord::getDataset,
                                inference.labelSpaceReady(),
                                meters)
                        .addTo(builder, images, serdes);
                // images -> image-variants: the LR0.FM degradation protocol, refusing also an image whose variants
                // inference would refuse, while the image's own record can still be dead-lettered whole.
                degrade = new DegradeStage(config.degradeSettings(), inference.arrivalCheck(), meters);
            } else {
                // images -> image-variants: the LR0.FM degradation protocol.
                degrade = new DegradeStage(config.degradeSettings(), meters);
            }
            degraded = degrade.addTo(builder, images, serdes);
        }
        KStream<String, ImageVariant> variantsTopic = liif == null && (inference == null || chained)
                ? null
                // Read back from the topic: later stages can run on other instances, spread by variant key.
                : source(builder, topics.variants(), ImageVariant.class, "variants", serdes);
        if (liif != null) {
            // low-resolution image-variants -> upscaled-variants: LIIF to the model's input size.
            new SuperResolutionStage(
                            config.superResolutionSettings(),
                            liif::newUpscaler,
                            srTargetSize(config, inference),
                            meters)
                    .addTo(builder, variantsTopic, serdes);
        }
        if (inference != null) {
            // image-variants (+ upscaled-variants) -> predictions: micro-batched zero-shot classification. Chained,
            // the degradation's task goes on with its own variants: no commit of it to wait for in between.
            // Read from a topic, variants of a dataset with no label space yet wait for it on disk (then are
            // dead-lettered), each topic's before they merge, so that a dead letter replays to its own topic.
            BiFunction<KStream<String, ImageVariant>, String, KStream<String, ImageVariant>> gated =
                    (stream, topic) -> new LabelSpaceGate<>(
                                    config.labelSpaceWait(),
                                    topic,
                                    ImageVariant.class,
                                    ImageVariant::getDataset,
                                    inference.labelSpaceReady(),
                                    meters)
                            .addTo(builder, stream, serdes);
            KStream<String, ImageVariant> variants = chained ? degraded : gated.apply(variantsTopic, topics.variants());
            if (liif != null) {
                // The LIIF outputs are classified like any variant, read from their topic: LIIF may run elsewhere.
                variants = variants.merge(
                        gated.apply(
                                source(builder, topics.upscaled(), ImageVariant.class, "upscaled", serdes),
                                topics.upscaled()),
                        Named.as("variants-and-upscaled"));
            }
            inference.addTo(builder, variants, serdes);
        }
        if (config.metricsEnabled()) {
            // predictions -> robustness metrics, windowed metrics, SAR/WAR.
            KStream<String, Prediction> predictions =
                    source(builder, topics.predictions(), Prediction.class, "predictions-for-metrics", serdes);
            new MetricsStage(config.metricsSettings()).addTo(builder, predictions, serdes);
        }
        return builder.build();
    }

    /**
     * Starts encoding a label space's prompts as it is published; one that can never be used is logged (by the
     * inference stage) and its records are dead-lettered where they arrive, so nothing is thrown on the global thread.
     */
    private static void startPreparing(InferenceStages inference, DatasetInfo info) {
        try {
            inference.labelSpaceReady().test(info);
        } catch (BadImageException unusable) {
            // Refused: the LabelSpaceGate dead-letters the dataset's records with this reason.
        }
    }

    /** The records of {@code topic}, as a source node named {@code name}. */
    private static <V extends SpecificRecord> KStream<String, V> source(
            StreamsBuilder builder, String topic, Class<V> type, String name, StageSerdes serdes) {
        return builder.stream(
                topic, Consumed.with(Serdes.String(), serdes.value(type)).withName(name));
    }

    /** LIIF's target short side: sr.target.size, or the (first) model's input size. */
    private static int srTargetSize(Lr0Config config, InferenceStages inference) {
        int configured = config.superResolutionSettings().targetSize();
        int target = configured > 0
                ? configured
                : inference == null ? 0 : inference.firstSpec().inputSize();
        if (target <= 0) {
            throw new ConfigException(
                    Lr0Config.SR_TARGET_SIZE,
                    0,
                    "LIIF needs a target size: set it when this instance runs no inference model");
        }
        return target;
    }
}
