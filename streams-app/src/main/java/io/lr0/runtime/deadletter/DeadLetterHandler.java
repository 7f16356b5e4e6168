package io.lr0.runtime.deadletter;

import io.lr0.registry.AvroDecodingException;
import io.lr0.registry.SchemaRegistryException;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.records.LogText;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be decoded or processed to {@code <source topic>-dlq} and keeps the stream running.
 * The dead letters are written by Kafka Streams' own producer, inside the same transaction under exactly-once,
 * so a record is either processed or dead-lettered, never lost. A failure that is not the record's fault (the schema
 * registry unreachable or failing, while a record is decoded or a result encoded) fails the thread instead, to be
 * retried once the registry is back, rather than dead-lettering good data.
 * An output record the producer refuses as too large while its input is at hand is the input's fault too: the input
 * is dead-lettered ({@code RECORD_TOO_LARGE}) rather than retried forever; any other production error fails the
 * thread, to retry. Under exactly-once the producer aborts the transaction on such a record whatever the handler
 * says, so lr0 prevents it: bounded text, and topics and producers sized at start. A record that a punctuation
 * forwarded has no source record to dead-letter: the handler fails it, back to the punctuator.
 */
public class DeadLetterHandler
        implements ProcessingExceptionHandler, DeserializationExceptionHandler, ProductionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);

    private OperationalMetrics meters;

    @Override
    public void configure(Map<String, ?> configs) {
        // The dead-letter topic follows from the source topic; the count goes to this instance's metrics.
        meters = OperationalMetrics.of(configs);
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (context.topic() == null) {
            // Forwarded by a punctuation: there is no source record to dead-letter. Failing hands the error back
            // to the punctuator that forwarded the record (a LabelSpaceGate dead-letters what it releases), or else
            // fails the thread, to retry.
            log.warn(
                    "A record forwarded by a punctuation failed at {}: {} ({})",
                    context.processorNodeId(),
                    DeadLetters.reasonOf(exception),
                    LogText.of(exception.getMessage()));
            return ProcessingExceptionHandler.Response.fail();
        }
        SchemaRegistryException outage = SchemaRegistryException.outageIn(exception);
        if (outage != null) {
            // Under exactly-once the failed thread's transaction aborts and its replacement processes the record
            // again: nothing is lost, and a registry that is down (its node restarting) does not cost good records.
            log.error(
                    "Record {}-{}@{} at {} needs the schema registry, which cannot answer; failing to retry: {}",
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    context.processorNodeId(),
                    LogText.of(outage.getMessage()));
            return ProcessingExceptionHandler.Response.fail();
        }
        log.warn(
                "Dead-lettering record {}-{}@{} at {}: {} ({})",
                context.topic(),
                context.partition(),
                context.offset(),
                context.processorNodeId(),
                DeadLetters.reasonOf(exception),
                LogText.of(exception.getMessage()));
        return ProcessingExceptionHandler.Response.resume(deadLetterOfInput(context, exception));
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (!(exception instanceof AvroDecodingException)) {
            log.error(
                    "Cannot deserialize {}-{}@{} for a reason outside the record; failing to retry: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    LogText.of(exception.getMessage()));
            return DeserializationExceptionHandler.Response.fail();
        }
        log.warn(
                "Dead-lettering undecodable record {}-{}@{}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                LogText.of(exception.getMessage()));
        return DeserializationExceptionHandler.Response.resume(List.of(counted(
                DeadLetters.record(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        context.processorNodeId(),
                        record.key(),
                        record.value(),
                        exception),
                exception)));
    }

    @Override
    public ProductionExceptionHandler.Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> output, Exception exception) {
        if (!(exception instanceof RecordTooLargeException) || context.topic() == null) {
            // Not the record's fault, or refused by the broker after the stream thread moved on (no input to
            // dead-letter any more): fail, to retry. lr0 sizes its topics and producers at start so that the
            // broker does not refuse its records (Lr0App).
            return ProductionExceptionHandler.Response.fail();
        }
        log.warn(
                "Dead-lettering record {}-{}@{}: its output to {} cannot be written ({})",
                context.topic(),
                context.partition(),
                context.offset(),
                output.topic(),
                LogText.of(exception.getMessage()));
        return ProductionExceptionHandler.Response.resume(deadLetterOfInput(context, exception));
    }

    /**
     * The dead letter of the input record being processed: its raw bytes, when Kafka Streams still holds them, and
     * its coordinates in the headers either way.
     */
    private List<ProducerRecord<byte[], byte[]>> deadLetterOfInput(ErrorHandlerContext context, Exception exception) {
        return List.of(counted(
                DeadLetters.record(
                        context.topic(),
                        context.partition(),
                        context.offset(),
                        context.processorNodeId(),
                        context.sourceRawKey(),
                        context.sourceRawValue(),
                        exception),
                exception));
    }

    /** Counts {@code deadLetter}, written because of {@code error}, by its topic and reason. */
    private ProducerRecord<byte[], byte[]> counted(ProducerRecord<byte[], byte[]> deadLetter, Exception error) {
        DeadLetters.count(meters, deadLetter.topic(), error);
        return deadLetter;
    }
}
