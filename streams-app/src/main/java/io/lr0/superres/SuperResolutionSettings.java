package io.lr0.superres;

import io.lr0.image.ImageLimits;
import java.time.Duration;

/**
 * The super-resolution stage's settings.
 *
 * @param upscaledTopic where the up-sampled variants go
 * @param liifModel the LIIF model to load ({@code sr.liif.model})
 * @param targetSize short side to up-sample to; 0: the inference model's input size
 * @param maxScale largest factor; a variant needing more is dead-lettered
 * @param batchSize variants of one size per forward pass...
 * @param batchMaxWait ...or the longest a parked variant waits
 * @param limits what an image may be
 */
public record SuperResolutionSettings(
        String upscaledTopic,
        String liifModel,
        int targetSize,
        double maxScale,
        int batchSize,
        Duration batchMaxWait,
        ImageLimits limits) {}
