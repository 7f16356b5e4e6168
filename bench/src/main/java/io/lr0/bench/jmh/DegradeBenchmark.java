package io.lr0.bench.jmh;

import io.lr0.image.Degradations;
import io.lr0.image.Raster;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The degradation kernel (LR0.FM's Pillow bicubic with antialiasing) on one thread: variants per second per core.
 * Targets: 28x28 gray to one resolution at least 20,000/s, 224x224 RGB at least 2,000/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DegradeBenchmark {
    /** Source size and target short side. */
    @Param({"28x28x1:7", "28x28x1:14", "224x224x3:16", "224x224x3:64", "224x224x3:128"})
    public String sourceAndTarget;

    private Raster source;
    private int resolution;

    @Setup
    public void setUp() {
        String[] parts = sourceAndTarget.split(":");
        source = BenchImages.of(parts[0]);
        resolution = Integer.parseInt(parts[1]);
    }

    @Benchmark
    public Raster lowResolution() {
        return Degradations.lowResolution(source, resolution);
    }
}
