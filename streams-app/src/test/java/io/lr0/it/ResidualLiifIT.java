package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.PillowResize;
import io.lr0.image.Raster;
import io.lr0.superres.BicubicUpscaler;
import io.lr0.superres.LiifModel;
import io.lr0.superres.Upscaler;
import io.lr0.testing.RequiredTools;
import io.lr0.testing.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The liif-residual contract end to end: tools/liif writes an untrained residual model (Debian's PyTorch), lr0 loads
 * it by its liif.json, passes the stream's own bicubic up-sampling as the base, and gets that base back exactly: a
 * residual model cannot start below bicubic, and a flat colour comes back unchanged.
 */
class ResidualLiifIT {
    /** The repository root, where the tools run as the package they are ({@code python3 -m tools.liif...}). */
    private static final Path ROOT = Path.of("..");

    @Test
    void anUntrainedResidualModelReturnsTheStreamsBicubicExactly(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("residual");
        RequiredTools.require("python3-torch");
        Process export = new ProcessBuilder(
                        "/usr/bin/python3",
                        "-m",
                        "tools.liif.untrained",
                        model.toAbsolutePath().toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String said = new String(export.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(export.waitFor(5, TimeUnit.MINUTES), "tools.liif.untrained did not finish");
        assertEquals(0, export.exitValue(), said);

        try (LiifModel liif = LiifModel.load(model.toString(), dir.resolve("cache"));
                Upscaler upscaler = liif.newUpscaler()) {
            assertEquals(LiifModel.Kind.LIIF_RESIDUAL, liif.kind());
            Raster photo = ImageCodec.decodeFile(TestImages.fixture("chelsea.png"), ImageLimits.DEFAULT);
            Raster small = PillowResize.resize(photo, 32, 22);
            assertArrayEquals(
                    new BicubicUpscaler()
                            .upscale(List.of(small), 128, 88)
                            .get(0)
                            .pixels(),
                    upscaler.upscale(List.of(small), 128, 88).get(0).pixels(),
                    "the base, every pixel");

            assertArrayEquals(
                    TestImages.flat(64, 64, 200, 60, 30).pixels(),
                    upscaler.upscale(List.of(TestImages.flat(16, 16, 200, 60, 30)), 64, 64)
                            .get(0)
                            .pixels(),
                    "a flat (200, 60, 30) comes back unchanged");
        }
    }

    @Test
    void aKindThisVersionDoesNotRunIsRefusedByName(@TempDir Path dir) throws IOException {
        Path bundled = dir.resolve("model");
        Files.createDirectories(bundled);
        Files.write(bundled.resolve("liif.pt"), new byte[] {0});
        Files.writeString(bundled.resolve("liif.json"), "{\"kind\": \"lte\"}");
        IOException refused = assertThrows(IOException.class, () -> LiifModel.load(bundled.toString(), dir));
        assertTrue(refused.getMessage().contains("'lte'"), refused.getMessage());
    }
}
