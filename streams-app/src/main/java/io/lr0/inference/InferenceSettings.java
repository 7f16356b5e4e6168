package io.lr0.inference;

import io.lr0.image.ImageLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The inference stage's settings.
 *
 * @param predictionsTopic where the predictions go
 * @param models the models to load ({@code inference.model}), one or more: all classify the same variants
 * @param tokenizer a tokenizer instead of the model's own; empty: the model's
 * @param promptsDir directory of the user's prompt files, or null
 * @param labelCacheDir where class embeddings are cached, keyed by model, class list and prompts
 * @param labelSpaceMaxPrompts the most prompts (classes x templates) a label space may have; above, it is refused
 * @param cpuThreads libtorch intra-op threads per forward pass
 * @param batchSize variants per forward pass...
 * @param batchMaxWait ...or the longest a parked variant waits
 * @param topK labels with scores kept per prediction
 * @param thumbnails whether predictions carry a thumbnail of the classified image
 * @param classifyBicubic whether low-resolution variants are classified as they are (the bicubic method); off,
 *     only the native reference and the learned super-resolution's outputs are
 * @param limits what an image may be
 */
public record InferenceSettings(
        String predictionsTopic,
        List<String> models,
        String tokenizer,
        Path promptsDir,
        Path labelCacheDir,
        long labelSpaceMaxPrompts,
        int cpuThreads,
        int batchSize,
        Duration batchMaxWait,
        int topK,
        boolean thumbnails,
        boolean classifyBicubic,
        ImageLimits limits) {}
