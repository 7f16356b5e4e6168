package io.lr0.runtime.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.contract.DeadLetterHeaders;
import io.lr0.registry.SchemaRegistryException;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.testing.TopologyHarness;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record's own failure is dead-lettered; a schema registry that cannot answer while a result is encoded is not
 * the record's fault: the thread fails, to process the record again once the registry is back (a registry whose
 * node was killed dead-lettered a good record in a fault run, and the metrics then missed it).
 */
class DeadLetterHandlerTest {
    @TempDir
    Path stateDir;

    @Test
    void aRecordsOwnSerializationErrorIsDeadLettered() {
        try (TopologyTestDriver driver = driver(value -> {
            throw new SerializationException(
                    "Cannot serialize", new SchemaRegistryException.Incompatible(409, 409, "incompatible"));
        })) {
            driver.createInputTopic("in", new StringSerializer(), new StringSerializer())
                    .pipeInput("k", "v");
            var deadLetters = deadLetters(driver);
            assertEquals(1, deadLetters.size());
            assertEquals("PROCESSING_ERROR", TopologyHarness.header(deadLetters.get(0), DeadLetterHeaders.REASON));
        }
    }

    @Test
    void anUnreachableRegistryFailsTheThreadAndDeadLettersNothing() {
        try (TopologyTestDriver driver = driver(value -> {
            throw new SerializationException(
                    "Cannot serialize",
                    new SchemaRegistryException(
                            "Schema registry unreachable at [http://127.0.0.1:1]", new ConnectException()));
        })) {
            var input = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            StreamsException failed = assertThrows(StreamsException.class, () -> input.pipeInput("k", "v"));
            assertTrue(SchemaRegistryException.outageIn(failed) != null, failed.toString());
            assertEquals(List.of(), deadLetters(driver));
        }
    }

    @Test
    void aRegistryServerErrorIsAnOutageToo() {
        assertTrue(new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR, "store").isOutage());
        assertTrue(!new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND, "none").isOutage());
    }

    private static List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> deadLetters(
            TopologyTestDriver driver) {
        return driver.createOutputTopic(
                        DeadLetterHeaders.topicFor("in"), new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    /** in -> out through {@code step}, with lr0's dead-letter handler. */
    private TopologyTestDriver driver(Function<String, String> step) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "dead-letter-handler-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put(OperationalMetrics.CONFIG, OperationalMetrics.prometheus());
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(step::apply)
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        return new TopologyTestDriver(builder.build(), properties);
    }
}
