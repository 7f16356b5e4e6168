package io.lr0.app;

import io.lr0.contract.Topics;
import io.lr0.degrade.DegradeStage;
import io.lr0.image.BadImageException;
import io.lr0.inference.DualEncoder;
import io.lr0.inference.InferenceStages;
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
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
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
    private final Lr0Config config;
    private final Topics topics;
    private final StageSerdes serdes;
    private final OperationalMetrics meters;
    private final StreamsBuilder builder;
    /** The variants read back from their topic, once: a topic is the source of one node only. */
    private KStream<String, ImageVariant> variantsTopic;

    private Lr0Topology(Lr0Config config, Properties streamsProperties, StageSerdes serdes, OperationalMetrics meters) {
        this.config = config;
        this.topics = config.topics();
        this.serdes = serdes;
        this.meters = meters;
        this.builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsProperties)));
    }

    /**
     * {@code streamsProperties} are those the topology runs under ({@link Lr0App#streamsProperties}: its processors
     * are wrapped as they name); {@code models} are the zero-shot models of {@code inference.model}, all classifying
     * the same variants, or empty when inference is disabled in this instance; {@code liif} the LIIF model, or null
     * when {@code sr.methods} does not name liif. What runs here is {@link TopologyRoles#of} them.
     */
    public static Topology build(
            Lr0Config config,
            Properties streamsProperties,
            StageSerdes serdes,
            OperationalMetrics meters,
            List<? extends DualEncoder> models,
            LiifModel liif) {
        TopologyRoles roles = TopologyRoles.of(config, models, liif);
        return new Lr0Topology(config, streamsProperties, serdes, meters).build(roles, models, liif);
    }

    private Topology build(TopologyRoles roles, List<? extends DualEncoder> models, LiifModel liif) {
        Optional<InferenceStages> inference = roles.inference()
                ? Optional.of(new InferenceStages(config.inferenceSettings(), models, meters))
                : Optional.empty();
        if (roles.readsLabelSpaces()) {
            // Class lists of the datasets, for prompts and for chance level (C); inference starts encoding a
            // label space's prompts (on a thread of its own) as soon as it is published.
            LabelSpaceStore.addTo(
                    builder,
                    topics.datasets(),
                    serdes,
                    info -> inference.ifPresent(stages -> startPreparing(stages, info)));
        }
        Optional<KStream<String, ImageVariant>> degraded =
                roles.degrade() ? Optional.of(addDegradation(roles, inference)) : Optional.empty();
        if (roles.superResolution()) {
            // low-resolution image-variants -> upscaled-variants: LIIF to the model's input size.
            new SuperResolutionStage(
                            config.superResolutionSettings(), liif::newUpscaler, srTargetSize(inference), meters)
                    .addTo(builder, variants(), serdes);
        }
        inference.ifPresent(stages -> addInference(roles, stages, degraded));
        if (roles.metrics()) {
            // predictions -> robustness metrics, windowed metrics, SAR/WAR.
            KStream<String, Prediction> predictions =
                    source(topics.predictions(), Prediction.class, "predictions-for-metrics");
            new MetricsStage(config.metricsSettings()).addTo(builder, predictions, serdes);
        }
        return builder.build();
    }

    /** images -> image-variants: the LR0.FM degradation protocol. */
    private KStream<String, ImageVariant> addDegradation(TopologyRoles roles, Optional<InferenceStages> inference) {
        KStream<String, ImageRecord> images = source(topics.images(), ImageRecord.class, "images");
        if (!roles.chained()) {
            return new DegradeStage(config.degradeSettings(), meters).addTo(builder, images, serdes);
        }
        InferenceStages stages = inference.orElseThrow();
        // Images of a dataset with no label space yet wait for it on disk (then are dead-lettered whole).
        KStream<String, ImageRecord> ready =
                gate(images, topics.images(), ImageRecord.class, ImageRecord::getDataset, stages);
        // Refusing also an image whose variants inference would refuse, while the image's own record can still be
        // dead-lettered whole.
        return new DegradeStage(config.degradeSettings(), stages.arrivalCheck(), meters).addTo(builder, ready, serdes);
    }

    /**
     * image-variants (+ upscaled-variants) -> predictions: micro-batched zero-shot classification. Chained, the
     * degradation's task goes on with its own variants: no commit of it to wait for in between. Read from a topic,
     * variants of a dataset with no label space yet wait for it on disk (then are dead-lettered), each topic's
     * before they merge, so that a dead letter replays to its own topic.
     */
    private void addInference(
            TopologyRoles roles, InferenceStages stages, Optional<KStream<String, ImageVariant>> degraded) {
        KStream<String, ImageVariant> variants = roles.chained()
                ? degraded.orElseThrow()
                : gate(variants(), topics.variants(), ImageVariant.class, ImageVariant::getDataset, stages);
        if (roles.superResolution()) {
            // The LIIF outputs are classified like any variant, read from their topic: LIIF may run elsewhere.
            KStream<String, ImageVariant> upscaled = gate(
                    source(topics.upscaled(), ImageVariant.class, "upscaled"),
                    topics.upscaled(),
                    ImageVariant.class,
                    ImageVariant::getDataset,
                    stages);
            variants = variants.merge(upscaled, Named.as("variants-and-upscaled"));
        }
        stages.addTo(builder, variants, serdes);
    }

    /** {@code records} of {@code topic} held until their dataset's label space is ready for inference. */
    private <V extends SpecificRecord> KStream<String, V> gate(
            KStream<String, V> records,
            String topic,
            Class<V> type,
            Function<V, String> datasetOf,
            InferenceStages stages) {
        return new LabelSpaceGate<>(config.labelSpaceWait(), topic, type, datasetOf, stages.labelSpaceReady(), meters)
                .addTo(builder, records, serdes);
    }

    /** The variants read back from their topic: later stages can run on other instances, spread by variant key. */
    private KStream<String, ImageVariant> variants() {
        if (variantsTopic == null) {
            variantsTopic = source(topics.variants(), ImageVariant.class, "variants");
        }
        return variantsTopic;
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
    private <V extends SpecificRecord> KStream<String, V> source(String topic, Class<V> type, String name) {
        return builder.stream(
                topic, Consumed.with(Serdes.String(), serdes.value(type)).withName(name));
    }

    /** LIIF's target short side: sr.target.size, or the (first) model's input size. */
    private int srTargetSize(Optional<InferenceStages> inference) {
        int configured = config.superResolutionSettings().targetSize();
        int target = configured > 0
                ? configured
                : inference.map(stages -> stages.firstSpec().inputSize()).orElse(0);
        if (target <= 0) {
            throw new ConfigException(
                    Lr0Config.SR_TARGET_SIZE,
                    0,
                    "LIIF needs a target size: set it when this instance runs no inference model");
        }
        return target;
    }
}
