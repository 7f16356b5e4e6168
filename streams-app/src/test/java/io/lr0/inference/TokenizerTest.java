package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Class-name text goes through the real CLIP tokenizer. */
class TokenizerTest {
    private static final long[] A_PHOTO_OF_A_DOG = {49406, 320, 1125, 539, 320, 1929, 269, 49407};

    @Test
    void sharedClipTokenizerEncodesLikeOpenAiClip() throws Exception {
        Path shared = Path.of("..", "..", "shared", "models", "clip-vit-base-patch32-tokenizer", "tokenizer.json");
        assertTrue(Files.exists(shared), "the shared CLIP tokenizer is expected at " + shared.toAbsolutePath());
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(shared)) {
            assertArrayEquals(A_PHOTO_OF_A_DOG, tokenizer.encode("a photo of a dog.").getIds());
        }
    }

    @Test
    void theBundledModelTokenizesTheSameWay(@org.junit.jupiter.api.io.TempDir Path cache) throws Exception {
        try (ZeroShotModel model = Models.load(Models.BUNDLED, "", cache)) {
            assertArrayEquals(A_PHOTO_OF_A_DOG, model.tokenIds("a photo of a dog."));
        }
    }
}
