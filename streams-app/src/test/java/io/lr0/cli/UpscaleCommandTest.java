package io.lr0.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.PillowResize;
import io.lr0.image.Raster;
import io.lr0.testing.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lr0 upscale} with the bundled LIIF on a photo it was not trained on (skimage's chelsea, held out by
 * tools/liif/train.py). The bundled weights are under-trained (62 CPU minutes; models.md): on the held-out photos
 * they are within 0.15 dB of bicubic, not yet above it, and this test holds them to that. An untrained or broken
 * model is 10 dB or more below.
 */
class UpscaleCommandTest {
    @TempDir
    Path dir;

    private Raster highRes;
    private Path lowResFile;

    @BeforeEach
    void halfSizePhoto() throws Exception {
        Raster chelsea = ImageCodec.decodeFile(TestImages.fixture("chelsea.png"), ImageLimits.DEFAULT);
        highRes = TestImages.rgbWindow(
                chelsea, 0, chelsea.width() - chelsea.width() % 2, chelsea.height() - chelsea.height() % 2);
        lowResFile = dir.resolve("chelsea-x2.png");
        Files.write(
                lowResFile,
                ImageCodec.encodePng(PillowResize.resize(highRes, highRes.width() / 2, highRes.height() / 2)));
    }

    private Raster upscale(String method, String... target) throws Exception {
        Path output = dir.resolve(method + ".png");
        String[] args = new String[] {
            "upscale",
            "--in",
            lowResFile.toString(),
            "--method",
            method,
            "--out",
            output.toString(),
            "--set",
            "state.dir=" + dir.resolve("state"),
            target[0],
            target[1]
        };
        assertEquals(0, Lr0.commandLine().execute(args));
        return ImageCodec.decodeFile(Files.readAllBytes(output), ImageLimits.DEFAULT);
    }

    @Test
    void liifReconstructsBetterThanBicubicAtTwiceTheSize() throws Exception {
        Raster liif = upscale("liif", "--scale", "2");
        Raster bicubic = upscale("bicubic", "--size", highRes.width() + "x" + highRes.height());

        assertEquals(highRes.width(), liif.width());
        assertEquals(highRes.height(), liif.height());
        // The protocol: RGB, border shave of scale + 6 pixels.
        int shave = 2 + 6;
        double liifPsnr = psnr(liif, shave);
        double bicubicPsnr = psnr(bicubic, shave);
        // The bundled weights: +0.76 dB on this held-out photo in tools/liif/train.py's float evaluation.
        assertTrue(liifPsnr > bicubicPsnr + 0.5, "LIIF " + liifPsnr + " dB vs bicubic " + bicubicPsnr + " dB");
    }

    @Test
    void aScaleAboveTheMaximumAndAShrinkingTargetAreClearErrors() {
        assertEquals(
                "lr0 upscale: super-resolution scale 40.00 is above the maximum 30 (225x150 -> 9000x6000)",
                error("--scale", "40"));
        assertEquals(
                "lr0 upscale: super-resolution target is smaller than the source (225x150 -> 100x150); it "
                        + "only enlarges",
                error("--size", "100x150"));
        assertTrue(error("--size", "big").contains("--size must be WxH"));
    }

    private String error(String... target) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Lr0.commandLine();
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(
                "upscale",
                "--in",
                lowResFile.toString(),
                "--out",
                dir.resolve("x.png").toString(),
                target[0],
                target[1]);
        assertEquals(2, exit);
        return err.toString().trim();
    }

    private double psnr(Raster upscaled, int shave) {
        int width = highRes.width() - 2 * shave;
        int height = highRes.height() - 2 * shave;
        return TestImages.psnr(
                TestImages.rgbWindow(highRes, shave, width, height),
                TestImages.rgbWindow(upscaled, shave, width, height));
    }
}
