package io.lr0.metrics;

import io.lr0.contract.Lr0fmDatasets;
import io.lr0.runtime.records.LogText;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dataset weights of LR0.FM's weighted aggregated robustness (WAR): a configured weight, else LR0.FM's for one of its
 * {@link Lr0fmDatasets} (by its id or a common name), else {@link #DEFAULT_WEIGHT}, which is logged once per dataset.
 */
public final class WarWeights {
    private static final Logger log = LoggerFactory.getLogger(WarWeights.class);
    /** Weight of a dataset LR0.FM did not weigh: it counts fully, like the most weighted benchmark (EuroSAT). */
    public static final double DEFAULT_WEIGHT = 1.0;

    /** What a dataset weighs, and why: LR0.FM's weight of one of its datasets, a configured one, or the default. */
    public record Weight(double value, String basis) {}

    /** Configured weights, by {@link Lr0fmDatasets#key}. */
    private final Map<String, Weight> weights = new HashMap<>();

    private final double defaultWeight;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public WarWeights(Map<String, Double> overrides, double defaultWeight) {
        overrides.forEach(
                (dataset, weight) -> weights.put(Lr0fmDatasets.key(dataset), new Weight(weight, "configured")));
        this.defaultWeight = defaultWeight;
    }

    public static WarWeights lr0fm() {
        return new WarWeights(Map.of(), DEFAULT_WEIGHT);
    }

    /** The weight of {@code dataset}; the first time one gets the default, a warning says how to weigh it. */
    public Weight of(String dataset) {
        String key = Lr0fmDatasets.key(dataset);
        Weight configured = weights.get(key);
        if (configured != null) {
            return configured;
        }
        Optional<Lr0fmDatasets.Dataset> benchmark = Lr0fmDatasets.find(dataset);
        if (benchmark.isPresent()) {
            return new Weight(
                    benchmark.get().warWeight(), "LR0.FM's " + benchmark.get().id());
        }
        if (warned.add(key)) {
            log.warn(
                    "WAR: dataset '{}' is not one of LR0.FM's (their ids, LR0.FM's own such as imagenet1k or pets, "
                            + "and common names are recognised); it weighs the default {}. Set metrics.war.weight.{} "
                            + "to weigh it.",
                    LogText.of(dataset),
                    defaultWeight,
                    LogText.of(dataset));
        }
        return new Weight(defaultWeight, "default");
    }
}
