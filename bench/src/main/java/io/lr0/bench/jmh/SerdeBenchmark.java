package io.lr0.bench.jmh;

import io.lr0.app.Lr0Config;
import io.lr0.image.ImageCodec;
import io.lr0.local.LocalStack;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.DegradationMethod;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.LabelScore;
import io.lr0.schema.Prediction;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * lr0's Avro serdes in Confluent's wire format on the records every variant passes through: an image variant
 * (14 px gray, raw pixels) and its prediction (top 5, a PNG thumbnail). The schemas are registered once with the
 * embedded registry in the set-up, as in the stream; the timed calls use the serdes' caches, as in the stream.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SerdeBenchmark {
    private LocalStack stack;
    private StageSerdes serdes;
    private Serializer<ImageVariant> variantSerializer;
    private Deserializer<ImageVariant> variantDeserializer;
    private Serializer<Prediction> predictionSerializer;
    private Deserializer<Prediction> predictionDeserializer;
    private ImageVariant variant;
    private Prediction prediction;
    private byte[] variantBytes;
    private byte[] predictionBytes;

    @Setup
    public void setUp() throws Exception {
        stack = LocalStack.start(Files.createTempDirectory("lr0-jmh-serde"), 0, 0, 0);
        serdes =
                StageSerdes.from(Map.of(Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl()), OperationalMetrics.none());
        variantSerializer = serdes.value(ImageVariant.class).serializer();
        variantDeserializer = serdes.value(ImageVariant.class).deserializer();
        predictionSerializer = serdes.value(Prediction.class).serializer();
        predictionDeserializer = serdes.value(Prediction.class).deserializer();
        Instant captured = Instant.parse("2026-11-23T12:00:00Z");
        variant = ImageVariant.newBuilder()
                .setImageId("fashion-mnist/test/1234")
                .setSource("bench")
                .setDataset("fashion-mnist")
                .setCaptureTimestamp(captured)
                .setLabel("Ankle boot")
                .setGroup(null)
                .setResolution(14)
                .setMethod(DegradationMethod.PIL_BICUBIC)
                .setNativeWidth(28)
                .setNativeHeight(28)
                .setImage(ImageCodec.toRawImage(BenchImages.of("14x14x1")))
                .setVariantsOfImage(5)
                .build();
        prediction = Prediction.newBuilder()
                .setImageId(variant.getImageId())
                .setVariantKey("fashion-mnist/test/1234@14")
                .setDataset("fashion-mnist")
                .setModel("lr0-demo-fmnist")
                .setResolution(14)
                .setSrMethod("bicubic")
                .setLabel("Ankle boot")
                .setGroup(null)
                .setPredicted("Ankle boot")
                .setTopK(List.of(
                        new LabelScore("Ankle boot", 0.91f),
                        new LabelScore("Sneaker", 0.05f),
                        new LabelScore("Sandal", 0.02f),
                        new LabelScore("Bag", 0.01f),
                        new LabelScore("Shirt", 0.01f)))
                .setCorrect(true)
                .setCaptureTimestamp(captured)
                .setPredictionTimestamp(captured.plusMillis(40))
                .setModelTimeMicros(700L)
                .setBatchSize(32)
                .setLatencyMillis(40L)
                .setDevice("cpu()")
                .setThumbnail(ByteBuffer.wrap(ImageCodec.encodePng(BenchImages.of("14x14x1"))))
                .build();
        variantBytes = variantSerializer.serialize("image-variants", variant);
        predictionBytes = predictionSerializer.serialize("predictions", prediction);
    }

    @TearDown
    public void tearDown() {
        serdes.close();
        stack.close();
    }

    @Benchmark
    public byte[] serializeVariant() {
        return variantSerializer.serialize("image-variants", variant);
    }

    @Benchmark
    public ImageVariant deserializeVariant() {
        return variantDeserializer.deserialize("image-variants", variantBytes);
    }

    @Benchmark
    public byte[] serializePrediction() {
        return predictionSerializer.serialize("predictions", prediction);
    }

    @Benchmark
    public Prediction deserializePrediction() {
        return predictionDeserializer.deserialize("predictions", predictionBytes);
    }
}
