package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.schema.LabelScore;
import io.lr0.schema.Prediction;
import io.lr0.testing.AppConfig;
import io.lr0.testing.Consume;
import io.lr0.testing.RequiredTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLIP architecture of tools/clip at its tiny size, with random weights written as an OpenAI-layout checkpoint
 * and converted by tools/clip/convert.py (Debian's PyTorch), served by lr0 through the real broker: the converted
 * TorchScript loads in DJL's libtorch, its 77-token text tower takes the real CLIP tokenizer, and every image gets
 * its predictions over the whole label space. Random weights: the scores are checked for shape, never for accuracy.
 */
class ConvertedClipIT {
    /** The repository root, where the tools run as the package they are ({@code python3 -m tools.clip...}). */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final int IMAGES = 6;
    private static final int PREDICTIONS_PER_IMAGE = 5;

    @Test
    void aConvertedRandomClipClassifiesThroughTheStream(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("tiny-openai.pt");
        Path model = dir.resolve("tiny-clip");
        python(
                "tools.clip.random_weights",
                "tiny",
                dir.resolve("unused").toString(),
                "--checkpoint",
                checkpoint.toString());
        python("tools.clip.convert", checkpoint.toString(), model.toString(), "--name", "tiny-clip-converted");

        try (LocalStack stack = LocalStack.start(dir.resolve("kafka"), 0, 0, 0);
                Lr0App app = Lr0App.start(
                        AppConfig.on(stack, dir.resolve("state"), Lr0Config.INFERENCE_MODEL, model.toString()))) {
            try (ImagePublisher publisher = new ImagePublisher(
                    Map.of("bootstrap.servers", stack.bootstrapServers()),
                    Map.of("schema.registry.url", stack.registryUrl()),
                    "images",
                    "datasets")) {
                DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "clip-it", IMAGES, 0, null);
            }
            List<ConsumerRecord<String, Prediction>> predictions = Consume.until(
                    stack.bootstrapServers(),
                    "predictions",
                    new StringDeserializer(),
                    Consume.<Prediction>specificReader(stack.registryUrl()),
                    read -> read.size() >= IMAGES * PREDICTIONS_PER_IMAGE,
                    Duration.ofSeconds(120));
            assertEquals(IMAGES * PREDICTIONS_PER_IMAGE, predictions.size());
            for (ConsumerRecord<String, Prediction> record : predictions) {
                Prediction prediction = record.value();
                assertEquals("tiny-clip-converted", prediction.getModel());
                List<LabelScore> top = prediction.getTopK();
                assertEquals(5, top.size(), "top 5 of Fashion-MNIST's 10 classes");
                double sum = top.stream().mapToDouble(LabelScore::getScore).sum();
                assertTrue(
                        top.stream().allMatch(score -> Float.isFinite(score.getScore())) && sum > 0 && sum <= 1.0001,
                        "softmax scores: " + top);
            }
        }
    }

    /** Runs a tools/clip script with Debian's PyTorch and fails with its output if it fails. */
    private static void python(String module, String... args) throws IOException, InterruptedException {
        RequiredTools.require("python3-torch", "python3-regex");
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-m", module));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), module + " did not finish");
        assertEquals(0, process.exitValue(), module + " failed:\n" + output);
    }
}
