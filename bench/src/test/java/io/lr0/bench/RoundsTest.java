package io.lr0.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The headline of measured rounds: the median round, and each figure's median with its spread. */
class RoundsTest {
    private static PipelineBench.Run round(double variantsPerSecond, double outsideMs) {
        PipelineBench.Run run = new PipelineBench.Run();
        run.variantsPerSecond = variantsPerSecond;
        run.outsideMsPerImage = outsideMs;
        run.raw = 1000;
        return run;
    }

    @Test
    void theMedianRoundAndEachFiguresSpread() {
        PipelineBench.Run middle = round(100, 11);
        List<PipelineBench.Run> rounds = List.of(round(110, 10), middle, round(90, 12));
        assertSame(middle, Rounds.median(rounds));
        assertEquals(
                "median of 3 rounds: throughput 100.0 variants/s (+-10.0 %), outside the model 11.00 ms of CPU per "
                        + "image (+-9.1 %), pipeline variants/s / fastest raw images/s 0.100 (+-10.0 %)",
                Rounds.describe(rounds));
        assertEquals(10.5, Rounds.median(List.of(round(1, 10), round(2, 11)), run -> run.outsideMsPerImage));
    }
}
