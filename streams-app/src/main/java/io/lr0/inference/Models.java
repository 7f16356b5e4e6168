package io.lr0.inference;

import io.lr0.djl.Djl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Resolves one entry of the {@code inference.model} setting: the models shipped inside the lr0 jar by their names
 * ({@code bundled}, the demo model; {@code bundled-vit} and {@code bundled-vit-lrtk0}, the ViT demo and its LR-TK0
 * variant), else a location {@link ZeroShotModel#load} reads.
 */
public final class Models {
    public static final String BUNDLED = "bundled";
    /** The demo's CLIP ViT (lr0's architecture), the model LR-TK0 tokens were trained for. */
    public static final String BUNDLED_VIT = "bundled-vit";
    /** {@link #BUNDLED_VIT} with LR-TK0 tokens trained on unlabelled Fashion-MNIST training images. */
    public static final String BUNDLED_VIT_LRTK0 = "bundled-vit-lrtk0";

    /** The demo model's directory under the jar's {@code /models/}; its tokenizer.json is CLIP's. */
    public static final String BUNDLED_NAME = "lr0-demo-fmnist";
    /** Setting -> directory under the jar's {@code /models/}. */
    private static final Map<String, String> BUNDLED_NAMES = Map.of(
            BUNDLED, BUNDLED_NAME,
            BUNDLED_VIT, "lr0-demo-vit-fmnist",
            BUNDLED_VIT_LRTK0, "lr0-demo-vit-fmnist-lrtk0");

    static final List<String> BUNDLED_FILES = List.of("model.pt", "model.json", "tokenizer.json");

    private Models() {}

    /** Loads the configured model (extracting a bundled one under {@code cacheDir} first). */
    public static ZeroShotModel load(String setting, String tokenizer, Path cacheDir) throws IOException {
        String bundledName = BUNDLED_NAMES.get(setting);
        String location = bundledName == null
                ? setting
                : Djl.extractBundled(cacheDir, bundledName, BUNDLED_FILES).toString();
        return ZeroShotModel.load(location, tokenizer);
    }
}
