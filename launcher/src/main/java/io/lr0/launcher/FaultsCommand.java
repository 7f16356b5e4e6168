package io.lr0.launcher;

import io.lr0.app.Lr0Config;
import io.lr0.contract.Keys;
import io.lr0.local.ClusterNode;
import io.lr0.local.EmbeddedKafka;
import io.lr0.producers.DatasetSource;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.LabeledImage;
import io.lr0.registry.AvroDeserializer;
import io.lr0.registry.RegistryConfig;
import io.lr0.runtime.records.TopicReader;
import io.lr0.schema.RobustnessMetric;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lr0 faults}: the faults of a replicated cluster under load, as Kafka's own system tests inject them. It
 * starts a three-node cluster ({@code lr0 broker --nodes 3}) and two {@code lr0 run} instances of one application,
 * each in a process of its own, keeps Fashion-MNIST images flowing, and injects one fault at a time: SIGKILL of the
 * leader of the busiest images partition, SIGKILL of the active controller, SIGSTOP of a broker, SIGKILL of an app
 * instance. After each it checks what a user relies on and prints a table: every image has exactly one prediction
 * per variant (read_committed), the cumulative metrics equal a recount of the predictions, no image sits
 * unprocessed, the surviving instance's query API answered (its longest gap), and how long the pipeline took to
 * recover. Exits 1 when a check fails.
 */
@Command(
        name = "faults",
        mixinStandardHelpOptions = true,
        description = "Inject faults into a local three-node cluster and two app instances under load (SIGKILL a "
                + "partition leader, the active controller and an app instance, SIGSTOP a broker), then check that "
                + "nothing was lost or doubled and print each fault's recovery time; exits 1 when a check fails.")
final class FaultsCommand implements Callable<Integer> {
    private static final String HOST = "127.0.0.1";
    private static final int NODES = 3;
    private static final int INSTANCES = 2;
    /** The image the variants are counted for: every Fashion-MNIST image is 28 x 28. */
    private static final int IMAGE_SHORT_SIDE = 28;
    /** An image is slow, so the pipeline not yet recovered, beyond this multiple of the calm phase's p99. */
    private static final double SLOW_FACTOR = 1.5;

    /** One fault, how it is injected and which process it hits. */
    enum Fault {
        LEADER("SIGKILL the leader of the busiest images partition, restart it"),
        CONTROLLER("SIGKILL the active controller, restart it"),
        FREEZE("SIGSTOP the leader of the busiest images partition, SIGCONT"),
        INSTANCE("SIGKILL app instance 2, restart it");

        final String description;

        Fault(String description) {
            this.description = description;
        }
    }

    /**
     * What one fault left behind.
     *
     * @param fault the fault
     * @param target the process it hit
     * @param images images sent from the start up to this check
     * @param missing images without a prediction for each variant
     * @param duplicates predictions beyond the first of their variant (read_committed)
     * @param metricsMismatch metric cells whose cumulative count differs from the recount of the predictions
     * @param unprocessed images the application group had not committed
     * @param recoverySeconds from the fault until the last image slowed by it had all its predictions
     * @param slowestSeconds the slowest image of the fault's phase, capture to its last prediction
     * @param queryGapSeconds the longest time the surviving instance's query API did not answer
     */
    record Outcome(
            Fault fault,
            String target,
            long images,
            long missing,
            long duplicates,
            long metricsMismatch,
            long unprocessed,
            double recoverySeconds,
            double slowestSeconds,
            double queryGapSeconds) {
        boolean passed() {
            return missing == 0 && duplicates == 0 && metricsMismatch == 0 && unprocessed == 0;
        }
    }

    @Option(
            names = "--data-dir",
            description = "Where the nodes, instances and their logs keep their data (default: a new temporary "
                    + "directory); the logs are named after each process.")
    Path dataDir;

    @Option(
            names = "--faults",
            split = ",",
            defaultValue = "LEADER,CONTROLLER,FREEZE,INSTANCE",
            description = "Faults to inject, in order (default: ${DEFAULT-VALUE}).")
    List<Fault> faults;

    @Option(
            names = "--images-per-fault",
            defaultValue = "300",
            description = "Images sent from each fault's start before its checks (default: ${DEFAULT-VALUE}).")
    int imagesPerFault;

