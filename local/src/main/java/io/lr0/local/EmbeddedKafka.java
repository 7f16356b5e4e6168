package io.lr0.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft mode (combined broker + controller), from the Maven Central jars: a single node, or
 * one node of a local cluster ({@link ClusterNode}) whose internal and default topics are replicated across its
 * nodes. The storage directory is formatted on first start and reused after, so a restart keeps topics, offsets and
 * transactions. Binds 127.0.0.1 only.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";
    /** How long a single node may take to answer. */
    private static final Duration NODE_READY = Duration.ofSeconds(60);
    /** How long a cluster's node waits for the others: its processes are started one by one, by hand or script. */
    private static final Duration CLUSTER_READY = Duration.ofMinutes(10);

    private final KafkaRaftServer server;
    private final int brokerPort;
    private final int controllerPort;
    private final int saslPort;
    /** Every node's client address (this node's alone for a single node). */
    private final String bootstrapServers;

    private EmbeddedKafka(
            KafkaRaftServer server, int brokerPort, int controllerPort, int saslPort, String bootstrapServers) {
        this.server = server;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.saslPort = saslPort;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the broker on {@code brokerPort} (clients) and {@code controllerPort} (KRaft quorum); 0 picks a free
     * port. Returns once the broker answers an admin request.
     *
     * @throws IllegalStateException naming the port when it is taken
     */
    public static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort) {
        return start(dataDir, brokerPort, controllerPort, 0, Map.of());
    }

    /**
     * The same broker with a second, authenticated listener {@code SASL_PLAINTEXT://127.0.0.1:saslPort} (0: any free
     * port) accepting {@code users} (name to password) with SASL/PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512: for trying
     * client security settings locally. The PLAINTEXT listener stays for the broker's own use.
     */
    public static EmbeddedKafka start(
            Path dataDir, int brokerPort, int controllerPort, int saslPort, Map<String, String> users) {
        // Picked together: ports picked one after another can be the same one twice (the OS reuses a closed one).
        int[] any = freePorts(3);
        int broker = brokerPort == 0 ? any[0] : requireFree(brokerPort, "Kafka broker");
        int sasl = users.isEmpty() ? 0 : saslPort == 0 ? any[1] : requireFree(saslPort, "Kafka SASL listener");
        int controller = controllerPort == 0 ? any[2] : requireFree(controllerPort, "Kafka controller");
        Properties props = nodeProperties(ClusterNode.SINGLE, dataDir, broker, controller, controller);
        if (!users.isEmpty()) {
            addSaslListener(props, sasl, users);
        }
        EmbeddedKafka kafka = start(
                props, ClusterNode.SINGLE, Uuid.randomUuid().toString(), broker, controller, sasl, HOST + ":" + broker);
        if (!users.isEmpty()) {
            kafka.createScramCredentials(users);
        }
        return kafka;
    }

    /**
     * Starts node {@code node.id()} of a local cluster of {@code node.count()} nodes, each a combined broker and
     * controller in a process of its own: it listens on {@code kafkaBase + id - 1} (clients) and {@code
     * controllerBase + id - 1} (the quorum), every node started with the same base ports. Internal topics and topics
     * created with the broker's defaults get {@link ClusterNode#replicas()} replicas and {@link
     * ClusterNode#minInsyncReplicas()}. Returns once every node has joined (the others may still be starting).
     *
     * @throws IllegalArgumentException when the base ports' ranges overlap
     * @throws IllegalStateException naming the port when it is taken
     */
    public static EmbeddedKafka startNode(Path dataDir, ClusterNode node, int kafkaBase, int controllerBase) {
        node.checkPorts(kafkaBase, controllerBase);
        int broker = requireFree(node.port(kafkaBase), "Kafka broker of node " + node.id());
        int controller = requireFree(node.port(controllerBase), "Kafka controller of node " + node.id());
        Properties props = nodeProperties(node, dataDir, broker, controller, controllerBase);
        return start(
                props,
                node,
                node.clusterId(kafkaBase, controllerBase),
                broker,
                controller,
                0,
                node.bootstrapServers(HOST, kafkaBase));
    }

    /**
     * A node's settings: listeners, the quorum (every node's controller from {@code controllerBase}), storage, and the
     * replication of internal topics that the cluster's size allows.
     */
    private static Properties nodeProperties(
            ClusterNode node, Path dataDir, int broker, int controller, int controllerBase) {
        String replicas = String.valueOf(node.replicas());
        String minInsync = String.valueOf(node.minInsyncReplicas());
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(node.id())),
                Map.entry("controller.quorum.voters", node.voters(HOST, controllerBase)),
                Map.entry(
                        "listeners", "PLAINTEXT://" + HOST + ":" + broker + ",CONTROLLER://" + HOST + ":" + controller),
                Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + broker),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", logDir(dataDir).toString()),
                // Internal topics, and topics created with the broker's defaults (lr0's unless topic.replication.factor
                // is set), replicated as the cluster's size allows: one replica on one node, three with two in sync.
                Map.entry("default.replication.factor", replicas),
                Map.entry("min.insync.replicas", minInsync),
                Map.entry("offsets.topic.replication.factor", replicas),
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", replicas),
                Map.entry("transaction.state.log.min.isr", minInsync),
                Map.entry("transaction.state.log.num.partitions", "4"),
                Map.entry("share.coordinator.state.topic.replication.factor", replicas),
                Map.entry("share.coordinator.state.topic.min.isr", minInsync),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // Topics are created on purpose (TopicSetup), so a typo in a topic name fails loudly.
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE)),
                // A controlled shutdown waits for the quorum to approve it: the node stopped last of a cluster, or
                // nodes stopped together, would wait minutes for a quorum that is gone. A local node stops as if it
                // crashed instead; its partitions move once its heartbeats are missed (broker.session.timeout.ms).
                Map.entry("controlled.shutdown.enable", String.valueOf(node.count() == 1))));
        return props;
    }

    private static Path logDir(Path dataDir) {
        return dataDir.toAbsolutePath().resolve("log");
    }

    private static EmbeddedKafka start(
            Properties props,
            ClusterNode node,
            String clusterId,
            int broker,
            int controller,
            int sasl,
            String bootstrapServers) {
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        Path logDir = Path.of(props.getProperty("log.dirs"));
        try {
            formatIfNeeded(logDir, node.id(), clusterId);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, broker, controller, sasl, bootstrapServers);
        try {
            kafka.awaitReady(node.count(), node.count() == 1 ? NODE_READY : CLUSTER_READY);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        if (node.count() == 1) {
            log.info("Embedded Kafka broker ready at {} (data in {})", kafka.bootstrapServers(), logDir);
        } else {
            log.info(
                    "Embedded Kafka node {} of {} ready at {}:{}, all nodes joined (data in {})",
                    node.id(),
                    node.count(),
                    HOST,
                    broker,
                    logDir);
        }
        return kafka;
    }

    /** Where clients connect: this node, or every node of its cluster. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The client port (the one picked, when started on port 0): a restart on the same data keeps it. */
    public int brokerPort() {
        return brokerPort;
    }

    /** The KRaft controller port (the one picked, when started on port 0). */
    public int controllerPort() {
        return controllerPort;
    }

    /** {@code host:port} of the SASL_PLAINTEXT listener, when the broker was started with one. */
    public String saslBootstrapServers() {
        if (saslPort == 0) {
            throw new IllegalStateException("this broker was started without a SASL listener");
        }
        return HOST + ":" + saslPort;
    }

    /** Adds the SASL_PLAINTEXT listener beside the PLAINTEXT and CONTROLLER ones already in {@code props}. */
    private static void addSaslListener(Properties props, int sasl, Map<String, String> users) {
        String listener = "SASL_PLAINTEXT://" + HOST + ":" + sasl;
        props.put("listeners", props.get("listeners") + "," + listener);
        props.put("advertised.listeners", props.get("advertised.listeners") + "," + listener);
        props.put(
                "listener.security.protocol.map",
                props.get("listener.security.protocol.map") + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
        props.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
        StringBuilder plainUsers = new StringBuilder();
        users.forEach((user, password) -> plainUsers
                .append(" user_")
                .append(user)
                .append("=\"")
                .append(password)
                .append('"'));
        props.put(
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required" + plainUsers + ";");
        for (String scram : List.of("scram-sha-256", "scram-sha-512")) {
            props.put(
                    "listener.name.sasl_plaintext." + scram + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
    }

    /** SCRAM users live in the cluster metadata: created through the admin API once the broker is up. */
    private void createScramCredentials(Map<String, String> users) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            // One request per mechanism: a request may alter each user only once.
            for (var mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
                List<UserScramCredentialAlteration> alterations = users.entrySet().stream()
                        .<UserScramCredentialAlteration>map(user -> new UserScramCredentialUpsertion(
                                user.getKey(), new ScramCredentialInfo(mechanism, 4096), user.getValue()))
                        .toList();
                admin.alterUserScramCredentials(alterations).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the SCRAM users of the SASL listener: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static void formatIfNeeded(Path logDir, int nodeId, String clusterId) throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Files.createDirectories(logDir);
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(clusterId)
                .setNodeId(nodeId)
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    /** Until the cluster lists {@code nodes} brokers: a node waiting for the quorum logs so every 30 s. */
    private void awaitReady(int nodes, Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextReport = start + Duration.ofSeconds(30).toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                Exception failure = null;
                int joined = 0;
                try {
                    joined = admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .size();
                    if (joined >= nodes) {
                        return;
                    }
                } catch (Exception e) {
                    failure = e;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Kafka broker at " + bootstrapServers() + " did not become ready within "
                                    + timeout.toSeconds() + " s (" + joined + " of " + nodes + " nodes joined)",
                            failure);
                }
                if (nodes > 1 && System.nanoTime() > nextReport) {
                    log.info("Waiting for the cluster's other nodes: {} of {} joined", joined, nodes);
                    nextReport += Duration.ofSeconds(30).toNanos();
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
    }

    /** A port that was free a moment ago (for tests and the "0 = any port" setting). */
    public static int freePort() {
        return freePorts(1)[0];
    }

    /** {@code count} distinct ports that were free a moment ago: all held open until all are picked. */
    static int[] freePorts(int count) {
        ServerSocket[] held = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                held[i] = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                ports[i] = held[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new IllegalStateException("No free TCP port on " + HOST, e);
        } finally {
            for (ServerSocket socket : held) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // Closing a listening socket that accepted nothing: nothing to act on.
                    }
                }
            }
        }
    }

    /**
     * Base ports for a local cluster of {@code nodes} ({@link #startNode}): {client base, controller base}, each the
     * first of {@code nodes} consecutive ports that were free a moment ago, the two ranges apart.
     */
    public static int[] freeClusterPorts(int nodes) {
        Random random = new Random();
        int[] bases = new int[2];
        int found = 0;
        for (int attempt = 0; attempt < 400 && found < 2; attempt++) {
            int base = 20_000 + random.nextInt(30_000);
            if ((found == 0 || Math.abs(base - bases[0]) >= nodes) && allFree(base, nodes)) {
                bases[found++] = base;
            }
        }
        if (found < 2) {
            throw new IllegalStateException("No " + nodes + " consecutive free TCP ports on " + HOST);
        }
        return bases;
    }

    /** Whether ports [first, first + count) could all be bound a moment ago. */
    private static boolean allFree(int first, int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int port = first; port < first + count; port++) {
                ServerSocket socket = new ServerSocket();
                held.add(socket);
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            }
            return true;
        } catch (IOException taken) {
            return false;
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing a listening socket that accepted nothing: nothing to act on.
                }
            }
        }
    }

    /** Fails early with the port's name, rather than with a bind error deep inside the broker's start. */
    static int requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Port " + port + " on " + HOST + " for the " + what
                            + " is already in use: stop the process holding it or choose another port",
                    e);
        }
    }
}
