package io.lr0.testing;

import io.lr0.inference.DualEncoder;
import io.lr0.inference.ImageEncoder;
import io.lr0.inference.ModelSpec;
import io.lr0.inference.TextEncoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A dual encoder without a model, for the stream's logic in milliseconds: an image's embedding follows its mean
 * brightness, a text's its hash, so the answers are deterministic and mean nothing. It records the size of every batch
 * it encodes.
 */
public final class FakeDualEncoder implements DualEncoder {
    private final ModelSpec spec;
    private final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());

    public FakeDualEncoder(String name, int inputSize) {
        ModelSpec clip = ModelSpec.clipDefaults(name);
        this.spec = new ModelSpec(
                name,
                "a fake for the stream's logic",
                inputSize,
                new float[] {0, 0, 0},
                new float[] {1, 1, 1},
                clip.contextLength(),
                clip.padTokenId(),
                100f,
                "nothing",
                false,
                false);
    }

    /** The sizes of the batches encoded so far, in order. */
    public List<Integer> batches() {
        return List.copyOf(batches);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public String deviceName() {
        return "fake()";
    }

    @Override
    public String digest() {
        return "fake-" + spec.name();
    }

    @Override
    public ImageEncoder newImageEncoder() {
        int values = 3 * spec.inputSize() * spec.inputSize();
        return new ImageEncoder() {
            @Override
            public boolean takesPlanes() {
                return false;
            }

            @Override
            public float[][] encode(float[] pixels, int count) {
                batches.add(count);
                float[][] out = new float[count][];
                for (int i = 0; i < count; i++) {
                    double sum = 0;
                    for (int v = 0; v < values; v++) {
                        sum += pixels[i * values + v];
                    }
                    // Normalised with mean 0 and std 1 the values are x / 255: the mean brightness in [0, 1].
                    out[i] = embedding(sum / values);
                }
                return out;
            }

            @Override
            public float[][] encode(byte[] planes, int count) {
                throw new UnsupportedOperationException("the fake takes floats");
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public TextEncoder newTextEncoder() {
        return new TextEncoder() {
            @Override
            public float[][] encode(List<String> texts) {
                float[][] out = new float[texts.size()][];
                for (int i = 0; i < texts.size(); i++) {
                    out[i] = embedding((texts.get(i).hashCode() & 0xFFFF) / 65535.0);
                }
                return out;
            }

            @Override
            public void close() {}
        };
    }

    /** A unit vector at an angle that grows with {@code position} in [0, 1]. */
    private static float[] embedding(double position) {
        double angle = position * Math.PI / 2;
        return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
    }
}
