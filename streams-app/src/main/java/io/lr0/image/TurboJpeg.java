package io.lr0.image;

import io.lr0.image.BadImageException.Reason;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JPEG decoding through libjpeg-turbo, the library Pillow decodes with, by its own Java binding: Debian's
 * {@code libturbojpeg-java} (the classes in {@code /usr/share/java/turbojpeg.jar}; their JNI code is in
 * {@code libturbojpeg0}, which loads as {@code libturbojpeg.so} from {@code libturbojpeg0-dev}), or the same classes on
 * the class path. Not on Maven Central, so looked up at run time and called through method handles; where it is
 * missing {@link ImageCodec} decodes with ImageIO as before. Both decoders are libjpeg's integer IDCT with fancy
 * up-sampling, pixel for pixel the same (TurboJpegIT); libjpeg-turbo's SIMD makes it 2-3x faster.
 */
final class TurboJpeg {
    private static final Logger log = LoggerFactory.getLogger(TurboJpeg.class);
    private static final String DECOMPRESSOR = "org.libjpegturbo.turbojpeg.TJDecompressor";
    private static final Path DEBIAN_JAR = Path.of("/usr/share/java/turbojpeg.jar");
    /** TJ.PF_RGB and TJ.PF_GRAY: the pixel formats of the output. */
    private static final int PF_RGB = 0;

    private static final int PF_GRAY = 6;
    /** The binding, or null where it cannot be loaded. */
    private static final TurboJpeg INSTANCE = load();

    private final MethodHandle open;
    private final MethodHandle width;
    private final MethodHandle height;
    private final MethodHandle decompress;
    private final MethodHandle close;

    private TurboJpeg(Class<?> decompressor) throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        open = lookup.findConstructor(decompressor, MethodType.methodType(void.class, byte[].class));
        width = lookup.findVirtual(decompressor, "getWidth", MethodType.methodType(int.class));
        height = lookup.findVirtual(decompressor, "getHeight", MethodType.methodType(int.class));
        // decompress(dst, x, y, desiredWidth, pitch, desiredHeight, pixelFormat, flags)
        decompress = lookup.findVirtual(
                decompressor,
                "decompress",
                MethodType.methodType(
                        void.class,
                        byte[].class,
                        int.class,
                        int.class,
                        int.class,
                        int.class,
                        int.class,
                        int.class,
                        int.class));
        close = lookup.findVirtual(decompressor, "close", MethodType.methodType(void.class));
    }

    /** Whether JPEGs are decoded by libjpeg-turbo here. */
    static boolean available() {
        return INSTANCE != null;
    }

    /**
     * Decodes a JPEG of 1 (gray) or 3 components, checking the size its header states against {@code limits} before
     * the pixel buffer is allocated. Any error or warning of the decoder (a truncated file among them) is a corrupt
     * image, as it is for ImageIO's decoder here.
     */
    static Raster decode(byte[] jpeg, int components, ImageLimits limits) {
        TurboJpeg turbo = INSTANCE;
        Object decompressor = null;
        try {
            decompressor = turbo.open.invoke(jpeg);
            int w = (int) turbo.width.invoke(decompressor);
            int h = (int) turbo.height.invoke(decompressor);
            limits.checkSize(w, h);
            int channels = components == 1 ? 1 : 3;
            if ((long) w * h * channels > Integer.MAX_VALUE - 8) {
                // Only where image.max.pixels was raised past what one Java array holds.
                throw new BadImageException(
                        Reason.PIXEL_LIMIT, "a " + w + "x" + h + " JPEG does not fit one pixel array");
            }
            byte[] pixels = new byte[w * h * channels];
            turbo.decompress.invoke(
                    decompressor, pixels, 0, 0, w, w * channels, h, channels == 1 ? PF_GRAY : PF_RGB, 0);
            return new Raster(w, h, channels, pixels);
        } catch (BadImageException bad) {
            throw bad;
        } catch (Throwable e) {
            throw new BadImageException(
                    Reason.CORRUPT_IMAGE, "JPEG of " + jpeg.length + " bytes does not decode: " + e.getMessage(), e);
        } finally {
            if (decompressor != null) {
                try {
                    turbo.close.invoke(decompressor);
                } catch (Throwable ignored) {
                    // Closing frees the native handle; a failure there leaves nothing to act on.
                }
            }
        }
    }

    private static TurboJpeg load() {
        try {
            Class<?> decompressor;
            String from;
            try {
                decompressor = Class.forName(DECOMPRESSOR);
                from = "the class path";
            } catch (ClassNotFoundException notOnClassPath) {
                if (!Files.isRegularFile(DEBIAN_JAR)) {
                    log.info("JPEGs are decoded by ImageIO: for libjpeg-turbo (2-3x faster, the same pixels) install "
                            + "Debian's libturbojpeg-java and libturbojpeg0-dev");
                    return null;
                }
                ClassLoader loader =
                        new URLClassLoader(new URL[] {DEBIAN_JAR.toUri().toURL()}, TurboJpeg.class.getClassLoader());
                decompressor = Class.forName(DECOMPRESSOR, true, loader);
                from = DEBIAN_JAR.toString();
            }
            TurboJpeg turbo = new TurboJpeg(decompressor);
            log.info("JPEGs are decoded by libjpeg-turbo ({})", from);
            return turbo;
        } catch (ReflectiveOperationException | LinkageError | java.io.IOException e) {
            log.info(
                    "JPEGs are decoded by ImageIO: libjpeg-turbo's Java binding did not load ({}); install Debian's "
                            + "libturbojpeg-java and libturbojpeg0-dev for it",
                    e.toString());
            return null;
        }
    }
}
