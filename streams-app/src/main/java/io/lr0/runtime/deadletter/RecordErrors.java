package io.lr0.runtime.deadletter;

import java.util.Set;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.WrappedFixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.WrappedProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Wraps every processor of the topology ({@code processor.wrapper.class}) so that a stack overflow while
 * processing a record is that record's failure, an exception the processing-exception handler dead-letters.
 * Kafka Streams hands only exceptions to that handler: an Error would kill the stream thread, and the thread that
 * replaces it would die on the same record, for ever. A stack overflow is unwound by the time it is caught, so the
 * thread is sound; other Errors (out of memory) are not the record's to answer for and still fail the thread.
 */
public final class RecordErrors implements ProcessorWrapper {

    /** A record whose processing overflowed the stack at {@code processor}. */
    public static final class StackOverflowOnRecord extends RuntimeException {
        StackOverflowOnRecord(String processor) {
            super("processing the record overflowed the stack at " + processor + ": it nests or recurses too deep");
        }
    }

    @Override
    public <KIn, VIn, KOut, VOut> WrappedProcessorSupplier<KIn, VIn, KOut, VOut> wrapProcessorSupplier(
            String processorName, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
        return new WrappedProcessorSupplier<>() {
            @Override
            public Set<StoreBuilder<?>> stores() {
                return supplier.stores();
            }

            @Override
            public Processor<KIn, VIn, KOut, VOut> get() {
                Processor<KIn, VIn, KOut, VOut> processor = supplier.get();
                return new Processor<>() {
                    @Override
                    public void init(ProcessorContext<KOut, VOut> context) {
                        processor.init(context);
                    }

                    @Override
                    public void process(Record<KIn, VIn> record) {
                        try {
                            processor.process(record);
                        } catch (StackOverflowError e) {
                            throw new StackOverflowOnRecord(processorName);
                        }
                    }

                    @Override
                    public void close() {
                        processor.close();
                    }
                };
            }
        };
    }

    @Override
    public <KIn, VIn, VOut> WrappedFixedKeyProcessorSupplier<KIn, VIn, VOut> wrapFixedKeyProcessorSupplier(
            String processorName, FixedKeyProcessorSupplier<KIn, VIn, VOut> supplier) {
        return new WrappedFixedKeyProcessorSupplier<>() {
            @Override
            public Set<StoreBuilder<?>> stores() {
                return supplier.stores();
            }

            @Override
            public FixedKeyProcessor<KIn, VIn, VOut> get() {
                FixedKeyProcessor<KIn, VIn, VOut> processor = supplier.get();
                return new FixedKeyProcessor<>() {
                    @Override
                    public void init(FixedKeyProcessorContext<KIn, VOut> context) {
                        processor.init(context);
                    }

                    @Override
                    public void process(FixedKeyRecord<KIn, VIn> record) {
                        try {
                            processor.process(record);
                        } catch (StackOverflowError e) {
                            throw new StackOverflowOnRecord(processorName);
                        }
                    }

                    @Override
                    public void close() {
                        processor.close();
                    }
                };
            }
        };
    }
}
