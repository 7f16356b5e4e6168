package io.lr0.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.testing.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lr0 degrade} on a natural photo against Pillow's own output (fixtures from tools/make_pillow_fixtures.py). */
class DegradeCommandTest {

    @Test
    void downAndUpMatchesPillow(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("coffee.png");
        Files.write(input, TestImages.fixture("coffee.png"));
        Path output = dir.resolve("out.png");

        int exit = Lr0.commandLine()
                .execute(
                        "degrade",
                        "--in",
                        input.toString(),
                        "--resolution",
                        "16",
                        "--upsample",
                        "224",
                        "--out",
                        output.toString());

        assertEquals(0, exit);
        Raster ours = ImageCodec.decodeFile(Files.readAllBytes(output), ImageLimits.DEFAULT);
        Raster pillow = ImageCodec.decodeFile(TestImages.fixture("coffee-r16-up224.png"), ImageLimits.DEFAULT);
        assertEquals(pillow.width(), ours.width());
        assertEquals(pillow.height(), ours.height());
        double psnr = TestImages.psnr(pillow, ours);
        assertTrue(psnr >= 45, "PSNR " + psnr + " dB");
    }

    @Test
    void aResolutionAboveTheImageIsAClearError(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("camera.png");
        Files.write(input, TestImages.fixture("camera.png"));
        StringWriter err = new StringWriter();
        CommandLine commandLine = Lr0.commandLine();
        commandLine.setErr(new PrintWriter(err));

        int exit = commandLine.execute(
                "degrade",
                "--in",
                input.toString(),
                "--resolution",
                "600",
                "--out",
                dir.resolve("x.png").toString());

        assertEquals(2, exit);
        assertTrue(err.toString().contains("resolution 600 is not below the image's short side 512"), err.toString());
    }
}
