package io.lr0.contract;

import java.util.Optional;

/**
 * How lr0's topics are laid out when it creates them: partitions (the most instances that share work), replicas of
 * each partition, and the replicas a write must reach ({@code min.insync.replicas}). A replication factor of -1 and a
 * minimum of 0 leave the broker's defaults ({@code default.replication.factor}, {@code min.insync.replicas}).
 *
 * @param partitions partitions of each topic (the label spaces' topic has one)
 * @param replicationFactor replicas of each partition; -1: the broker's default
 * @param minInsyncReplicas replicas an acknowledged write is on; 0: the broker's default
 */
public record TopicLayout(int partitions, int replicationFactor, int minInsyncReplicas) {
    public TopicLayout {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        if (replicationFactor == 0 || replicationFactor < -1 || replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "replication factor must be -1 (the broker's default) or at least 1, was " + replicationFactor);
        }
        if (minInsyncReplicas < 0 || (replicationFactor > 0 && minInsyncReplicas > replicationFactor)) {
            throw new IllegalArgumentException("min.insync.replicas must be 0 (the broker's default) or 1 to the "
                    + "replication factor (" + replicationFactor + "), was " + minInsyncReplicas);
        }
    }

    /** {@code partitions} partitions, replicated as the broker's defaults say. */
    public static TopicLayout brokerDefaults(int partitions) {
        return new TopicLayout(partitions, -1, 0);
    }

    /** The replication factor to create topics with; empty: the broker's default. */
    public Optional<Short> replicas() {
        return replicationFactor > 0 ? Optional.of((short) replicationFactor) : Optional.empty();
    }
}
