package io.lr0.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.local.EmbeddedSchemaRegistry;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.ImageRecord;
import io.lr0.testing.TestImages;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Byte vectors of Confluent's wire format. The expected bytes follow from the format (magic 0, big-endian id,
 * Avro binary: zig-zag varints, length-prefixed strings) and are what KafkaAvroSerializer writes for these records.
 */
class ConfluentWireFormatTest {
    private static final Schema USER = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"User\","
                    + "\"namespace\":\"example\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                    + "{\"name\":\"age\",\"type\":\"int\"}]}");
    private static EmbeddedSchemaRegistry registry;
    private static RestSchemaRegistryClient client;

    @BeforeAll
    static void start() {
        registry = EmbeddedSchemaRegistry.startInMemory("127.0.0.1", 0);
        client = new RestSchemaRegistryClient(
                RegistryConfig.from(Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, registry.url())));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static Map<String, Object> config(String... pairs) {
        Map<String, Object> config = new HashMap<>();
        config.put(RegistryConfig.SCHEMA_REGISTRY_URL, registry.url());
        for (int i = 0; i < pairs.length; i += 2) {
            config.put(pairs[i], pairs[i + 1]);
        }
        return config;
    }

    @Test
    void serializerWritesConfluentBytes() {
        GenericRecord alice = new GenericData.Record(USER);
        alice.put("name", "Alice");
        alice.put("age", 30);
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
        serializer.configure(config(), false);

        byte[] bytes = serializer.serialize("users", alice);

        int id = client.latest("users-value").id();
        // 00 | id | "Alice" = len 5 (zig-zag 0x0a) + ASCII | 30 = zig-zag 0x3c
        String expected = "00" + String.format("%08x", id) + "0a416c696365" + "3c";
        assertEquals(expected, HexFormat.of().formatHex(bytes));
    }

    @Test
    void deserializerReadsBytesAConfluentProducerWrote() {
        int id = client.register("people-value", USER);
        byte[] fromConfluent = HexFormat.of().parseHex("00" + String.format("%08x", id) + "06426f62" + "54");
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>();
        deserializer.configure(config(), false);

        GenericRecord bob = deserializer.deserialize("people", fromConfluent);

        assertEquals("Bob", bob.get("name").toString());
        assertEquals(42, bob.get("age"));
    }

    @Test
    void specificRecordsRoundTrip() {
        ImageRecord image = TestImages.record("img-1", "fashion-mnist", TestImages.raw(TestImages.gray(3, 2)), "Bag");
        AvroSerializer<ImageRecord> serializer = new AvroSerializer<>();
        serializer.configure(config(), false);
        AvroDeserializer<ImageRecord> specific = new AvroDeserializer<>();
        specific.configure(config(RegistryConfig.SPECIFIC_AVRO_READER, "true"), false);
        AvroDeserializer<GenericRecord> generic = new AvroDeserializer<>();
        generic.configure(config(), false);

        byte[] bytes = serializer.serialize("images", image);

        assertEquals(image, specific.deserialize("images", bytes));
        assertEquals("img-1", generic.deserialize("images", bytes).get("id").toString());
    }

    @Test
    void withoutAutoRegisterTheSchemaMustExist() {
        DatasetInfo info = DatasetInfo.newBuilder()
                .setId("d")
                .setClasses(List.of("a"))
                .setUpdated(Instant.EPOCH)
                .build();
        AvroSerializer<DatasetInfo> strict = new AvroSerializer<>();
        strict.configure(config(RegistryConfig.AUTO_REGISTER_SCHEMAS, "false"), false);

        SerializationException refused =
                assertThrows(SerializationException.class, () -> strict.serialize("unseen", info));
        assertInstanceOf(SchemaRegistryException.NotFound.class, refused.getCause());

        client.register("unseen-value", DatasetInfo.getClassSchema());
        byte[] bytes = strict.serialize("unseen", info);
        assertArrayEquals(new byte[] {0}, new byte[] {bytes[0]});
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsSchema() {
        Schema userV2 = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"example\","
                        + "\"fields\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"},"
                        + "{\"name\":\"city\",\"type\":\"string\",\"default\":\"?\"}]}");
        client.register("evolved-value", USER);
        int latestId = client.register("evolved-value", userV2);
        GenericRecord carol = new GenericData.Record(USER);
        carol.put("name", "Carol");
        carol.put("age", 7);
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
        serializer.configure(config(RegistryConfig.USE_LATEST_VERSION, "true"), false);
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>();
        deserializer.configure(config(), false);

        byte[] bytes = serializer.serialize("evolved", carol);

