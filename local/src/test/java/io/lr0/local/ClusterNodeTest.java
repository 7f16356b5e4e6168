package io.lr0.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClusterNodeTest {
    @Test
    void everyNodeDerivesTheSameClusterFromTheBasePorts() {
        ClusterNode one = new ClusterNode(1, 3);
        ClusterNode three = new ClusterNode(3, 3);
        assertEquals(one.clusterId(9092, 9192), three.clusterId(9092, 9192));
        assertNotEquals(one.clusterId(9092, 9192), one.clusterId(19092, 19192), "another cluster, another id");
        assertEquals("1@h:9192,2@h:9193,3@h:9194", three.voters("h", 9192));
        assertEquals("h:9092,h:9093,h:9094", three.bootstrapServers("h", 9092));
        assertEquals(9094, three.port(9092));
    }

    @Test
    void replicationFollowsTheClusterSize() {
        assertEquals(3, new ClusterNode(1, 3).replicas());
        assertEquals(2, new ClusterNode(1, 3).minInsyncReplicas());
        assertEquals(3, new ClusterNode(1, 5).replicas());
        assertEquals(1, ClusterNode.SINGLE.replicas());
        assertEquals(1, ClusterNode.SINGLE.minInsyncReplicas());
        assertEquals(1, new ClusterNode(2, 2).minInsyncReplicas());
    }

    @Test
    void overlappingOrPickedPortsAreRefusedWithBothRanges() {
        ClusterNode node = new ClusterNode(1, 3);
        IllegalArgumentException overlap =
                assertThrows(IllegalArgumentException.class, () -> node.checkPorts(9092, 9093));
        assertTrue(
                overlap.getMessage().contains("clients on 9092-9094, controllers on 9093-9095"), overlap.getMessage());
        assertThrows(IllegalArgumentException.class, () -> node.checkPorts(0, 9192));
        node.checkPorts(9092, 9192);
        ClusterNode.SINGLE.checkPorts(0, 0);
    }

    @Test
    void aNodeIdOutsideTheClusterIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ClusterNode(4, 3));
        assertThrows(IllegalArgumentException.class, () -> new ClusterNode(0, 3));
    }
}
