package io.lr0.metrics;

import io.lr0.runtime.LogText;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dataset weights of LR0.FM's weighted aggregated robustness (WAR). Dataset ids are matched by their letters and
 * digits in lower case ({@code FGVC_Aircraft} is {@code fgvc-aircraft}), and LR0.FM's own ids ({@code imagenet1k},
 * {@code pets}, {@code cars}, {@code flowers}, ...) and common names are aliases of its datasets. A dataset none of
 * these names weighs {@link #DEFAULT_WEIGHT} unless configured; that is logged once per dataset.
 */
public final class WarWeights {
    private static final Logger log = LoggerFactory.getLogger(WarWeights.class);
    /** Compiled once: ids are keyed on every summary the metrics stage emits. */
    private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^a-z0-9]");

    /** Weight of a dataset LR0.FM did not weigh: it counts fully, like the most weighted benchmark (EuroSAT). */
    public static final double DEFAULT_WEIGHT = 1.0;

    /** LR0.FM's weights (arXiv 2502.03950), under lr0's dataset ids. */
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

    /**
     * Other names of LR0.FM's datasets, by their letters and digits: LR0.FM's own ids (its repository's dataset
     * names) and the names the datasets are published under.
     */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("imagenet1k", "imagenet"),
            Map.entry("ilsvrc2012", "imagenet"),
            Map.entry("pets", "oxford-pets"),
            Map.entry("oxfordiiitpet", "oxford-pets"),
            Map.entry("oxfordpet", "oxford-pets"),
            Map.entry("cars", "stanford-cars"),
            Map.entry("flowers", "flowers102"),
            Map.entry("oxfordflowers102", "flowers102"),
            Map.entry("oxfordflowers", "flowers102"),
            Map.entry("aircraft", "fgvc-aircraft"),
            Map.entry("describabletextures", "dtd"),
            Map.entry("sun", "sun397"),
            Map.entry("caltech", "caltech101"));

    /** What a dataset weighs, and why: LR0.FM's weight of one of its datasets, a configured one, or the default. */
    public record Weight(double value, String basis) {}

    /** Overrides and LR0.FM's weights, by {@link #key}. */
    private final Map<String, Weight> weights = new HashMap<>();

    private final double defaultWeight;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public WarWeights(Map<String, Double> overrides, double defaultWeight) {
        LR0FM.forEach((dataset, weight) -> weights.put(key(dataset), new Weight(weight, "LR0.FM's " + dataset)));
        ALIASES.forEach((alias, dataset) -> weights.put(alias, weights.get(key(dataset))));
        overrides.forEach((dataset, weight) -> weights.put(key(dataset), new Weight(weight, "configured")));
        this.defaultWeight = defaultWeight;
    }

    public static WarWeights lr0fm() {
        return new WarWeights(Map.of(), DEFAULT_WEIGHT);
    }

    /** The weight of {@code dataset}; the first time one gets the default, a warning says how to weigh it. */
    public Weight of(String dataset) {
        String key = key(dataset);
        Weight weight = weights.get(key);
        if (weight != null) {
            return weight;
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

    /** The id's letters and digits in lower case: {@code FGVC_Aircraft}, {@code fgvc-aircraft} and so on match. */
    static String key(String dataset) {
        return NOT_LETTER_OR_DIGIT.matcher(dataset.toLowerCase(Locale.ROOT)).replaceAll("");
    }
}
