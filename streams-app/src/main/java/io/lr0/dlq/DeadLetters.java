package io.lr0.dlq;

import io.lr0.app.OperationalMetrics;
import io.lr0.image.BadImageException;
import io.micrometer.core.instrument.Metrics;
import io.lr0.registry.AvroDecodingException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter record layout shared by every stage: the source record's raw key and value (so it can be fixed
 * and replayed), on {@code <source topic>-dlq}, with headers naming the reason and where the record came from.
 */
public final class DeadLetters {
    public static final String TOPIC_SUFFIX = "-dlq";
    /** Machine-readable reason, e.g. CORRUPT_IMAGE, PIXEL_LIMIT, UNKNOWN_SCHEMA_ID. */
    public static final String REASON = "lr0.dlq.reason";
    /** Human-readable message saying what was wrong. */
    public static final String MESSAGE = "lr0.dlq.message";
    /** Class of the exception raised. */
    public static final String EXCEPTION = "lr0.dlq.exception";
    public static final String SOURCE_TOPIC = "lr0.dlq.source.topic";
    public static final String SOURCE_PARTITION = "lr0.dlq.source.partition";
    public static final String SOURCE_OFFSET = "lr0.dlq.source.offset";
    /** Topology node that refused the record. */
    public static final String PROCESSOR = "lr0.dlq.processor";

    private DeadLetters() {
    }

    public static String topicFor(String sourceTopic) {
        return sourceTopic + TOPIC_SUFFIX;
    }

    /** The reason code for an exception: the stage's own reason when it has one, else the exception's kind. */
    public static String reasonOf(Throwable error) {
        if (error instanceof BadImageException bad) {
            return bad.reason().name();
        }
        if (error instanceof AvroDecodingException decoding) {
            return decoding.reason().name();
        }
        return "PROCESSING_ERROR";
    }

    public static ProducerRecord<byte[], byte[]> record(String sourceTopic, int partition, long offset,
                                                        String processor, byte[] rawKey, byte[] rawValue,
                                                        Throwable error) {
        Headers headers = new RecordHeaders();
        String reason = reasonOf(error);
        Metrics.counter(OperationalMetrics.DEAD_LETTERS, "topic", topicFor(sourceTopic), "reason", reason).increment();
        add(headers, REASON, reason);
        add(headers, MESSAGE, String.valueOf(error.getMessage()));
        add(headers, EXCEPTION, error.getClass().getName());
        add(headers, SOURCE_TOPIC, sourceTopic);
        add(headers, SOURCE_PARTITION, String.valueOf(partition));
        add(headers, SOURCE_OFFSET, String.valueOf(offset));
        add(headers, PROCESSOR, String.valueOf(processor));
        return new ProducerRecord<>(topicFor(sourceTopic), null, rawKey, rawValue, headers);
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
