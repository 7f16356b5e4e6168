package io.lr0.runtime.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lr0.contract.DeadLetterHeaders;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.testing.TopologyHarness;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record whose processing overflows the stack is dead-lettered and the next record is processed: without the
 * wrapper the Error passes every handler, and the thread that replaces the dead one dies on the same record.
 */
class RecordErrorsTest {
    @TempDir
    Path stateDir;

    @Test
    void aStackOverflowOnARecordDeadLettersItAndTheStreamGoesOn() {
        try (TopologyTestDriver driver = driver(true)) {
            var input = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            input.pipeInput("deep", "200000");
            input.pipeInput("shallow", "3");
            assertEquals(
                    List.of("3"),
                    driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer())
                            .readValuesToList());
            var deadLetters = driver.createOutputTopic(
                            DeadLetterHeaders.topicFor("in"), new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList();
            assertEquals(1, deadLetters.size());
            assertEquals("deep", new String(deadLetters.get(0).key()));
            assertEquals("PROCESSING_ERROR", TopologyHarness.header(deadLetters.get(0), DeadLetterHeaders.REASON));
            assertEquals(
                    RecordErrors.StackOverflowOnRecord.class.getName(),
                    TopologyHarness.header(deadLetters.get(0), DeadLetterHeaders.EXCEPTION));
        }
    }

    @Test
    void withoutTheWrapperTheErrorEscapesEveryHandler() {
        try (TopologyTestDriver driver = driver(false)) {
            var input = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            assertThrows(StackOverflowError.class, () -> input.pipeInput("deep", "200000"));
        }
    }

    /** in -> out through a processor that recurses as deep as the record says. */
    private TopologyTestDriver driver(boolean wrapped) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "record-errors-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put(OperationalMetrics.CONFIG, OperationalMetrics.prometheus());
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        if (wrapped) {
            properties.put(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, RecordErrors.class);
        }
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(properties)));
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(depth -> String.valueOf(recurse(Integer.parseInt(depth))))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        return new TopologyTestDriver(builder.build(), properties);
    }

    private static int recurse(int depth) {
        return depth == 0 ? 0 : 1 + recurse(depth - 1);
    }
}
