package io.lr0.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Every micro-benchmark runs (in this JVM, one short iteration each) and yields a throughput; none is asserted. */
class MicroBenchmarksIT {

    @Test
    void everyBenchmarkRunsAndMeasures() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                        .include("io\\.lr0\\.bench\\.jmh\\..*Benchmark\\..*")
                        .forks(0)
                        .warmupIterations(0)
                        .measurementIterations(1)
                        .measurementTime(TimeValue.milliseconds(100))
                        .shouldFailOnError(true)
                        .build())
                .run();
        // Degrade: 5 sizes; pre-process: 2 benchmarks x 4 sizes; serde: 4.
        assertEquals(5 + 8 + 4, results.size());
        for (RunResult result : results) {
            assertTrue(
                    result.getPrimaryResult().getScore() > 0, result.getParams().getBenchmark());
        }
    }
}
