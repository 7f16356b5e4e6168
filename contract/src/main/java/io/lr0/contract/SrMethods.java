package io.lr0.contract;

import java.util.List;

/** The super-resolution methods a low-resolution variant is classified after, as records and keys name them. */
public final class SrMethods {
    /** No learned up-sampling: the model's pre-processing resizes with bicubic (the LR0.FM protocol). */
    public static final String BICUBIC = "bicubic";
    /** Up-sampled to the model's input size by LIIF before the model. */
    public static final String LIIF = "liif";

    public static final List<String> ALL = List.of(BICUBIC, LIIF);

    private SrMethods() {}
}
