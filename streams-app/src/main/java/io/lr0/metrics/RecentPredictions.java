package io.lr0.metrics;

import io.lr0.contract.StoreNames;
import io.lr0.schema.Prediction;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the last {@link #SLOTS} predictions of each task in a small in-memory store (not changelogged: it is a
 * live view, rebuilt as predictions flow), for the dashboard's strip of recent predictions.
 */
final class RecentPredictions implements Processor<String, Prediction, Void, Void> {
    static final int SLOTS = 200;

    private KeyValueStore<String, Prediction> recent;
    private long next;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        recent = context.getStateStore(StoreNames.RECENT_PREDICTIONS);
    }

    @Override
    public void process(Record<String, Prediction> record) {
        if (record.value() != null) {
            // A ring: the slot number wraps, so the store never holds more than SLOTS predictions per task.
            recent.put(String.format("%04d", next++ % SLOTS), record.value());
        }
    }
}
