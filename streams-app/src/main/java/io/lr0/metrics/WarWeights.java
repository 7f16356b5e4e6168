package io.lr0.metrics;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Dataset weights of LR0.FM's weighted aggregated robustness (WAR). Dataset ids are matched in lower case with
 * '_' read as '-'. A dataset not in the table weighs {@link #DEFAULT_WEIGHT} unless configured.
 */
public final class WarWeights {
    /** Weight of a dataset LR0.FM did not weigh: it counts fully, like the most weighted benchmark (EuroSAT). */
    public static final double DEFAULT_WEIGHT = 1.0;

    /** LR0.FM's weights (arXiv 2502.03950). */
    public static final Map<String, Double> LR0FM = Map.ofEntries(
            Map.entry("imagenet", 0.15556),
            Map.entry("imagenet-a", 0.97050),
            Map.entry("imagenet-v2", 0.28546),
            Map.entry("imagenet-r", 0.01),
            Map.entry("imagenet-sketch", 0.02146),
            Map.entry("caltech101", 0.01),
            Map.entry("dtd", 0.50592),
            Map.entry("food101", 0.01),
            Map.entry("sun397", 0.40756),
            Map.entry("stanford-cars", 0.13584),
            Map.entry("fgvc-aircraft", 0.82295),
            Map.entry("oxford-pets", 0.08995),
            Map.entry("flowers102", 0.08972),
            Map.entry("eurosat", 1.0),
            Map.entry("ucf101", 0.01));

    private final Map<String, Double> weights;
    private final double defaultWeight;

    public WarWeights(Map<String, Double> overrides, double defaultWeight) {
        this.weights = new HashMap<>(LR0FM);
        overrides.forEach((dataset, weight) -> weights.put(normalize(dataset), weight));
        this.defaultWeight = defaultWeight;
    }

    public static WarWeights lr0fm() {
        return new WarWeights(Map.of(), DEFAULT_WEIGHT);
    }

    public double weightOf(String dataset) {
        return weights.getOrDefault(normalize(dataset), defaultWeight);
    }

    static String normalize(String dataset) {
        return dataset.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
