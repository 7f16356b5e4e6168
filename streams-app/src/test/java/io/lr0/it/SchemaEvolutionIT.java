package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.registry.AvroDeserializer;
import io.lr0.registry.AvroSerializer;
import io.lr0.registry.RegistryConfig;
import io.lr0.registry.RestSchemaRegistryClient;
import io.lr0.registry.SchemaRegistryException;
import io.lr0.schema.ImageRecord;
import io.lr0.testing.Consume;
import io.lr0.testing.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageRecord evolves: a v2 with an optional field is registered by a new producer while an old producer keeps
 * writing v1; the app (built on v1) classifies both, an old consumer reads both, and an incompatible v3 is refused
 * by the registry with Confluent's error code 409 before anything is written.
 */
class SchemaEvolutionIT {
    /** v2 = the current ImageRecord plus an optional field, as a newer producer would have it. */
    private static final Schema V2 = withField(
            ImageRecord.getClassSchema(),
            new Schema.Field(
                    "exposureMillis",
                    Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.LONG)),
                    "Exposure time, when the camera reports it.",
                    Schema.Field.NULL_DEFAULT_VALUE));
    /** v3 adds a required field without a default: v2 readers of old records could not fill it. */
    private static final Schema V3_INCOMPATIBLE = withField(
            V2, new Schema.Field("cameraSerial", Schema.create(Schema.Type.STRING), "Required serial number.", null));

    @Test
    void oldAndNewProducersAndTheAppKeepWorkingAndIncompatibleChangesAreRefused(@TempDir Path dataDir)
            throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0);
                Lr0App app = Lr0App.start(Lr0Config.of(Map.of(
                        Lr0Config.BOOTSTRAP_SERVERS,
                        stack.bootstrapServers(),
                        Lr0Config.SCHEMA_REGISTRY_URL,
                        stack.registryUrl(),
                        Lr0Config.STATE_DIR,
                        dataDir.resolve("streams").toString(),
                        Lr0Config.DASHBOARD_PORT,
                        "0")))) {
            Map<String, Object> serde = Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
            // The old producer (lr0's own, v1) publishes the label space and two images.
            try (ImagePublisher publisher = new ImagePublisher(
                    Map.of("bootstrap.servers", stack.bootstrapServers()), serde, "images", "datasets")) {
                DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "evolution-v1", 2, 0, null);
            }
            // The new producer writes v2 records, registering v2 on the way (BACKWARD-compatible: accepted).
            AvroSerializer<GenericRecord> v2Serializer = new AvroSerializer<>();
            v2Serializer.configure(serde, false);
            try (KafkaProducer<String, GenericRecord> v2Producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", stack.bootstrapServers()), new StringSerializer(), v2Serializer)) {
                for (String id : List.of("v2-a", "v2-b")) {
                    v2Producer
                            .send(new ProducerRecord<>("images", id, v2Record(id, 8L)))
                            .get();
                }
            }
            // And the old producer keeps going after v2 is the latest.
            AvroSerializer<ImageRecord> v1Serializer = new AvroSerializer<>();
            v1Serializer.configure(serde, false);
            try (KafkaProducer<String, ImageRecord> v1Producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", stack.bootstrapServers()), new StringSerializer(), v1Serializer)) {
                v1Producer
                        .send(new ProducerRecord<>(
                                "images",
                                "v1-after",
                                TestImages.record(
                                        "v1-after", "fashion-mnist", TestImages.raw(TestImages.gray(28, 28)), "Bag")))
                        .get();
            }

            try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryConfig.from(serde))) {
                assertEquals(2, registry.latest("images-value").version(), "v1 and v2 registered");
                int v1Id = registry.lookup("images-value", ImageRecord.getClassSchema())
                        .id();
                assertNotEquals(v1Id, registry.latest("images-value").id());

                SchemaRegistryException.Incompatible refused = assertThrows(
                        SchemaRegistryException.Incompatible.class,
                        () -> registry.register("images-value", V3_INCOMPATIBLE));
                assertEquals(409, refused.errorCode());
                assertTrue(refused.getMessage().contains("cameraSerial"), "names the field: " + refused.getMessage());
                assertEquals(2, registry.latest("images-value").version(), "nothing registered");
            }
            // The raw REST answer, as Confluent's clients and curl see it.
            String body =
                    "{\"schema\":" + JsonMapper.builder().build().writeValueAsString(V3_INCOMPATIBLE.toString()) + "}";
            HttpResponse<String> rest = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/subjects/images-value/versions"))
                                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(409, rest.statusCode());
            assertTrue(rest.body().contains("\"error_code\":409"), rest.body());

            // The app classified every image, whichever schema wrote it.
            Set<String> expected = Set.of("v2-a@native/bicubic", "v2-b@native/bicubic", "v1-after@native/bicubic");
            List<ConsumerRecord<String, byte[]>> predictions = Consume.until(
                    stack.bootstrapServers(),
                    "predictions",
                    new StringDeserializer(),
                    new ByteArrayDeserializer(),
                    read -> read.stream().map(ConsumerRecord::key).toList().containsAll(expected),
                    Duration.ofSeconds(90));
            assertTrue(
                    predictions.stream().map(ConsumerRecord::key).toList().containsAll(expected),
                    "predictions for v1 and v2 images");

            // An old consumer (v1 specific reader) reads the v2 records; the new field is skipped by resolution.
            AvroDeserializer<ImageRecord> v1Reader = new AvroDeserializer<>();
            Map<String, Object> readerConfig = new HashMap<>(serde);
            readerConfig.put(RegistryConfig.SPECIFIC_AVRO_READER, "true");
            v1Reader.configure(readerConfig, false);
            List<String> readIds = new ArrayList<>();
            Consume.until(
                            stack.bootstrapServers(),
                            "images",
                            new StringDeserializer(),
                            v1Reader,
                            read -> read.size() >= 5,
                            Duration.ofSeconds(30))
                    .forEach(r -> readIds.add(r.value().getId()));
            assertTrue(readIds.containsAll(List.of("v2-a", "v2-b", "v1-after")), readIds.toString());
        }
    }

    private static GenericRecord v2Record(String id, long exposureMillis) {
        ImageRecord v1 = TestImages.record(id, "fashion-mnist", TestImages.raw(TestImages.gray(28, 28)), "Bag");
        GenericRecord record = new GenericData.Record(V2);
        for (Schema.Field field : ImageRecord.getClassSchema().getFields()) {
            record.put(field.name(), GenericData.get().deepCopy(field.schema(), v1.get(field.name())));
        }
        // Generic records carry logical types in their underlying type.
        record.put("captureTimestamp", v1.getCaptureTimestamp().toEpochMilli());
        record.put("exposureMillis", exposureMillis);
        return record;
    }

    private static Schema withField(Schema base, Schema.Field added) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : base.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(added);
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }
}
