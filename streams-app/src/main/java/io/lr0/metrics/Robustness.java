package io.lr0.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LR0.FM's robustness measures (arXiv 2502.03950), accuracies as fractions, A_HR the accuracy at native resolution:
 * relative robustness gamma_r = A_r / A_HR; distance from chance eps = A_HR - 1/C; improved relative robustness
 * Gamma_r = gamma_r * (1 - exp(-alpha * eps^2)), which discounts datasets where the model is near chance at high
 * resolution; SAR_r = mean over datasets of gamma_r; WAR_r = sum w_d Gamma_r(d) / sum w_d.
 * The stream and {@code lr0 war} both use these functions.
 */
public final class Robustness {
    public static final double DEFAULT_ALPHA = 200;

    private Robustness() {}

    /** gamma_r, or null while A_HR is unknown or zero (no division by zero). */
    public static Double relative(double accuracyLowRes, Double accuracyHighRes) {
        return accuracyHighRes == null || accuracyHighRes <= 0 ? null : accuracyLowRes / accuracyHighRes;
    }

    /** eps = A_HR - 1/C. */
    public static double distanceFromChance(double accuracyHighRes, int classes) {
        return accuracyHighRes - 1.0 / classes;
    }

    /** Gamma_r, or null while A_HR or the class count is unknown. */
    public static Double improved(double accuracyLowRes, Double accuracyHighRes, int classes, double alpha) {
        Double gamma = relative(accuracyLowRes, accuracyHighRes);
        if (gamma == null || classes <= 0) {
            return null;
        }
        double eps = distanceFromChance(accuracyHighRes, classes);
        return gamma * (1 - Math.exp(-alpha * eps * eps));
    }

    /** One dataset at one resolution: its class count and the two accuracies (fractions). */
    public record DatasetResult(String dataset, int classes, double accuracyHighRes, double accuracyLowRes) {}

    /**
     * SAR and WAR over the datasets that have both accuracies; null values when none has. {@code weights}: the WAR
     * weight each of those datasets had, in their order.
     */
    public record Aggregate(Double sar, Double war, List<String> datasets, Map<String, WarWeights.Weight> weights) {}

    public static Aggregate aggregate(List<DatasetResult> results, WarWeights weights, double alpha) {
        double gammaSum = 0;
        double weightedSum = 0;
        double weightSum = 0;
        List<String> included = new ArrayList<>();
        Map<String, WarWeights.Weight> used = new LinkedHashMap<>();
        for (DatasetResult result : results) {
            Double gamma = relative(result.accuracyLowRes(), result.accuracyHighRes());
            Double improved = improved(result.accuracyLowRes(), result.accuracyHighRes(), result.classes(), alpha);
            if (gamma == null || improved == null) {
                continue;
            }
            WarWeights.Weight weight = weights.of(result.dataset());
            used.put(result.dataset(), weight);
            gammaSum += gamma;
            weightedSum += weight.value() * improved;
            weightSum += weight.value();
            included.add(result.dataset());
        }
        if (included.isEmpty()) {
            return new Aggregate(null, null, List.of(), Map.of());
        }
        return new Aggregate(
                gammaSum / included.size(),
                weightSum == 0 ? null : weightedSum / weightSum,
                List.copyOf(included),
                Collections.unmodifiableMap(used));
    }
}
