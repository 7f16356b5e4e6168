package io.lr0.app;

import io.lr0.degrade.DegradeStage;
import io.lr0.inference.InferenceStage;
import io.lr0.inference.ZeroShotModel;
import io.lr0.metrics.MetricsStage;
import io.lr0.schema.ImageVariant;
import io.lr0.superres.LiifModel;
import io.lr0.superres.SuperResolutionStage;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;

/** The whole lr0 topology, built by a pure function of the configuration (tests drive it with TopologyTestDriver). */
public final class Lr0Topology {
    private Lr0Topology() {
    }

    /**
     * {@code model} is the zero-shot model, or null when inference is disabled in this instance; {@code liif} the
     * LIIF model, or null when {@code sr.methods} does not name liif.
     */
    public static Topology build(Lr0Config config, Lr0Serdes serdes, ZeroShotModel model, LiifModel liif) {
        StreamsBuilder builder = new StreamsBuilder();
        boolean chained = model != null && config.inferenceChained();
        KStream<String, ImageVariant> degraded = null;
        if (config.degradeEnabled()) {
            // images -> image-variants: the LR0.FM degradation protocol. Chained, it also refuses an image whose
            // variants inference would refuse, while the image's own record can still be dead-lettered whole.
            degraded = DegradeStage.addTo(builder, config, serdes, chained
                    ? InferenceStage.arrivalCheck(model, config.imageLimits()) : variantPixels -> { });
        }
        if (model != null || config.metricsEnabled()) {
            // Class lists of the datasets, for prompts and for chance level (C).
            LabelSpaceStore.addTo(builder, config, serdes);
        }
        KStream<String, ImageVariant> variantsTopic = liif == null && (model == null || chained) ? null
                // Read back from the topic: later stages can run on other instances, spread by variant key.
                : builder.stream(config.variantsTopic(), Consumed.<String, ImageVariant>with(Serdes.String(),
                        serdes.value()).withName("variants"));
        if (liif != null) {
            // low-resolution image-variants -> upscaled-variants: LIIF to the model's input size.
            SuperResolutionStage.addTo(builder, variantsTopic, config, serdes, liif::newUpscaler,
                    srTargetSize(config, model));
        }
        if (model != null) {
            // image-variants (+ upscaled-variants) -> predictions: micro-batched zero-shot classification. Chained,
            // the degradation's task goes on with its own variants: no commit of it to wait for in between.
            new InferenceStage().addTo(builder, chained ? degraded : variantsTopic, config, serdes, model);
        }
        if (config.metricsEnabled()) {
            // predictions -> robustness metrics, windowed metrics, SAR/WAR.
            MetricsStage.addTo(builder, config, serdes);
        }
        return builder.build();
    }

    /** LIIF's target short side: sr.target.size, or the model's input size. */
    private static int srTargetSize(Lr0Config config, ZeroShotModel model) {
        int target = config.srTargetSize(model == null ? 0 : model.spec().inputSize());
        if (target <= 0) {
            throw new org.apache.kafka.common.config.ConfigException(Lr0Config.SR_TARGET_SIZE, 0,
                    "LIIF needs a target size: set it when this instance runs no inference model");
        }
        return target;
    }
}
