package io.lr0.cli;

import io.lr0.image.Degradations;
import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lr0 degrade}: the stream's degradation applied to one file. */
@Command(
        name = "degrade",
        mixinStandardHelpOptions = true,
        description = "Down-sample one image to short side R with the stream's Pillow-exact bicubic (antialiased), "
                + "optionally up-sample it back to short side S; writes PNG (or JPEG for .jpg).")
final class DegradeCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, description = "Input PNG or JPEG.")
    Path input;

    @Option(names = "--resolution", required = true, description = "Target short side in pixels, below the input's.")
    int resolution;

    @Option(names = "--upsample", description = "Then bicubic up-sample to this short side.")
    Integer upsample;

    @Option(names = "--out", required = true, description = "Output file (.png or .jpg).")
    Path output;

    @Override
    public Integer call() throws Exception {
        Raster image = ImageCodec.decodeFile(Files.readAllBytes(input), ImageLimits.DEFAULT);
        Raster result = Degradations.lowResolution(image, resolution);
        if (upsample != null) {
            result = Degradations.toShortSide(result, upsample);
        }
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        Files.write(
                output, ImageCodec.encode(result, name.endsWith(".jpg") || name.endsWith(".jpeg") ? "jpeg" : "png"));
        System.err.printf(
                "%s: %dx%d -> %dx%d -> %s%n",
                input, image.width(), image.height(), result.width(), result.height(), output);
        return 0;
    }
}
