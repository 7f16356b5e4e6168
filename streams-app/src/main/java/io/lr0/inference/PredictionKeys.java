package io.lr0.inference;

/** Keys of the predictions topic: {@code <variant key>/<super-resolution method>}, e.g. {@code img-7@16/none}. */
public final class PredictionKeys {
    private PredictionKeys() {
    }

    public static String of(String variantKey, String srMethod) {
        return variantKey + '/' + srMethod;
    }
}
