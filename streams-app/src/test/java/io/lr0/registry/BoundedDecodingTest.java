package io.lr0.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.local.EmbeddedSchemaRegistry;
import io.lr0.schema.AccuracyState;
import io.lr0.schema.AgreementMetric;
import io.lr0.schema.AgreementSample;
import io.lr0.schema.AgreementState;
import io.lr0.schema.AgreementSummary;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.ModelState;
import io.lr0.schema.Prediction;
import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import io.lr0.testing.HostileAvro;
import io.lr0.testing.TestImages;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A record's content cannot exhaust its reader: writer schemas whose records could nest or allocate without bound
 * are refused before decoding, a typed reader refuses every other writer schema, and nothing but an
 * {@link AvroDecodingException} comes out (an Error would pass every handler of Kafka's and kill the thread).
 */
class BoundedDecodingTest {
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

    private static AvroDeserializer<GenericRecord> generic() {
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>();
        deserializer.configure(Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
        return deserializer;
    }

    private static AvroDecodingException.Reason refusal(AvroDeserializer<?> deserializer, byte[] payload) {
        AvroDecodingException refused =
                assertThrows(AvroDecodingException.class, () -> deserializer.deserialize("images", payload));
        assertTrue(refused.getMessage().length() > 40, refused.getMessage());
        return refused.reason();
    }

    @Test
    void aRecursiveWriterSchemaIsRefusedBeforeItsBodyIsRead() {
        // 200,000 levels: Avro's reader recursed into a StackOverflowError here, which no handler of Kafka's catches.
        byte[] payload =
                HostileAvro.wire(client.register("nodes-value", HostileAvro.NODE), HostileAvro.nestedNodes(200_000));
        AvroDeserializer<GenericRecord> generic = generic();
        assertEquals(AvroDecodingException.Reason.UNSAFE_SCHEMA, refusal(generic, payload));
        assertEquals(AvroDecodingException.Reason.UNSAFE_SCHEMA, refusal(generic, payload), "and again, cached");
        assertEquals(
                AvroDecodingException.Reason.UNSAFE_SCHEMA,
                refusal(AvroDeserializer.of(client, ImageRecord.class), payload));
        AvroDecodingException refused =
                assertThrows(AvroDecodingException.class, () -> generic.deserialize("images", payload));
        assertTrue(refused.getMessage().contains("Node contains itself"), refused.getMessage());
    }

    @Test
    void arrayItemsThatTakeNoBytesAreRefused() {
        // Two billion nulls in 7 bytes would be a 16 GB array.
        byte[] payload = HostileAvro.wire(
                client.register("nulls-value", HostileAvro.NULLS), HostileAvro.manyNulls(2_000_000_000L));
        assertEquals(AvroDecodingException.Reason.UNSAFE_SCHEMA, refusal(generic(), payload));
    }

    @Test
    void aSchemaNestingDeeperThanTheBoundIsRefusedAndOneWithinItIsRead() {
        Schema deep = nested(BoundedSchemas.MAX_DEPTH + 1);
        assertEquals(
                AvroDecodingException.Reason.UNSAFE_SCHEMA,
                refusal(generic(), HostileAvro.wire(client.register("deep-value", deep), new byte[0])));
        Schema withinBound = nested(BoundedSchemas.MAX_DEPTH);
        GenericRecord read = generic()
                .deserialize("images", HostileAvro.wire(client.register("shallow-value", withinBound), new byte[0]));
        assertEquals("Level" + BoundedSchemas.MAX_DEPTH, read.getSchema().getName());
    }

    @Test
    void aTypedReaderRefusesWriterSchemasThatDoNotResolveToItsType() {
        AvroDeserializer<ImageRecord> images = AvroDeserializer.of(client, ImageRecord.class);
        Schema other = SchemaBuilder.record("Other").fields().requiredInt("x").endRecord();
        assertEquals(
                AvroDecodingException.Reason.INCOMPATIBLE_SCHEMA,
                refusal(images, HostileAvro.wire(client.register("other-value", other), new byte[] {2})));
        // Another of lr0's own records on the images topic: refused when read, not a ClassCastException later.
        int variantId = client.register("variants-value", ImageVariant.getClassSchema());
        assertEquals(
                AvroDecodingException.Reason.INCOMPATIBLE_SCHEMA,
                refusal(images, HostileAvro.wire(variantId, new byte[] {0})));

        AvroSerializer<ImageRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
        ImageRecord image = TestImages.record("ok", "fashion-mnist", TestImages.raw(TestImages.gray(4, 4)), null);
        assertEquals(
                "ok",
                images.deserialize("images", serializer.serialize("images", image))
                        .getId());
    }

    /** The bounds refuse none of lr0's own record types. */
    @Test
    void everyRecordTypeOfLr0sIsWithinTheBound() {
        for (Schema schema : List.of(
                ImageRecord.getClassSchema(),
                ImageVariant.getClassSchema(),
                Prediction.getClassSchema(),
                DatasetInfo.getClassSchema(),
                RobustnessMetric.getClassSchema(),
                RobustnessSummary.getClassSchema(),
                AccuracyState.getClassSchema(),
                ModelState.getClassSchema(),
                AgreementSample.getClassSchema(),
                AgreementState.getClassSchema(),
                AgreementMetric.getClassSchema(),
                AgreementSummary.getClassSchema())) {
            assertEquals(Optional.empty(), BoundedSchemas.problem(schema), schema.getFullName());
        }
    }

    /** Records nested {@code levels} deep, the innermost empty: a body of zero bytes. */
    private static Schema nested(int levels) {
        Schema inner = SchemaBuilder.record("Level1").fields().endRecord();
        for (int level = 2; level <= levels; level++) {
            inner = SchemaBuilder.record("Level" + level)
                    .fields()
                    .name("inner")
                    .type(inner)
                    .noDefault()
                    .endRecord();
        }
        return inner;
    }
}
