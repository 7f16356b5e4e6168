package io.lr0.app;

import io.lr0.inference.DualEncoder;
import io.lr0.superres.LiifModel;
import java.util.List;

/**
 * What one instance runs, decided once: each stage on or off, and whether inference goes on in the degradation's
 * task. Instances of one application may each run a part (degradation and metrics on CPU instances, the models on
 * GPU ones); the topology is built from this value.
 *
 * @param degrade images to their low-resolution variants
 * @param superResolution LIIF on the low-resolution variants
 * @param inference zero-shot classification of the variants
 * @param chained inference takes the degradation's variants in the same task, not from their topic
 * @param metrics the measures from the predictions
 */
public record TopologyRoles(
        boolean degrade, boolean superResolution, boolean inference, boolean chained, boolean metrics) {
    public TopologyRoles {
        if (chained && !(degrade && inference)) {
            throw new IllegalArgumentException("chained inference needs both degradation and inference here");
        }
    }

    /** The roles the configuration gives an instance that loaded {@code models} and {@code liif} (null: none). */
    public static TopologyRoles of(Lr0Config config, List<? extends DualEncoder> models, LiifModel liif) {
        boolean inference = !models.isEmpty();
        return new TopologyRoles(
                config.degradeEnabled(),
                liif != null,
                inference,
                inference && config.inferenceChained(),
                config.metricsEnabled());
    }

    /** Whether the label spaces are read here: inference prompts them, metrics count chance level from them. */
    public boolean readsLabelSpaces() {
        return inference || metrics;
    }

    /** Whether the variants are read back from their topic: by LIIF, or by inference not chained to degradation. */
    public boolean readsVariants() {
        return superResolution || (inference && !chained);
    }
}
