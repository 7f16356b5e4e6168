package io.lr0.runtime.deadletter;

import io.lr0.contract.DeadLetterHeaders;
import io.lr0.image.BadImageException;
import io.lr0.registry.AvroDecodingException;
import io.lr0.runtime.meters.OperationalMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;

/**
 * Dead letters as every stage writes them: the source record's raw key and value (so it can be fixed and replayed)
 * with the {@link DeadLetterHeaders}.
 */
public final class DeadLetters {
    private DeadLetters() {}

    /** The reason code for an exception: the stage's own reason when it has one, else the exception's kind. */
    public static String reasonOf(Throwable error) {
        if (error instanceof BadImageException bad) {
            return bad.reason().name();
        }
        if (error instanceof AvroDecodingException decoding) {
            return decoding.reason().name();
        }
        if (error instanceof RecordTooLargeException) {
            return "RECORD_TOO_LARGE";
        }
        return "PROCESSING_ERROR";
    }

    public static ProducerRecord<byte[], byte[]> record(
            String sourceTopic,
            int partition,
            long offset,
            String processor,
            byte[] rawKey,
            byte[] rawValue,
            Throwable error) {
        ProducerRecord<byte[], byte[]> letter =
                new ProducerRecord<>(DeadLetterHeaders.topicFor(sourceTopic), rawKey, rawValue);
        addHeaders(letter.headers(), sourceTopic, partition, offset, processor, error);
        return letter;
    }

    /** Counts a dead letter written to {@code deadLetterTopic} because of {@code error}, by topic and reason. */
    public static void count(OperationalMetrics meters, String deadLetterTopic, Throwable error) {
        meters.counter(OperationalMetrics.DEAD_LETTERS, "topic", deadLetterTopic, "reason", reasonOf(error))
                .increment();
    }

    /** Adds a dead letter's headers to {@code headers}: why ({@code error}), and where its record came from. */
    public static void addHeaders(
            Headers headers, String sourceTopic, int partition, long offset, String processor, Throwable error) {
        add(headers, DeadLetterHeaders.REASON, reasonOf(error));
        add(headers, DeadLetterHeaders.MESSAGE, String.valueOf(error.getMessage()));
        add(headers, DeadLetterHeaders.EXCEPTION, error.getClass().getName());
        add(headers, DeadLetterHeaders.SOURCE_TOPIC, sourceTopic);
        add(headers, DeadLetterHeaders.SOURCE_PARTITION, String.valueOf(partition));
        add(headers, DeadLetterHeaders.SOURCE_OFFSET, String.valueOf(offset));
        add(headers, DeadLetterHeaders.PROCESSOR, String.valueOf(processor));
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
