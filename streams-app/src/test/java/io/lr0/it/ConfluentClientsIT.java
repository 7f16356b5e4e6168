package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.LabeledImage;
import io.lr0.schema.ImageEncoding;
import io.lr0.schema.ImageRecord;
import io.lr0.testing.Consume;
import io.lr0.testing.RequiredTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confluent's own Python Avro serializer and deserializer (Debian python3-confluent-kafka with python3-avro, which
 * .ci/run installs) against the real pipeline: images it serializes are classified by the app, and it decodes the
 * app's predictions, metrics and summaries (src/test/python/avro_clients_check.py). Byte-level compatibility both
 * ways: lr0's deserializer reads its images as the records they were.
 */
class ConfluentClientsIT {
    private static final int IMAGES = 8;

    @TempDir
    Path dataDir;

    @Test
    void confluentsAvroSerdeAndLr0ReadEachOther() throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            Lr0Config config = Lr0Config.of(Map.of(
                    Lr0Config.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    Lr0Config.STATE_DIR, dataDir.resolve("streams").toString(),
                    Lr0Config.TOPIC_PARTITIONS, "2",
                    Lr0Config.DASHBOARD_PORT, "0"));
            try (Lr0App app = Lr0App.start(config)) {
                // lr0's producer publishes Fashion-MNIST's label space (and one image); Python produces the rest.
                try (ImagePublisher publisher = new ImagePublisher(
                        config.kafkaClientConfig(),
                        config.serdeConfig(),
                        config.topics().images(),
                        config.topics().datasets())) {
                    DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "it", 1, 0, null);
                }
                Path input = dataDir.resolve("python-input.json");
                Files.writeString(input, pythonInput());

                RequiredTools.require("python3-confluent-kafka", "python3-avro", "python3-requests");
                Process check = new ProcessBuilder(
                                "/usr/bin/python3",
                                "src/test/python/avro_clients_check.py",
                                stack.bootstrapServers(),
                                stack.registryUrl(),
                                input.toString())
                        .redirectErrorStream(true)
                        .start();
                String output = new String(check.getInputStream().readAllBytes());
                assertEquals(
                        0,
                        check.waitFor(),
                        "Confluent's Avro serde against lr0:\n" + output
                                + "\n(needs Debian's python3-confluent-kafka and python3-avro)");
                assertTrue(output.contains("all checks passed"), output);

                List<ConsumerRecord<String, ImageRecord>> images = Consume.until(
                        stack.bootstrapServers(),
                        config.topics().images(),
                        new StringDeserializer(),
                        Consume.<ImageRecord>specificReader(stack.registryUrl()),
                        records -> records.stream()
                                        .filter(r -> r.key().startsWith("py-"))
                                        .count()
                                == IMAGES,
                        Duration.ofSeconds(60));
                ImageRecord first = images.stream()
                        .filter(r -> r.key().equals("py-0"))
                        .findFirst()
                        .orElseThrow()
                        .value();
                assertEquals("confluent-python-client", first.getSource());
                assertEquals(ImageEncoding.GRAY8, first.getImage().getEncoding());
                assertEquals(784, first.getImage().getData().remaining());
                assertEquals("confluent_kafka.avro", first.getAttributes().get("client"));
            }
        }
    }

    /** lr0's ImageRecord schema and Fashion-MNIST test images 1..IMAGES as raw pixels, for the Python side. */
    private static String pythonInput() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode input = json.createObjectNode()
                .put("schema", ImageRecord.getClassSchema().toString());
        ArrayNode images = input.putArray("images");
        Iterator<LabeledImage> sample = Datasets.defaultFashionMnist("test").images();
        sample.next();
        for (int i = 0; i < IMAGES; i++) {
            LabeledImage image = sample.next();
            byte[] pixels = new byte[image.image().getData().remaining()];
            image.image().getData().duplicate().get(pixels);
            images.addObject()
                    .put("id", "py-" + i)
                    .put("dataset", "fashion-mnist")
                    .put("label", image.label())
                    .put("width", image.image().getWidth())
                    .put("height", image.image().getHeight())
                    .put("pixels", Base64.getEncoder().encodeToString(pixels));
        }
        return json.writeValueAsString(input);
    }
}
