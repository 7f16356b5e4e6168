package io.lr0.app;

import io.lr0.degrade.DegradeStage;
import io.lr0.inference.InferenceStage;
import io.lr0.inference.ZeroShotModel;
import io.lr0.metrics.MetricsStage;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/** The whole lr0 topology, built by a pure function of the configuration (tests drive it with TopologyTestDriver). */
public final class Lr0Topology {
    private Lr0Topology() {
    }

    /** {@code model} is the zero-shot model, or null when inference is disabled in this instance. */
    public static Topology build(Lr0Config config, Lr0Serdes serdes, ZeroShotModel model) {
        StreamsBuilder builder = new StreamsBuilder();
        // images -> image-variants: the LR0.FM degradation protocol.
        DegradeStage.addTo(builder, config, serdes);
        if (model != null || config.metricsEnabled()) {
            // Class lists of the datasets, for prompts and for chance level (C).
            LabelSpaceStore.addTo(builder, config, serdes);
        }
        if (model != null) {
            // image-variants -> predictions: micro-batched zero-shot classification.
            new InferenceStage().addTo(builder, config, serdes, model);
        }
        if (config.metricsEnabled()) {
            // predictions -> robustness metrics, windowed metrics, SAR/WAR.
            MetricsStage.addTo(builder, config, serdes);
        }
        return builder.build();
    }
}
