package io.lr0.local;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.kafka.common.Uuid;

/**
 * Node {@code id} (1..{@code count}) of a local KRaft cluster whose nodes each run in a process of their own, so
 * each can be killed on its own. Every node is started with the same base ports; node n listens on base + n - 1.
 *
 * @param id this node's id, 1..count
 * @param count the number of nodes, each a combined broker and controller (a voter of the quorum)
 */
public record ClusterNode(int id, int count) {
    /** The single node of {@code lr0 broker} without {@code --nodes}. */
    public static final ClusterNode SINGLE = new ClusterNode(1, 1);

    public ClusterNode {
        if (count < 1 || id < 1 || id > count) {
            throw new IllegalArgumentException(
                    "--node-id must be between 1 and --nodes (" + count + "), and --nodes at least 1; was " + id);
        }
    }

    /** This node's port among {@code count} ports from {@code base}. */
    public int port(int base) {
        return base + id - 1;
    }

    /** Replicas of every topic the cluster creates with its defaults: three, or every node of a smaller cluster. */
    public int replicas() {
        return Math.min(3, count);
    }

    /** In-sync replicas a write to a replicated topic needs: two of three, so one node may fail and none is lost. */
    public int minInsyncReplicas() {
        return replicas() >= 3 ? 2 : 1;
    }

    /**
     * The cluster's id, the same on every node without a word between them: derived from the base ports and the
     * node count, which every node of one cluster is started with (another cluster on other ports gets another).
     */
    String clusterId(int kafkaBase, int controllerBase) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("lr0-local-cluster/" + kafkaBase + "/" + controllerBase + "/" + count)
                            .getBytes(StandardCharsets.UTF_8));
            ByteBuffer bits = ByteBuffer.wrap(digest);
            return new Uuid(bits.getLong(), bits.getLong()).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The quorum's voters: {@code id@host:port} of every node's controller listener. */
    String voters(String host, int controllerBase) {
        StringBuilder voters = new StringBuilder();
        for (int node = 1; node <= count; node++) {
            voters.append(voters.isEmpty() ? "" : ",")
                    .append(node)
                    .append('@')
                    .append(host)
                    .append(':')
                    .append(controllerBase + node - 1);
        }
        return voters.toString();
    }

    /** Every node's client address: a bootstrap list that still works while some node is down. */
    public String bootstrapServers(String host, int kafkaBase) {
        StringBuilder servers = new StringBuilder();
        for (int node = 1; node <= count; node++) {
            servers.append(servers.isEmpty() ? "" : ",")
                    .append(host)
                    .append(':')
                    .append(kafkaBase + node - 1);
        }
        return servers.toString();
    }

    /**
     * Refuses base ports whose ranges overlap (9092 and 9093 for three nodes: node 2's client port would be node
     * 1's controller port), naming both ranges.
     */
    void checkPorts(int kafkaBase, int controllerBase) {
        if (count == 1) {
            return;
        }
        if ((kafkaBase == 0 || controllerBase == 0)) {
            throw new IllegalArgumentException(
                    "a cluster of " + count + " nodes needs fixed base ports (every node derives the others' from "
                            + "them): --kafka-port and --controller-port cannot be 0");
        }
        if (Math.abs(kafkaBase - controllerBase) < count) {
            throw new IllegalArgumentException(String.format(
                    "--kafka-port %d and --controller-port %d overlap for %d nodes (clients on %d-%d, controllers on "
                            + "%d-%d): choose base ports at least %d apart, e.g. --controller-port %d",
                    kafkaBase,
                    controllerBase,
                    count,
                    kafkaBase,
                    kafkaBase + count - 1,
                    controllerBase,
                    controllerBase + count - 1,
                    count,
                    kafkaBase + 100));
        }
    }
}
