package io.lr0.inference;

import io.lr0.djl.Djl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Resolves the {@code inference.model} setting; {@code bundled} is the demo model shipped inside the lr0 jar. */
public final class Models {
    public static final String BUNDLED = "bundled";
    static final String BUNDLED_NAME = "lr0-demo-fmnist";
    static final List<String> BUNDLED_FILES = List.of("model.pt", "model.json", "tokenizer.json");

    private Models() {}

    /** Loads the configured model (extracting the bundled one under {@code cacheDir} first). */
    public static ZeroShotModel load(String setting, String tokenizer, Path cacheDir) throws IOException {
        String location = BUNDLED.equals(setting)
                ? Djl.extractBundled(cacheDir, BUNDLED_NAME, BUNDLED_FILES).toString()
                : setting;
        return ZeroShotModel.load(location, tokenizer);
    }
}
