package io.lr0.testing;

import io.lr0.djl.Djl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Models for tests that need more than the bundled one. */
public final class TestModels {
    private static final String BUNDLED = "lr0-demo-fmnist";

    private TestModels() {}

    /**
     * The bundled demo model's files under {@code dir}, its model.json naming it {@code name}: the same weights under
     * another name, so that two models on one stream must give the same answers.
     */
    public static Path renamedBundled(Path dir, String name) throws IOException {
        Path bundled = Djl.extractBundled(
                dir.resolve("bundled"), BUNDLED, List.of("model.pt", "model.json", "tokenizer.json"));
        Path copy = Files.createDirectories(dir.resolve(name));
        for (String file : List.of("model.pt", "tokenizer.json")) {
            Files.copy(bundled.resolve(file), copy.resolve(file));
        }
        String meta = Files.readString(bundled.resolve("model.json"));
        String renamed = meta.replace("\"name\": \"" + BUNDLED + "\"", "\"name\": \"" + name + "\"");
        if (renamed.equals(meta)) {
            throw new IllegalStateException("the bundled model.json has no \"name\": \"" + BUNDLED + "\"");
        }
        Files.writeString(copy.resolve("model.json"), renamed);
        return copy;
    }
}
