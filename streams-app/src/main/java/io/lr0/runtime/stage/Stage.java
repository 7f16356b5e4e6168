package io.lr0.runtime.stage;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;

/**
 * One step of the pipeline, every one of the same shape: built from its own settings (and the model it runs, if
 * any), it adds its processors on {@code input} and writes its output topic. The wiring decides where {@code input}
 * comes from: a topic, or the stage before it in the same task.
 *
 * @param <I> the value type it consumes
 * @param <O> the value type it produces
 */
public interface Stage<I, O> {
    /** Adds the stage to {@code builder}; returns what it wrote, for a stage chained after it. */
    KStream<String, O> addTo(StreamsBuilder builder, KStream<String, I> input, StageSerdes serdes);
}
