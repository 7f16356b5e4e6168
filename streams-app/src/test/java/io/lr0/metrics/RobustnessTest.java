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

    @Test
    void sarAndWarWithLr0fmWeights() {
        Robustness.Aggregate aggregate = Robustness.aggregate(
                List.of(
                        new Robustness.DatasetResult("imagenet", 1000, 0.70, 0.35),
                        new Robustness.DatasetResult("EuroSAT", 10, 0.50, 0.40),
                        new Robustness.DatasetResult("dtd", 47, 0.03, 0.025),
                        new Robustness.DatasetResult("stanford_cars", 196, 0.0, 0.0)),
                WarWeights.lr0fm(),
                200);

        assertEquals(0.71111, aggregate.sar(), 5e-6);
        assertEquals(0.53214, aggregate.war(), 5e-6);
        assertEquals(List.of("imagenet", "EuroSAT", "dtd"), aggregate.datasets(), "A_HR = 0 is left out");
    }

    @Test
    void weightsNormaliseIdsAndTakeOverrides() {
        WarWeights weights = new WarWeights(Map.of("Fashion_MNIST", 0.3), WarWeights.DEFAULT_WEIGHT);
        assertEquals(0.82295, weights.weightOf("FGVC_Aircraft"));
        assertEquals(0.3, weights.weightOf("fashion-mnist"));
        assertEquals(1.0, weights.weightOf("my-birds"));
    }
}
