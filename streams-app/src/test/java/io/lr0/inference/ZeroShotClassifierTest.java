package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The label-free confidence measure each prediction carries. */
class ZeroShotClassifierTest {

    @Test
    void entropyIsZeroWhenCertainAndLnCWhenUniform() {
        assertEquals(0.0, ZeroShotClassifier.entropy(new float[] {1, 0, 0, 0}), 1e-7);
        assertEquals(Math.log(4), ZeroShotClassifier.entropy(new float[] {0.25f, 0.25f, 0.25f, 0.25f}), 1e-6);
        // -(0.5 ln 0.5 + 0.5 ln 0.5) = ln 2, whatever the zero entries.
        assertEquals(Math.log(2), ZeroShotClassifier.entropy(new float[] {0.5f, 0, 0.5f}), 1e-6);
    }
}
