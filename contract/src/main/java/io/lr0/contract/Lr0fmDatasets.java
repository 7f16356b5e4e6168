package io.lr0.contract;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * LR0.FM's fifteen benchmark datasets (arXiv 2502.03950): the ids its repository gives them, which are the ids lr0's
 * readers publish and its prompt files are named by, the other names they go by, and their WAR weights. Ids match by
 * their letters and digits in lower case, so {@code FGVC_Aircraft}, {@code fgvc-aircraft} and {@code fgvc_aircraft}
 * are one dataset.
 */
public final class Lr0fmDatasets {
    /** One benchmark dataset: LR0.FM's id, its WAR weight, and other names it is published or known under. */
    public record Dataset(String id, double warWeight, List<String> aliases) {}

    /** Compiled once: ids are keyed on every summary the metrics stage emits. */
    private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^a-z0-9]");

    public static final List<Dataset> ALL = List.of(
            new Dataset("imagenet1k", 0.15556, List.of("imagenet", "ilsvrc2012")),
            new Dataset("imagenet_a", 0.97050, List.of()),
            new Dataset("imagenet_v2", 0.28546, List.of()),
            new Dataset("imagenet_r", 0.01, List.of()),
            new Dataset("imagenet_sketch", 0.02146, List.of()),
            new Dataset("caltech101", 0.01, List.of("caltech")),
            new Dataset("dtd", 0.50592, List.of("describable-textures")),
            new Dataset("food101", 0.01, List.of()),
            new Dataset("sun397", 0.40756, List.of("sun")),
            new Dataset("cars", 0.13584, List.of("stanford-cars")),
            new Dataset("fgvc_aircraft", 0.82295, List.of("aircraft")),
            new Dataset("pets", 0.08995, List.of("oxford-pets", "oxford-iiit-pet", "oxford-pet")),
            new Dataset("flowers", 0.08972, List.of("flowers102", "oxford-flowers102", "oxford-flowers")),
            new Dataset("eurosat", 1.0, List.of()),
            new Dataset("ucf101", 0.01, List.of()));

    private static final Map<String, Dataset> BY_KEY = byKey();

    private Lr0fmDatasets() {}

    /** The benchmark dataset {@code datasetId} names, by LR0.FM's id or an alias, if any. */
    public static Optional<Dataset> find(String datasetId) {
        return Optional.ofNullable(BY_KEY.get(key(datasetId)));
    }

    /** The id's letters and digits in lower case: how dataset ids are compared. */
    public static String key(String datasetId) {
        return NOT_LETTER_OR_DIGIT.matcher(datasetId.toLowerCase(Locale.ROOT)).replaceAll("");
    }

    private static Map<String, Dataset> byKey() {
        Map<String, Dataset> byKey = new HashMap<>();
        for (Dataset dataset : ALL) {
            byKey.put(key(dataset.id()), dataset);
            dataset.aliases().forEach(alias -> byKey.put(key(alias), dataset));
        }
        return Map.copyOf(byKey);
    }
}
