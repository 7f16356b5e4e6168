package io.lr0.bench;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** How far consumer groups (Kafka Streams applications) are behind the committed end of what they read. */
final class GroupLag {
    private GroupLag() {}

    /**
     * Offsets between each group's committed position and the end of the partition as a read_committed consumer
     * sees it, summed over the groups and their partitions: 0 when every application has processed and committed
     * everything readable.
     */
    static long offsetsBehind(Admin admin, Collection<String> groupIds)
            throws ExecutionException, InterruptedException {
        long behind = 0;
        for (String groupId : groupIds) {
            // A partition the group has not committed yet has a null offset: nothing to compare.
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().entrySet().stream()
                            .filter(position -> position.getValue() != null)
                            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(
                            committed.keySet().stream()
                                    .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest())),
                            new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> position : committed.entrySet()) {
                behind += Math.max(
                        0,
                        ends.get(position.getKey()).offset()
                                - position.getValue().offset());
            }
        }
        return behind;
    }
}
