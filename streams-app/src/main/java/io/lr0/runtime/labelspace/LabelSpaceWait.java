package io.lr0.runtime.labelspace;

import io.lr0.runtime.stage.StateStores;
import java.time.Duration;

/**
 * How long and how much a {@link LabelSpaceGate} holds records whose dataset has no label space yet.
 *
 * @param datasetsTopic where the label spaces are published (named in the warnings)
 * @param timeout how long a record waits before it is dead-lettered ({@code inference.label.space.wait.ms})
 * @param maxBytes the most the waiting records of one gate may hold in an instance; a record beyond it is
 *     dead-lettered at once ({@code inference.label.space.wait.max.bytes})
 * @param maxDatasetChars the longest dataset id that may wait ({@code record.max.text.chars}): the id keys the
 *     waiting records and names their gauges
 * @param stores where the waiting records are kept ({@code state.stores})
 */
public record LabelSpaceWait(
        String datasetsTopic, Duration timeout, long maxBytes, int maxDatasetChars, StateStores stores) {}
