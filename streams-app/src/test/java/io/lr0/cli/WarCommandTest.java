package io.lr0.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WarCommandTest {

    @Test
    void printsSarAndWarWithFiveDecimals(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("table.csv");
        Files.writeString(csv, "dataset,classes,acc_hr,acc_lr\nimagenet,1000,70,35\nEuroSAT,10,50,40\ndtd,47,3,2.5\n");
        assertEquals(
                "SAR=0.71111\nWAR=0.53214\n"
                        + "weight imagenet=0.15556 (LR0.FM's imagenet1k)\n"
                        + "weight EuroSAT=1.00000 (LR0.FM's eurosat)\n"
                        + "weight dtd=0.50592 (LR0.FM's dtd)\n",
                war(csv));
    }

    /** {@code lr0 war --csv FILE}'s standard output; the command must succeed. */
    private static String war(Path csv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Lr0.commandLine().execute("war", "--csv", csv.toString()));
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The same table under LR0.FM's own ids (its repository's dataset names) gives the same SAR and WAR. */
    @Test
    void lr0fmsOwnIdsGiveThePapersWeights(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("table.csv");
        Files.writeString(csv, "imagenet1k,1000,70,35\neurosat,10,50,40\ndtd,47,3,2.5\n");
        String printed = war(csv);
        assertTrue(
                printed.startsWith("SAR=0.71111\nWAR=0.53214\nweight imagenet1k=0.15556 (LR0.FM's imagenet1k)\n"),
                printed);
    }

    @Test
    void aBadRowIsNamed(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "imagenet,1000,70,35\ndtd,47,three,2\n");
        StringWriter err = new StringWriter();
        CommandLine commandLine = Lr0.commandLine();
        commandLine.setErr(new PrintWriter(err));

        assertEquals(2, commandLine.execute("war", "--csv", csv.toString()));
        assertTrue(err.toString().contains("line 2: not a number"), err.toString());
    }
}
