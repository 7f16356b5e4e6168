package io.lr0.runtime.stage;

import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The stream's clock: the wall-clock time Kafka Streams gives a processor ({@code currentSystemTimeMs}), which
 * TopologyTestDriver moves in tests, where {@code Instant.now()} would not follow it. Steps that stamp what they emit
 * ({@code updated}) read it through these.
 */
public final class StreamClock {
    private StreamClock() {}

    /** The processor's current wall-clock time. */
    public static Instant now(ProcessingContext context) {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    /** {@code mapValues} with the stream's time: each value to what {@code mapper} makes of it then. */
    public static <K, V, R> FixedKeyProcessorSupplier<K, V, R> mapValues(
            BiFunction<? super V, Instant, ? extends R> mapper) {
        return () -> new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<K, R> context;

            @Override
            public void init(FixedKeyProcessorContext<K, R> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<K, V> record) {
                context.forward(record.withValue(mapper.apply(record.value(), now(context))));
            }
        };
    }

    /** {@code flatMap} with the stream's time: each record to the keyed records {@code mapper} makes of it then. */
    public static <K, V, K2, V2> ProcessorSupplier<K, V, K2, V2> flatMap(
            BiFunction<Record<K, V>, Instant, List<KeyValue<K2, V2>>> mapper) {
        return () -> new Processor<>() {
            private ProcessorContext<K2, V2> context;

            @Override
            public void init(ProcessorContext<K2, V2> context) {
                this.context = context;
            }

            @Override
            public void process(Record<K, V> record) {
                for (KeyValue<K2, V2> out : mapper.apply(record, now(context))) {
                    context.forward(record.withKey(out.key).withValue(out.value));
                }
            }
        };
    }
}
