package io.lr0.cli;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.contract.SrMethods;
import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.superres.BicubicUpscaler;
import io.lr0.superres.LiifModel;
import io.lr0.superres.UpscaleTarget;
import io.lr0.superres.Upscaler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lr0 upscale}: the stream's super-resolution applied to one file. */
@Command(
        name = "upscale",
        mixinStandardHelpOptions = true,
        description = {
            "Up-sample one image with the stream's LIIF model (or bicubic) to a size or by a scale; "
                    + "writes PNG (or JPEG for .jpg). The model is sr.liif.model.",
            "The bundled photo weights (lr0-liif, the residual kind: a correction to bicubic) beat bicubic on "
                    + "photos they have never seen: +2.38 dB at x2, +2.02 at x3, +1.61 at x4 (PSNR) on 12 held-out "
                    + "photos of Debian's mate-backgrounds, measured with tools/liif/eval_photos.py (docs/models.md); "
                    + "a flat colour comes back exactly. The Fashion-MNIST weights are for Fashion-MNIST-like data."
        })
final class UpscaleCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--in", required = true, description = "Input PNG or JPEG.")
    Path input;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(
            names = "--method",
            defaultValue = SrMethods.LIIF,
            description = "liif or bicubic (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--out", required = true, description = "Output file (.png or .jpg).")
    Path output;

    static final class Target {
        @Option(names = "--size", description = "Output size WxH, e.g. 224x224; no side smaller than the input's.")
        String size;

        @Option(names = "--scale", description = "Scale factor K (at most sr.max.scale, 30 by default).")
        Double scale;
    }

    @Override
    public Integer call() throws Exception {
        Lr0Config lr0 = config.load(Map.of());
        Raster image = ImageCodec.decodeFile(Files.readAllBytes(input), ImageLimits.DEFAULT);
        UpscaleTarget size = target.scale != null
                ? UpscaleTarget.forScale(
                        image, target.scale, lr0.superResolutionSettings().maxScale())
                : UpscaleTarget.of(
                        image, side(0), side(1), lr0.superResolutionSettings().maxScale());
        if (!SrMethods.ALL.contains(method)) {
            throw new IllegalArgumentException("--method must be one of " + SrMethods.ALL + ", was '" + method + "'");
        }
        Raster result;
        long start;
        try (LiifModel liif = method.equals(SrMethods.LIIF) ? Lr0App.loadLiif(lr0) : null;
                Upscaler upscaler = liif != null ? liif.newUpscaler() : new BicubicUpscaler()) {
            start = System.nanoTime();
            result = upscaler.upscale(List.of(image), size.width(), size.height())
                    .get(0);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        Files.write(
                output, ImageCodec.encode(result, name.endsWith(".jpg") || name.endsWith(".jpeg") ? "jpeg" : "png"));
        System.err.printf(
                "%s: %dx%d -> %s %dx%d in %d ms -> %s%n",
                input, image.width(), image.height(), method, result.width(), result.height(), millis, output);
        return 0;
    }

    /** Side {@code index} (0 width, 1 height) of --size WxH. */
    private int side(int index) {
        String[] parts = target.size.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            int value = Integer.parseInt(parts[index].trim());
            if (value <= 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--size must be WxH with positive whole numbers, e.g. 224x224; was '" + target.size + "'");
        }
    }
}
