package io.lr0.contract;

/**
 * The one rule for naming what a topology holds once per model when several models classify one stream: the
 * model at lane 0 (the first of {@code inference.model}) keeps the names of a one-model topology, the others add
 * "-model2", "-model3"... so that adding a model at the end renames nothing that exists.
 */
public final class Lanes {
    private Lanes() {}

    /** The suffix of the names of lane {@code lane} (0-based). */
    public static String suffix(int lane) {
        if (lane < 0) {
            throw new IllegalArgumentException("a lane is 0 or more, not " + lane);
        }
        return lane == 0 ? "" : "-model" + (lane + 1);
    }
}
