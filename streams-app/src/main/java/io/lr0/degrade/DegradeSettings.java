package io.lr0.degrade;

import io.lr0.image.ImageLimits;
import java.util.List;
import java.util.Map;

/**
 * The degradation's settings.
 *
 * @param variantsTopic where the variants go
 * @param defaultResolutions target short sides of a dataset without its own list, ascending
 * @param resolutionsByDataset the datasets' own lists ({@code degrade.resolutions.<dataset>}), ascending
 * @param emitNative whether the native image is emitted as the high-resolution reference
 * @param limits what an image may be
 * @param recordLimits what the text copied into every output may be
 */
public record DegradeSettings(
        String variantsTopic,
        List<Integer> defaultResolutions,
        Map<String, List<Integer>> resolutionsByDataset,
        boolean emitNative,
        ImageLimits limits,
        RecordLimits recordLimits) {
    public DegradeSettings {
        defaultResolutions = List.copyOf(defaultResolutions);
        resolutionsByDataset = Map.copyOf(resolutionsByDataset);
    }

    /** Target short sides for images of {@code dataset}: its own list when configured, else the default list. */
    public List<Integer> resolutionsFor(String dataset) {
        return resolutionsByDataset.getOrDefault(dataset, defaultResolutions);
    }

    /**
     * The low resolutions an image of {@code dataset} with this short side is degraded to: those below it
     * (up-sampling is not a degradation: the native variant already stands for its own size and above).
     */
    public List<Integer> resolutionsBelow(String dataset, int shortSide) {
        return resolutionsFor(dataset).stream().filter(r -> r < shortSide).toList();
    }

    /** How many variants such an image yields: its low resolutions, and the native one when emitted. */
    public int variantsOf(String dataset, int shortSide) {
        return resolutionsBelow(dataset, shortSide).size() + (emitNative ? 1 : 0);
    }
}