        assertEquals(String.format("00%08x", latestId), HexFormat.of().formatHex(bytes, 0, 5));
        GenericRecord read = deserializer.deserialize("evolved", bytes);
        assertEquals("?", read.get("city").toString(), "written with v2, the default filled in");
    }

    /**
     * Confluent users' strict setting: nothing registered by the producer, every record written with the subject's
     * latest schema (registered by whoever owns it).
     */
    @Test
    void autoRegisterOffWithUseLatestVersionWritesWithTheRegisteredSchema() {
        AvroSerializer<GenericRecord> strict = new AvroSerializer<>();
        strict.configure(
                config(RegistryConfig.AUTO_REGISTER_SCHEMAS, "false", RegistryConfig.USE_LATEST_VERSION, "true"),
                false);
        GenericRecord dave = new GenericData.Record(USER);
        dave.put("name", "Dave");
        dave.put("age", 40);
        assertInstanceOf(
                SchemaRegistryException.NotFound.class,
                assertThrows(SerializationException.class, () -> strict.serialize("owned", dave))
                        .getCause());
        assertThrows(SchemaRegistryException.NotFound.class, () -> client.latest("owned-value"), "nothing registered");

        int id = client.register("owned-value", USER);
        AvroSerializer<GenericRecord> again = new AvroSerializer<>();
        again.configure(
                config(RegistryConfig.AUTO_REGISTER_SCHEMAS, "false", RegistryConfig.USE_LATEST_VERSION, "true"),
                false);
        assertEquals(String.format("00%08x", id), HexFormat.of().formatHex(again.serialize("owned", dave), 0, 5));
    }

    /** Confluent's three subject name strategies, by class name or simple name; a custom one is refused at start. */
    @Test
    void subjectNameStrategies() {
        GenericRecord eve = new GenericData.Record(USER);
        eve.put("name", "Eve");
        eve.put("age", 3);
        Map<String, String> expected = Map.of(
                "io.confluent.kafka.serializers.subject.TopicNameStrategy", "strategies-value",
                "io.confluent.kafka.serializers.subject.RecordNameStrategy", "example.User",
                "TopicRecordNameStrategy", "strategies-example.User");
        expected.forEach((strategy, subject) -> {
            AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
            serializer.configure(
                    config("schema.registry." + RegistryConfig.VALUE_SUBJECT_NAME_STRATEGY, strategy), false);
            byte[] bytes = serializer.serialize("strategies", eve);
            assertEquals(
                    String.format("00%08x", client.lookup(subject, USER).id()),
                    HexFormat.of().formatHex(bytes, 0, 5),
                    strategy + " registers under " + subject);
        });
        AvroSerializer<GenericRecord> keys = new AvroSerializer<>();
        keys.configure(config(RegistryConfig.KEY_SUBJECT_NAME_STRATEGY, "RecordNameStrategy"), true);
        assertEquals(
                String.format("00%08x", client.lookup("example.User", USER).id()),
                HexFormat.of().formatHex(keys.serialize("other-topic", eve), 0, 5),
                "keys under the record's name, whatever the topic");

        ConfigException custom = assertThrows(
                ConfigException.class,
                () -> new AvroSerializer<GenericRecord>()
                        .configure(
                                config(RegistryConfig.VALUE_SUBJECT_NAME_STRATEGY, "com.example.MyStrategy"), false));
        assertTrue(custom.getMessage().contains("TopicRecordNameStrategy"), custom.getMessage());
    }

    @Test
    void badPayloadsNameWhatIsWrong() {
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>();
        deserializer.configure(config(), false);

        AvroDecodingException magic = assertThrows(
                AvroDecodingException.class, () -> deserializer.deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}));
        assertEquals(AvroDecodingException.Reason.NOT_WIRE_FORMAT, magic.reason());
        assertEquals(
                AvroDecodingException.Reason.NOT_WIRE_FORMAT,
                assertThrows(AvroDecodingException.class, () -> deserializer.deserialize("t", new byte[] {0, 0}))
                        .reason());
        assertEquals(
                AvroDecodingException.Reason.UNKNOWN_SCHEMA_ID,
                assertThrows(
                                AvroDecodingException.class,
                                () -> deserializer.deserialize("t", new byte[] {0, 0, 1, 0, 0, 2}))
                        .reason());
        // Bob as a Confluent producer writes him, then bytes no serializer writes: refused, not read past.
        int id = client.register("people-value", USER);
        byte[] trailing = HexFormat.of().parseHex("00" + String.format("%08x", id) + "06426f62" + "54" + "000000");
        AvroDecodingException followed =
                assertThrows(AvroDecodingException.class, () -> deserializer.deserialize("people", trailing));
        assertEquals(AvroDecodingException.Reason.AVRO_DECODE, followed.reason());
        assertTrue(followed.getMessage().contains("bytes unread after the record"), followed.getMessage());
    }
}
