package io.lr0.degrade;

/** Keys of the image-variants topic: {@code <imageId>@<short side>} or {@code <imageId>@native}. */
public final class VariantKeys {
    public static final String NATIVE = "native";

    private VariantKeys() {
    }

    /** The key of one variant; {@code resolution} null means the native reference. */
    public static String of(String imageId, Integer resolution) {
        return imageId + '@' + (resolution == null ? NATIVE : resolution.toString());
    }
}
