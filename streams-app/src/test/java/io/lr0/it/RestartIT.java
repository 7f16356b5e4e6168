package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.http.HttpSecurity;
import io.lr0.local.EmbeddedKafka;
import io.lr0.local.EmbeddedSchemaRegistry;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.registry.AvroDeserializer;
import io.lr0.registry.RegistryConfig;
import io.lr0.registry.RestSchemaRegistryClient;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.Prediction;
import io.lr0.testing.Consume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker and then the schema registry restart while images stream through an app that is left alone: it
 * recovers by itself, nothing is lost or doubled, schema ids are unchanged and old records still decode.
 */
class RestartIT {
    private static final int IMAGES = 600;
    private static final int PREDICTIONS_PER_IMAGE = 5;
    private static final String APPLICATION_ID = "restart-it";

    @Test
    void brokerAndRegistryRestartMidStream(@TempDir Path dir) throws Exception {
        // Each picks its own free port; the restarts take the same ones back.
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
        EmbeddedSchemaRegistry registry = startRegistry(kafka, 0);
        Map<String, Object> serde = Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, registry.url());
        try (Lr0App app = Lr0App.start(Lr0Config.of(Map.of(
                Lr0Config.BOOTSTRAP_SERVERS,
                kafka.bootstrapServers(),
                Lr0Config.SCHEMA_REGISTRY_URL,
                registry.url(),
                Lr0Config.STATE_DIR,
                dir.resolve("streams").toString(),
                Lr0Config.APPLICATION_ID,
                APPLICATION_ID,
                Lr0Config.DASHBOARD_PORT,
                "0")))) {
            String bootstrap = kafka.bootstrapServers();
            CompletableFuture<DatasetProducer.Result> producing = CompletableFuture.supplyAsync(() -> {
                try (ImagePublisher publisher =
                        new ImagePublisher(Map.of("bootstrap.servers", bootstrap), serde, "images", "datasets")) {
                    return DatasetProducer.run(
                            Datasets.defaultFashionMnist("test"), publisher, "restart-it", IMAGES, 40, null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(4_000);
            kafka.close();
            Thread.sleep(3_000);
            kafka = EmbeddedKafka.start(dir.resolve("kafka"), kafka.brokerPort(), kafka.controllerPort());

            Thread.sleep(3_000);
            int idBefore;
            try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(RegistryConfig.from(serde))) {
                idBefore = client.lookup("images-value", ImageRecord.getClassSchema())
                        .id();
            }
            registry.close();
            registry = startRegistry(kafka, registry.port());
            try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(RegistryConfig.from(serde))) {
                assertEquals(
                        idBefore,
                        client.lookup("images-value", ImageRecord.getClassSchema())
                                .id(),
                        "the schema id survives the registry's restart");
            }

            assertEquals(IMAGES, producing.get().sent(), "the producer got through the broker's restart");
            AvroDeserializer<Prediction> predictionReader = Consume.specificReader(registry.url());
            Consume.until(
                    kafka.bootstrapServers(),
                    "predictions",
                    new StringDeserializer(),
                    new ByteArrayDeserializer(),
                    read -> read.size() >= IMAGES * PREDICTIONS_PER_IMAGE,
                    Duration.ofSeconds(180));
            // Once the app committed all its input, every prediction it will ever write is readable: a duplicate
            // written late cannot be missed.
            List<ConsumerRecord<String, Prediction>> predictions = Consume.allAfter(
                    kafka.bootstrapServers(),
                    APPLICATION_ID,
                    "images",
                    "predictions",
                    new StringDeserializer(),
                    predictionReader,
                    Duration.ofSeconds(120));
            Map<String, Long> copies =
                    predictions.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
            System.out.printf(
                    "RestartIT: %d images; broker and registry restarted; %d predictions, %d distinct%n",
                    IMAGES, predictions.size(), copies.size());
            assertEquals(IMAGES * PREDICTIONS_PER_IMAGE, copies.size(), "nothing lost");
            assertEquals(IMAGES * PREDICTIONS_PER_IMAGE, predictions.size(), "nothing doubled");

            AvroDeserializer<ImageRecord> imageReader = Consume.specificReader(registry.url());
            assertEquals(
                    IMAGES,
                    Consume.until(
                                    kafka.bootstrapServers(),
                                    "images",
                                    new StringDeserializer(),
                                    imageReader,
                                    read -> read.size() >= IMAGES,
                                    Duration.ofSeconds(30))
                            .stream()
                            .map(r -> r.value().getId())
                            .distinct()
                            .count(),
                    "records written before the restarts decode");
        } finally {
            registry.close();
            kafka.close();
        }
    }

    private static EmbeddedSchemaRegistry startRegistry(EmbeddedKafka kafka, int port) {
        return EmbeddedSchemaRegistry.start(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), "127.0.0.1", port, HttpSecurity.NONE);
    }
}
