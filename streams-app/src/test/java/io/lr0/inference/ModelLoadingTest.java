package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.djl.Djl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model that is not there fails at start-up, naming where it looked and what was missing. */
class ModelLoadingTest {

    @Test
    void aMissingPathIsNamed(@TempDir Path dir) {
        Path nowhere = dir.resolve("no-model");
        IOException error = assertThrows(IOException.class, () -> ZeroShotModel.load(nowhere.toString(), null));
        assertTrue(error.getMessage().contains(nowhere.toAbsolutePath().toString()), error.getMessage());
        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
    }

    @Test
    void aDirectoryWithoutTheModuleSaysSo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.json"), "{}");
        IOException error = assertThrows(IOException.class, () -> ZeroShotModel.load(dir.toString(), null));
        assertTrue(error.getMessage().contains("no model.pt"), error.getMessage());
    }

    @Test
    void aModelWithoutTokenizerSaysSo(@TempDir Path dir, @TempDir Path cache) throws Exception {
        Path bundled = Djl.extractBundled(cache, Models.BUNDLED_NAME, Models.BUNDLED_FILES);
        Files.copy(bundled.resolve("model.pt"), dir.resolve("model.pt"));
        Files.copy(bundled.resolve("model.json"), dir.resolve("model.json"));
        IOException error = assertThrows(IOException.class, () -> ZeroShotModel.load(dir.toString(), null));
        assertTrue(error.getMessage().contains("no tokenizer.json"), error.getMessage());
    }

    @Test
    void anUnreachableUrlIsNamedOffline() {
        String url = "https://resources.djl.ai/demo/pytorch/clip.zip";
        IOException error = assertThrows(IOException.class, () -> ZeroShotModel.load(url, null));
        assertTrue(error.getMessage().contains(url), error.getMessage());
    }

    @Test
    void modelJsonIsReadAndClipDefaultsFillTheRest(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.json"), "{\"name\":\"x\",\"inputSize\":64}");
        ModelSpec spec = ModelSpec.of(dir, "fallback");
        assertEquals("x", spec.name());
        assertEquals(64, spec.inputSize());
        assertEquals(77, spec.contextLength());
        assertEquals(ModelSpec.clipDefaults("y").mean()[0], spec.mean()[0]);
        Files.writeString(dir.resolve("model.json"), "{\"mean\":[1,2]}");
        assertTrue(assertThrows(IOException.class, () -> ModelSpec.of(dir, "f"))
                .getMessage()
                .contains("mean and std"));
    }
}
