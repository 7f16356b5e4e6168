package io.lr0.inference;

import java.io.IOException;

/**
 * A dual encoder as lr0 uses one (CLIP and its kin): its contract, and encoders of images and of texts, each for one
 * thread. {@link ZeroShotModel} is the model loaded with DJL; the stage's logic is tested with fakes of this.
 */
public interface DualEncoder {
    /** What the model is: its name, input size, normalisation, context, logit scale. */
    ModelSpec spec();

    /** Where it runs, as predictions name it ({@code cpu()}, {@code gpu(0)}). */
    String deviceName();

    /** SHA-256 of what the model is made of: cached class embeddings are keyed by it. Not for a stream thread. */
    String digest() throws IOException;

    /** An image encoder for one thread. */
    ImageEncoder newImageEncoder();

    /** A text encoder for one thread. */
    TextEncoder newTextEncoder();
}
