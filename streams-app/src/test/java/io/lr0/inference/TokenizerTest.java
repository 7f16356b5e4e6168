package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.lr0.djl.Djl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class-name text goes through the real CLIP tokenizer. */
class TokenizerTest {
    private static final long[] A_PHOTO_OF_A_DOG = {49406, 320, 1125, 539, 320, 1929, 269, 49407};
    private static final Path SHARED = Path.of("shared", "models", "clip-vit-base-patch32-tokenizer", "tokenizer.json");

    /** {@code shared/} beside the checkout (CI and developer machines), seen from the module directory. */
    static Optional<Path> sharedTokenizer() {
        return Stream.of(Path.of("..", "..").resolve(SHARED), Path.of("..").resolve(SHARED))
                .filter(Files::exists)
                .findFirst();
    }

    @Test
    void clipTokenizerEncodesLikeOpenAiClip(@TempDir Path cache) throws Exception {
        // The bundled demo model carries a copy of the same file, for checkouts without shared/.
        Path tokenizerJson = sharedTokenizer()
                .orElse(Djl.extractBundled(cache, Models.BUNDLED_NAME, Models.BUNDLED_FILES)
                        .resolve("tokenizer.json"));
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson)) {
            assertArrayEquals(
                    A_PHOTO_OF_A_DOG, tokenizer.encode("a photo of a dog.").getIds(), tokenizerJson.toString());
        }
    }

    @Test
    void theBundledCopyIsTheSharedFile(@TempDir Path cache) throws Exception {
        Optional<Path> shared = sharedTokenizer();
        if (shared.isPresent()) {
            assertArrayEquals(
                    Files.readAllBytes(shared.get()),
                    Files.readAllBytes(Djl.extractBundled(cache, Models.BUNDLED_NAME, Models.BUNDLED_FILES)
                            .resolve("tokenizer.json")));
        }
    }

    @Test
    void theBundledModelTokenizesTheSameWay(@TempDir Path cache) throws Exception {
        try (ZeroShotModel model = Models.load(Models.BUNDLED, "", cache)) {
            assertArrayEquals(A_PHOTO_OF_A_DOG, model.tokenIds("a photo of a dog."));
        }
    }
}
