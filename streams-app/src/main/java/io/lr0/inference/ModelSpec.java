package io.lr0.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What lr0 needs to know about a model besides its weights: the {@code model.json} next to them. A model without
 * one (DJL's hosted CLIP) gets OpenAI CLIP ViT-B/32's values.
 */
public record ModelSpec(
        String name,
        String description,
        int inputSize,
        float[] mean,
        float[] std,
        int contextLength,
        long padTokenId,
        float logitScale,
        String trainedOn,
        boolean random,
        boolean causalText) {
    /** The multiplier of channel {@code c}'s 8-bit values: (x / 255 - mean) / std is x * scale + shift. */
    public float normalisationScale(int c) {
        return 1f / (255f * std[c]);
    }

    /** The offset of channel {@code c}'s normalisation (see {@link #normalisationScale}). */
    public float normalisationShift(int c) {
        return -mean[c] / std[c];
    }

    /** OpenAI CLIP's pre-processing (preprocessor_config.json of openai/clip-vit-base-patch32). */
    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    public static ModelSpec clipDefaults(String name) {
        return new ModelSpec(
                name,
                "CLIP-style model without model.json: OpenAI CLIP ViT-B/32 settings assumed",
                224,
                CLIP_MEAN,
                CLIP_STD,
                77,
                0,
                100f,
                "unknown",
                false,
                false);
    }

    /** Reads {@code model.json}; missing keys take CLIP's values, a malformed file is an error naming it. */
    public static ModelSpec read(Path modelJson, String fallbackName) throws IOException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(modelJson.toFile());
        } catch (IOException e) {
            throw new IOException("Cannot read " + modelJson + ": " + e.getMessage(), e);
        }
        ModelSpec clip = clipDefaults(fallbackName);
        return new ModelSpec(
                json.path("name").asText(fallbackName),
                json.path("description").asText(""),
                json.path("inputSize").asInt(clip.inputSize()),
                floats(json.path("mean"), clip.mean(), modelJson),
                floats(json.path("std"), clip.std(), modelJson),
                json.path("contextLength").asInt(clip.contextLength()),
                json.path("padTokenId").asLong(clip.padTokenId()),
                (float) json.path("logitScale").asDouble(clip.logitScale()),
                json.path("trainedOn").asText("unknown"),
                // tools/clip/random_weights.py marks a model of random weights: its predictions mean nothing.
                json.path("random").asBoolean(false),
                // A causal text tower pooled at end-of-text (tools/clip's exports) gives the same embedding for a
                // prompt cut after its longest neighbour in the batch as padded to the context: 5x less work.
                json.path("causalText").asBoolean(false));
    }

    /** The spec in {@code modelDir}, or CLIP's defaults when it has no model.json. */
    public static ModelSpec of(Path modelDir, String fallbackName) throws IOException {
        Path file = modelDir.resolve("model.json");
        return Files.exists(file) ? read(file, fallbackName) : clipDefaults(fallbackName);
    }

    private static float[] floats(JsonNode node, float[] fallback, Path file) throws IOException {
        if (node.isMissingNode()) {
            return fallback;
        }
        if (!node.isArray() || node.size() != 3) {
            throw new IOException(file + ": mean and std must be arrays of 3 numbers (R, G, B)");
        }
        return new float[] {
            (float) node.get(0).asDouble(),
            (float) node.get(1).asDouble(),
            (float) node.get(2).asDouble()
        };
    }
}
