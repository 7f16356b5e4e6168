package io.lr0.bench.jmh;

import io.lr0.image.Raster;
import io.lr0.inference.ImagePreprocessor;
import io.lr0.inference.ModelSpec;
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
 * A variant into the model's input: on arrival its centre crop resized to 8-bit planes in one pass with its PNG
 * thumbnail, at batch time those planes normalised: the inference stage's per-variant work besides the model.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PreprocessBenchmark {
    /** Variant size and the model's input side: the demo model (32) and CLIP (224). */
    @Param({"14x14x1:32", "16x16x3:224", "64x64x3:224", "500x375x3:224"})
    public String variantAndInput;

    private Raster variant;
    private ImagePreprocessor preprocessor;
    private float[] modelInput;
    private ImagePreprocessor.Prepared prepared;

    @Setup
    public void setUp() {
        String[] parts = variantAndInput.split(":");
        variant = BenchImages.of(parts[0]);
        ModelSpec clip = ModelSpec.clipDefaults("bench");
        ModelSpec spec = new ModelSpec(
                "bench",
                "",
                Integer.parseInt(parts[1]),
                clip.mean(),
                clip.std(),
                clip.contextLength(),
                clip.padTokenId(),
                clip.logitScale(),
                "",
                false,
                false);
        preprocessor = new ImagePreprocessor(spec);
        modelInput = new float[preprocessor.valuesPerImage()];
        prepared = preprocessor.prepare(variant, false);
    }

    @Benchmark
    public ImagePreprocessor.Prepared prepareWithThumbnail() {
        return preprocessor.prepare(variant, true);
    }

    @Benchmark
    public float[] normalise() {
        preprocessor.write(prepared, modelInput, 0);
        return modelInput;
    }
}
