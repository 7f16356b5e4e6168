package io.lr0.inference;

/**
 * The image tower for one thread: a batch of pre-processed images in ({@link ImagePreprocessor}), one unnormalised
 * embedding each out. Not thread-safe; close it when done.
 */
public interface ImageEncoder extends AutoCloseable {
    /**
     * Whether it takes 8-bit planes and normalises them itself, where the model runs (on a GPU a quarter of the bytes
     * cross to the device), rather than normalised floats.
     */
    boolean takesPlanes();

    /** Embeddings of {@code count} normalised images laid out as [count, 3, S, S] (the array may be longer). */
    float[][] encode(float[] pixels, int count);

    /** The same from 8-bit planes, channels first (for an encoder that {@link #takesPlanes}). */
    float[][] encode(byte[] planes, int count);

    @Override
    void close();
}
