package io.lr0.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected values computed independently (plain Python with math.exp) from LR0.FM's definitions. */
class RobustnessTest {

    @Test
    void relativeRobustnessNeedsAHighResolutionAccuracy() {
        assertEquals(0.5, Robustness.relative(0.35, 0.70), 1e-12);
        assertNull(Robustness.relative(0.3, null), "no native accuracy yet");
        assertNull(Robustness.relative(0.3, 0.0), "no division by zero");
    }

    @Test
    void improvedRobustnessDiscountsNearChanceDatasets() {
        assertEquals(0.012586936872506135, Robustness.improved(0.025, 0.03, 47, 200), 1e-12);
        assertEquals(0.8, Robustness.improved(0.40, 0.50, 10, 200), 1e-12);
        assertEquals(0.0, Robustness.improved(0.1, 0.1, 10, 200), 1e-12, "at chance, Gamma is 0");
        assertNull(Robustness.improved(0.1, null, 10, 200));
    }

    /** Three datasets and one with A_HR = 0, ImageNet under the id given. */
    private static Robustness.Aggregate example(String imagenetId) {
        return Robustness.aggregate(
                List.of(
                        new Robustness.DatasetResult(imagenetId, 1000, 0.70, 0.35),
                        new Robustness.DatasetResult("EuroSAT", 10, 0.50, 0.40),
                        new Robustness.DatasetResult("dtd", 47, 0.03, 0.025),
                        new Robustness.DatasetResult("stanford_cars", 196, 0.0, 0.0)),
                WarWeights.lr0fm(),
                200);
    }

    @Test
    void sarAndWarWithLr0fmWeights() {
        Robustness.Aggregate aggregate = example("imagenet");

        assertEquals(0.71111, aggregate.sar(), 5e-6);
        assertEquals(0.53214, aggregate.war(), 5e-6);
        assertEquals(List.of("imagenet", "EuroSAT", "dtd"), aggregate.datasets(), "A_HR = 0 is left out");
    }

    /**
     * LR0.FM's own dataset ids (its repository's: imagenet1k, pets, cars, flowers, fgvc_aircraft, ...) get its
     * weights: under "imagenet1k" the example above gave WAR 0.52131 (ImageNet at the default weight 1.0) before.
     */
    @Test
    void lr0fmsOwnIdsGetItsWeights() {
        Robustness.Aggregate aggregate = example("imagenet1k");
        assertEquals(0.53214, aggregate.war(), 5e-6);
        assertEquals(
                new WarWeights.Weight(0.15556, "LR0.FM's imagenet1k"),
                aggregate.weights().get("imagenet1k"));

        WarWeights weights = WarWeights.lr0fm();
        Map<String, Double> lr0fmIds = Map.ofEntries(
                Map.entry("imagenet1k", 0.15556),
                Map.entry("imagenet_a", 0.97050),
                Map.entry("imagenet_r", 0.01),
                Map.entry("imagenet_sketch", 0.02146),
                Map.entry("imagenet_v2", 0.28546),
                Map.entry("caltech101", 0.01),
                Map.entry("dtd", 0.50592),
                Map.entry("food101", 0.01),
                Map.entry("fgvc_aircraft", 0.82295),
                Map.entry("sun397", 0.40756),
                Map.entry("pets", 0.08995),
                Map.entry("cars", 0.13584),
                Map.entry("flowers", 0.08972),
                Map.entry("eurosat", 1.0),
                Map.entry("ucf101", 0.01));
        lr0fmIds.forEach((id, weight) -> assertEquals(weight, weights.of(id).value(), id));
        // Common names of the same datasets.
        assertEquals(0.15556, weights.of("ImageNet-1k").value());
        assertEquals(0.08995, weights.of("oxford-iiit-pet").value());
        assertEquals(0.08972, weights.of("Flowers-102").value());
        assertEquals(new WarWeights.Weight(1.0, "default"), weights.of("my-birds"));
    }

    /**
     * LR0.FM's paper has epsilon = A_HR - 1/C in [0, 1]; its MetaData/generate_SAR_WAR.py, which produced the
     * published tables, does not clamp it, and neither does lr0: a model below chance at native resolution still
     * gets Gamma > 0 (epsilon squared).
     */
    @Test
    void belowChanceAtNativeResolutionIsNotClamped() {
        // gamma 0.8, epsilon 0.05 - 0.1 = -0.05: Gamma = 0.8 * (1 - exp(-200 * 0.0025)).
        assertEquals(0.8 * (1 - Math.exp(-0.5)), Robustness.improved(0.04, 0.05, 10, 200), 1e-12);
        assertEquals(0.31478, Robustness.improved(0.04, 0.05, 10, 200), 5e-6);
    }

    @Test
    void weightsNormaliseIdsAndTakeOverrides() {
        WarWeights weights = new WarWeights(Map.of("Fashion_MNIST", 0.3), WarWeights.DEFAULT_WEIGHT);
        assertEquals(0.82295, weights.of("FGVC_Aircraft").value());
        assertEquals(0.3, weights.of("fashion-mnist").value());
        assertEquals(1.0, weights.of("my-birds").value());
        assertEquals(new WarWeights.Weight(0.3, "configured"), weights.of("Fashion MNIST"));
    }
}
