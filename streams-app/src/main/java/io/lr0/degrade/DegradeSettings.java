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
}
