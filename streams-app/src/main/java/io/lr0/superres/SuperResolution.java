package io.lr0.superres;

import java.util.List;

/** The super-resolution methods a low-resolution variant can be classified after, and the keys that carry them. */
public final class SuperResolution {
    /** No learned up-sampling: the model's pre-processing resizes with bicubic (the LR0.FM protocol). */
    public static final String BICUBIC = "bicubic";
    /** Up-sampled to the model's input size by LIIF before the model. */
    public static final String LIIF = "liif";
    public static final List<String> METHODS = List.of(BICUBIC, LIIF);

    private SuperResolution() {
    }

    /**
     * Key of a variant after a method, on {@code upscaled-variants} and {@code predictions}:
     * {@code <variant key>/<method>}, e.g. {@code img-7@16/liif}.
     */
    public static String key(String variantKey, String method) {
        return variantKey + '/' + method;
    }
}
