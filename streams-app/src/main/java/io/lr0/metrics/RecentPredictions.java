package io.lr0.metrics;

import io.lr0.contract.StoreNames;
import io.lr0.schema.Prediction;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the last {@link #SLOTS_PER_SOURCE} predictions of each source (a camera, a dataset run) in each task, in a
 * small in-memory store (not changelogged: it is a live view, rebuilt as predictions flow), for the dashboard's strip
 * of recent predictions and its camera view. A busy dataset run therefore never pushes a camera's frames out. At most
 * {@link #MAX_SOURCES} sources are kept per task; a new one evicts the one seen least recently.
 */
final class RecentPredictions implements Processor<String, Prediction, Void, Void> {
    static final int SLOTS_PER_SOURCE = 100;
    static final int MAX_SOURCES = 8;

    /** Per source, the next slot of its ring; in the order the sources were last seen. */
    private final Map<String, Long> nextSlot = new LinkedHashMap<>(16, 0.75f, true);

    private KeyValueStore<String, Prediction> recent;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        recent = context.getStateStore(StoreNames.RECENT_PREDICTIONS);
    }

    @Override
    public void process(Record<String, Prediction> record) {
        if (record.value() == null) {
            return;
        }
        String source = Agreement.sourceOf(record.value());
        if (!nextSlot.containsKey(source) && nextSlot.size() == MAX_SOURCES) {
            String eldest = nextSlot.keySet().iterator().next();
            nextSlot.remove(eldest);
            for (int slot = 0; slot < SLOTS_PER_SOURCE; slot++) {
                recent.delete(slotKey(eldest, slot));
            }
        }
        long next = nextSlot.getOrDefault(source, 0L);
        nextSlot.put(source, next + 1);
        // A ring per source: the slot number wraps, so a source never holds more than SLOTS_PER_SOURCE predictions.
        recent.put(slotKey(source, (int) (next % SLOTS_PER_SOURCE)), record.value());
    }

    private static String slotKey(String source, int slot) {
        return source + '#' + String.format("%03d", slot);
    }
}