    @Option(
            names = "--rate",
            defaultValue = "10",
            description = "Images per second while traffic flows (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--down-seconds",
            defaultValue = "10",
            description = "How long a killed process stays down before its restart (default: ${DEFAULT-VALUE}).")
    int downSeconds;

    @Option(
            names = "--freeze-seconds",
            defaultValue = "30",
            description = "How long the frozen broker stays stopped (default: ${DEFAULT-VALUE}).")
    int freezeSeconds;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "A setting of the app instances (repeatable; keys in docs/configuration.md), also used by "
                            + "this command's own clients: e.g. streams.num.standby.replicas=1, kafka.request.timeout.ms=10000.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** Each fault's outcome, in order, once {@link #call} returned. */
    final List<Outcome> outcomes = new ArrayList<>();

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (imagesPerFault < 1 || rate <= 0 || downSeconds < 0 || freezeSeconds < 0) {
            throw new IllegalArgumentException("--images-per-fault and --rate must be positive, --down-seconds and "
                    + "--freeze-seconds at least 0; were " + imagesPerFault + ", " + rate + ", " + downSeconds
                    + ", " + freezeSeconds);
        }
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("lr0-faults");
        int[] bases = EmbeddedKafka.freeClusterPorts(NODES);
        int kafkaBase = bases[0];
        int controllerBase = bases[1];
        int registryPort = EmbeddedKafka.freePort();
        String bootstrap = new ClusterNode(1, NODES).bootstrapServers(HOST, kafkaBase);
        String registry = "http://" + HOST + ":" + registryPort;
        out.printf(
                "lr0 faults: %d nodes on %s (controllers from %d), registry %s, %d app instances; data and logs in %s%n",
                NODES, bootstrap, controllerBase, registry, INSTANCES, dir);
        List<ChildProcess> nodes = new ArrayList<>();
        List<ChildProcess> instances = new ArrayList<>();
        try {
            for (int node = 1; node <= NODES; node++) {
                nodes.add(startNode(dir, node, kafkaBase, controllerBase, registryPort));
            }
            Map<String, Object> client = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            awaitCluster(client, registry, nodes);
            List<String> queryUrls = new ArrayList<>();
            for (int i = 1; i <= INSTANCES; i++) {
                int dashboardPort = EmbeddedKafka.freePort();
                queryUrls.add("http://" + HOST + ":" + dashboardPort + "/api/metrics");
                instances.add(ChildProcess.start(
                        "instance-" + i,
                        dir,
                        "1g",
                        runArguments(dir, i, bootstrap, registry, dashboardPort, overrides)));
            }
            for (int i = 0; i < INSTANCES; i++) {
                awaitAnswer(queryUrls.get(i), instances.get(i), Duration.ofMinutes(5));
            }
            Map<String, String> harness = new LinkedHashMap<>(overrides);
            harness.put(Lr0Config.BOOTSTRAP_SERVERS, bootstrap);
            harness.put(Lr0Config.SCHEMA_REGISTRY_URL, registry);
            Lr0Config settings = Lr0Config.of(harness);
            DatasetSource dataset = Datasets.defaultFashionMnist("test");
            int variantsPerImage = settings.degradeSettings()
                            .resolutionsBelow(dataset.labelSpace().id(), IMAGE_SHORT_SIDE)
                            .size()
                    + (settings.degradeSettings().emitNative() ? 1 : 0);
            try (Traffic traffic = new Traffic(settings, dataset, rate);
                    PredictionLedger ledger = new PredictionLedger(
                            settings.kafkaClientConfig(),
                            registry,
                            settings.topics().predictions(),
                            variantsPerImage);
                    QueryWatch query = new QueryWatch(queryUrls.get(0));
                    Admin admin = Admin.create(client)) {
                double slow = calmPhase(traffic, ledger);
                for (Fault fault : faults) {
                    Outcome outcome = inject(
                            fault,
                            admin,
                            settings,
                            new Cluster(client, registry, nodes, instances, queryUrls),
                            traffic,
                            ledger,
                            query,
                            slow);
                    outcomes.add(outcome);
                    out.printf("%s: %s; %s%n", fault, outcome.target(), outcome.passed() ? "checks passed" : "FAILED");
                }
            }
        } finally {
            for (ChildProcess child : instances) {
                child.close();
            }
            for (ChildProcess child : nodes) {
                child.close();
            }
        }
        printTable();
        return outcomes.stream().allMatch(Outcome::passed) ? 0 : 1;
    }

    /**
     * Traffic without faults, in two stretches of about 10 s: the first registers every schema, places every task and
     * warms the JIT; the second's latencies say what "slow" means while recovering (returned, in seconds).
     */
    private double calmPhase(Traffic traffic, PredictionLedger ledger) throws InterruptedException {
        long stretch = Math.max(50, (long) (rate * 10));
        for (int part = 0; part < 2; part++) {
            traffic.resume();
            traffic.awaitSent(traffic.sent() + stretch, Duration.ofMinutes(2));
            traffic.pause();
            awaitComplete(traffic, ledger, Duration.ofMinutes(4));
        }
        double[] calm = traffic.latenciesOfLast(stretch, ledger);
        double slow = Math.max(2, SLOW_FACTOR * percentile(calm, 0.99));
        out.printf(
                "calm phase: %d images; the last %d from capture to their last prediction: p50 %.2f s, p99 %.2f s, "
                        + "slowest %.2f s; an image slower than %.1f s counts as not recovered%n",
                traffic.sent(), stretch, percentile(calm, 0.5), percentile(calm, 0.99), calm[calm.length - 1], slow);
        return slow;
    }

    /** The processes under test and where to ask whether they are up. */
    private record Cluster(
            Map<String, Object> client,
            String registry,
            List<ChildProcess> nodes,
            List<ChildProcess> instances,
            List<String> queryUrls) {
        /** Until the process a fault hit is back: its node in the cluster (and the registry), or its queries. */
        void awaitBack(ChildProcess target) throws Exception {
            int instance = instances.indexOf(target);
            if (instance >= 0) {
                awaitAnswer(queryUrls.get(instance), target, Duration.ofMinutes(5));
            } else {
                awaitCluster(client, registry, nodes);
            }
        }
    }

    /**
     * One fault with traffic flowing, healed, then the checks once the process it hit is back and the traffic has
     * stopped and drained.
     */
    private Outcome inject(
            Fault fault,
            Admin admin,
            Lr0Config settings,
            Cluster cluster,
            Traffic traffic,
            PredictionLedger ledger,
            QueryWatch query,
            double slow)
            throws Exception {
        traffic.resume();
        Thread.sleep(3_000);
        long sentBefore = traffic.sent();
        long start = System.currentTimeMillis();
        ChildProcess target = switch (fault) {
            case LEADER, FREEZE ->
                cluster.nodes().get(leaderOfBusiest(admin, settings.topics().images()) - 1);
            case CONTROLLER ->
                cluster.nodes()
                        .get(admin.describeMetadataQuorum()
                                        .quorumInfo()
                                        .get(30, TimeUnit.SECONDS)
                                        .leaderId()
                                - 1);
            case INSTANCE -> cluster.instances().get(INSTANCES - 1);
        };
        if (fault == Fault.FREEZE) {
            target.freeze();
            Thread.sleep(freezeSeconds * 1000L);
            target.thaw();
        } else {
            target.kill();
            Thread.sleep(downSeconds * 1000L);
            target.restart();
        }
        traffic.awaitSent(sentBefore + imagesPerFault, Duration.ofMinutes(5));
        cluster.awaitBack(target);
        traffic.pause();
        long missing = awaitComplete(traffic, ledger, Duration.ofMinutes(4));
        long unprocessed = awaitCommitted(admin, settings);
        long mismatch = awaitMetricsRecount(settings, ledger);
        double queryGap = query.longestGapSeconds(start, System.currentTimeMillis());
        return new Outcome(
                fault,
                target.name(),
                traffic.sent(),
                missing,
                ledger.duplicates(),
                mismatch,
                unprocessed,
                traffic.recoverySeconds(start, ledger, slow),
                traffic.slowestSince(start - (long) (slow * 1000), ledger),
                queryGap);
    }

    private void printTable() {
        out.println();
        out.println("| fault | process | images so far | missing | duplicated | metric cells off | unprocessed "
                + "| recovery, s | slowest image, s | query API gap, s |");
        out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Outcome o : outcomes) {
            out.printf(
                    "| %s | %s | %d | %d | %d | %d | %d | %.1f | %.1f | %.1f |%n",
                    o.fault().description,
                    o.target(),
                    o.images(),
                    o.missing(),
                    o.duplicates(),
                    o.metricsMismatch(),
                    o.unprocessed(),
                    o.recoverySeconds(),
                    o.slowestSeconds(),
                    o.queryGapSeconds());
        }
    }

    /** {@code lr0 broker --nodes 3 --node-id N} in a process of its own. */
    private static ChildProcess startNode(Path dir, int node, int kafkaBase, int controllerBase, int registryPort)
            throws IOException {
        return ChildProcess.start(
                "node-" + node,
                dir,
                "768m",
                List.of(
                        "broker",
                        "--nodes",
                        String.valueOf(NODES),
                        "--node-id",
                        String.valueOf(node),
                        "--data-dir",
                        dir.resolve("brokers").toString(),
                        "--kafka-port",
                        String.valueOf(kafkaBase),
                        "--controller-port",
                        String.valueOf(controllerBase),
                        "--registry-port",
                        String.valueOf(registryPort),
                        "--config",
                        dir.resolve("none.properties").toString()));
    }

    /**
     * The app instance's command line: one application, two processes, each its own state and query port, with
     * {@code overrides} on top of the settings a fault run needs.
     */
    private static List<String> runArguments(
            Path dir, int instance, String bootstrap, String registry, int port, Map<String, String> overrides) {
        Map<String, String> set = new LinkedHashMap<>();
        set.put(Lr0Config.BOOTSTRAP_SERVERS, bootstrap);
        set.put(Lr0Config.SCHEMA_REGISTRY_URL, registry);
        set.put(
                "state.dir",
                dir.resolve("instance-" + instance).resolve("streams").toString());
        set.put(Lr0Config.DASHBOARD_PORT, String.valueOf(port));
        // A killed member says no goodbye: let the group notice within seconds, not the default 45.
        set.put("kafka.session.timeout.ms", "6000");
        set.put("kafka.heartbeat.interval.ms", "1500");
        set.putAll(overrides);
        List<String> arguments = new ArrayList<>(
                List.of("run", "--config", dir.resolve("none.properties").toString()));
        set.forEach((key, value) -> arguments.addAll(List.of("--set", key + "=" + value)));
        return arguments;
    }

    /** The {@code fraction} quantile of ascending {@code values} (nearest rank). */
    private static double percentile(double[] values, double fraction) {
        return values[Math.max(0, (int) Math.ceil(fraction * values.length) - 1)];
    }

    /** The node id that leads the images partition with the most records. */
    private static int leaderOfBusiest(Admin admin, String topic) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic);
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        description
                .partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        TopicPartition busiest = ends.entrySet().stream()
                .max(Map.Entry.comparingByValue((a, b) -> Long.compare(a.offset(), b.offset())))
                .orElseThrow()
                .getKey();
        return description.partitions().get(busiest.partition()).leader().id();
    }

    /** Until every image sent so far has all its predictions, at most {@code timeout}; returns those still without. */
    private long awaitComplete(Traffic traffic, PredictionLedger ledger, Duration timeout) throws InterruptedException {
        traffic.flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> missing = traffic.ids().stream()
                    .filter(id -> ledger.completedAt(id) == null)
                    .sorted()
                    .toList();
            if (missing.isEmpty()) {
                return 0;
            }
            if (System.nanoTime() > deadline) {
                // Which images, and how far each got, to look them up in the instances' logs and topics.
                missing.stream()
                        .limit(10)
                        .forEach(id -> out.printf(
                                "  incomplete after %d s: %s, predictions of %s%n",
                                timeout.toSeconds(), id, ledger.variantsOf(id)));
                return missing.size();
            }
            Thread.sleep(250);
        }
    }

    /** Until the application's group has committed every image (lag 0 on every partition), at most 60 s. */
    private static long awaitCommitted(Admin admin, Lr0Config settings) throws Exception {
        String topic = settings.topics().images();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                            settings.getString(Lr0Config.APPLICATION_ID))
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            committed.keySet().stream()
                    .filter(partition -> partition.topic().equals(topic))
                    .forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            long lag = 0;
            for (var end :
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                lag += Math.max(
                        0, end.getValue().offset() - committed.get(end.getKey()).offset());
            }
            if (lag == 0 || System.nanoTime() > deadline) {
                return lag;
            }
            Thread.sleep(500);
        }
    }

    /**
     * Until each cumulative metric counts what the predictions recount for its cell (labelled plus unlabelled),
     * at most 60 s; prints the cells that still differ with both counts, and returns how many.
     */
    private long awaitMetricsRecount(Lr0Config settings, PredictionLedger ledger) throws InterruptedException {
        AvroDeserializer<RobustnessMetric> reader = new AvroDeserializer<>();
        reader.configure(
                Map.of(
                        RegistryConfig.SCHEMA_REGISTRY_URL,
                        settings.getString(Lr0Config.SCHEMA_REGISTRY_URL),
                        RegistryConfig.SPECIFIC_AVRO_READER,
                        "true"),
                false);
        String topic = settings.topics().metrics();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Map<String, Long> counted = new TreeMap<>();
            TopicReader.readAll(settings.kafkaClientConfig(), topic, record -> {
                RobustnessMetric metric = reader.deserialize(topic, record.value());
                counted.put(Keys.metric(metric), metric.getTotal() + metric.getUnlabelled());
            });
            Map<String, Long> recount = ledger.perCell();
            List<String> off = recount.entrySet().stream()
                    .filter(cell -> !cell.getValue().equals(counted.get(cell.getKey())))
                    .map(Map.Entry::getKey)
                    .toList();
            if (off.isEmpty() || System.nanoTime() > deadline) {
                off.forEach(cell -> out.printf(
                        "  metric %s counts %s predictions, the predictions topic holds %d%n",
                        cell, counted.get(cell), recount.get(cell)));
                return off.size();
            }
            Thread.sleep(1_000);
        }
    }

    /** Until the cluster lists every node and node 1's registry answers, at most 5 minutes. */
    private static void awaitCluster(Map<String, Object> client, String registry, List<ChildProcess> nodes)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try (Admin admin = Admin.create(client)) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == NODES) {
                        break;
                    }
                } catch (Exception e) {
                    // Not up yet.
                }
                checkAlive(nodes, deadline);
                Thread.sleep(500);
            }
        }
        awaitAnswer(registry + "/subjects", nodes.get(0), Duration.ofMinutes(2));
    }

    /** Until {@code url} answers 200, failing with the process's log when it died or the time ran out. */
    private static void awaitAnswer(String url, ChildProcess child, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!QueryWatch.answers(url)) {
            checkAlive(List.of(child), deadline);
            Thread.sleep(500);
        }
    }

    private static void checkAlive(List<ChildProcess> children, long deadline) {
        for (ChildProcess child : children) {
            if (!child.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(child.name()
                        + (child.isAlive() ? " did not come up in time" : " exited") + "; its log: " + child.log());
            }
        }
    }

    /**
     * Images sent at a steady rate in a thread of its own while resumed, each under a new id, with the time it was
     * sent: Fashion-MNIST's test split, over and over.
     */
    private static final class Traffic implements AutoCloseable {
        private final ImagePublisher publisher;
        private final DatasetSource dataset;
        private final double rate;
        private final Thread thread;
        private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private volatile boolean flowing;
        private volatile boolean closed;

        Traffic(Lr0Config settings, DatasetSource dataset, double rate) {
            this.publisher = new ImagePublisher(
                    settings.kafkaClientConfig(),
                    settings.serdeConfig(),
                    settings.topics().images(),
                    settings.topics().datasets());
            this.dataset = dataset;
            this.rate = rate;
            publisher.publishDataset(dataset.labelSpace());
            thread = new Thread(this::send, "faults-traffic");
            thread.setDaemon(true);
            thread.start();
        }

        private void send() {
            long sequence = 0;
            long intervalNanos = (long) (1e9 / rate);
            long next = System.nanoTime();
            Iterator<LabeledImage> images = dataset.images();
            try {
                while (!closed) {
                    if (!flowing) {
                        Thread.sleep(20);
                        next = System.nanoTime();
                        continue;
                    }
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    next += intervalNanos;
                    if (!images.hasNext()) {
                        images = dataset.images();
                    }
                    LabeledImage image = images.next();
                    String id = "faults-" + sequence++;
                    long now = System.currentTimeMillis();
                    publisher.send(
                            new LabeledImage(id, image.image(), image.label(), image.group(), image.attributes()),
                            "faults",
                            dataset.labelSpace().id(),
                            Instant.ofEpochMilli(now),
                            (metadata, error) -> {
                                if (error != null) {
                                    failure.compareAndSet(null, error);
                                } else {
                                    sentAt.put(id, now);
                                }
                            });
                    sent.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }

        void resume() {
            flowing = true;
        }

        void pause() {
            flowing = false;
        }

        /** Images handed to the producer. */
        long sent() {
            check();
            return sent.get();
        }

        /** Waits until the producer has written everything handed to it. */
        void flush() {
            publisher.flush();
            check();
        }

        /** The ids of the images written. */
        List<String> ids() {
            return List.copyOf(sentAt.keySet());
        }

        void awaitSent(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (sent() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + sent() + " of " + count + " images sent in " + timeout);
                }
                Thread.sleep(100);
            }
        }

        /** From sending to the last prediction of each of the last {@code count} images sent (s), ascending. */
        double[] latenciesOfLast(long count, PredictionLedger ledger) {
            return sentAt.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(count)
                    .mapToDouble(image -> latencyMs(image.getKey(), image.getValue(), ledger) / 1000.0)
                    .sorted()
                    .toArray();
        }

        /** The longest time from sending to the last prediction among images sent since {@code since} (s). */
        double slowestSince(long since, PredictionLedger ledger) {
            return sentAt.entrySet().stream()
                            .filter(image -> image.getValue() >= since)
                            .mapToLong(image -> latencyMs(image.getKey(), image.getValue(), ledger))
                            .max()
                            .orElse(0)
                    / 1000.0;
        }

        /**
         * From {@code start} until the last image slower than {@code slowSeconds} had all its predictions, among
         * the images in flight at the fault or sent after it (s); 0 when none was slow.
         */
        double recoverySeconds(long start, PredictionLedger ledger, double slowSeconds) {
            long inFlightFrom = start - (long) (slowSeconds * 1000);
            return sentAt.entrySet().stream()
                            .filter(image -> image.getValue() >= inFlightFrom)
                            .mapToLong(image -> {
                                long latency = latencyMs(image.getKey(), image.getValue(), ledger);
                                // When a slow image had all its predictions, relative to the fault.
                                return latency > slowSeconds * 1000 ? image.getValue() + latency - start : 0;
                            })
                            .max()
                            .orElse(0)
                    / 1000.0;
        }

        private static long latencyMs(String id, long sentAtMs, PredictionLedger ledger) {
            Long completed = ledger.completedAt(id);
            // Not complete: as slow as the time waited so far.
            return (completed != null ? completed : System.currentTimeMillis()) - sentAtMs;
        }

        private void check() {
            Exception error = failure.get();
            if (error != null) {
                throw new IllegalStateException("sending images failed: " + error.getMessage(), error);
            }
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            thread.join(10_000);
            publisher.close();
        }
    }

    /**
     * Asks one instance's query API every 250 ms in a thread of its own and keeps when it answered 200: the longest
     * gap of a window is how long a dashboard on it went without an answer.
     */
    private static final class QueryWatch implements AutoCloseable {
        private static final HttpClient HTTP =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final String url;
        private final ConcurrentLinkedQueue<Long> answered = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean closed;

        QueryWatch(String url) {
            this.url = url;
            thread = new Thread(this::watch, "faults-query-watch");
            thread.setDaemon(true);
            thread.start();
        }

        private void watch() {
            while (!closed) {
                if (answers(url)) {
                    answered.add(System.currentTimeMillis());
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        static boolean answers(String url) {
            try {
                return HTTP.send(
                                        HttpRequest.newBuilder(URI.create(url))
                                                .timeout(Duration.ofSeconds(5))
                                                .GET()
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** The longest stretch of [from, to] without an answer, in seconds. */
        double longestGapSeconds(long from, long to) {
            long previous = from;
            long longest = 0;
            for (long at : answered) {
                if (at < from || at > to) {
                    continue;
                }
                longest = Math.max(longest, at - previous);
                previous = at;
            }
            return Math.max(longest, to - previous) / 1000.0;
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            thread.join(10_000);
        }
    }
}
