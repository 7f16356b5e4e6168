package io.lr0.app;

import io.lr0.contract.DeadLetterHeaders;
import io.lr0.contract.TopicSetup;
import io.lr0.contract.Topics;
import io.lr0.dashboard.DashboardServer;
import io.lr0.djl.Djl;
import io.lr0.inference.InferenceSettings;
import io.lr0.inference.Models;
import io.lr0.inference.PromptSet;
import io.lr0.inference.ZeroShotModel;
import io.lr0.runtime.deadletter.DeadLetterHandler;
import io.lr0.runtime.deadletter.RecordErrors;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.superres.LiifModel;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle of one lr0 instance: topics, models, serdes, the topology and its KafkaStreams, the dashboard. What it
 * opens it closes, in reverse order: on {@link #close()}, and when a later step of {@link #start} fails.
 */
public final class Lr0App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lr0App.class);

    private final KafkaStreams streams;
    private final DashboardServer dashboard;
    private final OperationalMetrics meters;
    /** Everything opened, the last opened first. */
    private final Deque<AutoCloseable> opened;

    private Lr0App(
            KafkaStreams streams, DashboardServer dashboard, OperationalMetrics meters, Deque<AutoCloseable> opened) {
        this.streams = streams;
        this.dashboard = dashboard;
        this.meters = meters;
        this.opened = opened;
    }

    /** Creates missing topics, loads the models, starts the topology and waits until it is running. */
    public static Lr0App start(Lr0Config config) throws IOException {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            checkStateDir(Path.of(config.getString(Lr0Config.STATE_DIR)));
            TopicSetup.ensure(config.kafkaClientConfig(), config.topics().specs(config.topicLayout()));
            checkTopicsTakeTheLargestRecords(config);
            List<ZeroShotModel> models = new ArrayList<>();
            if (config.inferenceEnabled()) {
                for (String location : config.inferenceSettings().models()) {
                    models.add(open(opened, loadModel(config, location)));
                }
            }
            LiifModel liif = config.liifEnabled() ? open(opened, loadLiif(config)) : null;
            OperationalMetrics meters = open(opened, OperationalMetrics.prometheus());
            StageSerdes serdes = open(opened, StageSerdes.from(config.serdeConfig(), meters));
            Properties props = streamsProperties(config, meters);
            DashboardServer dashboard = config.metricsEnabled() && config.getBoolean(Lr0Config.DASHBOARD_ENABLED)
                    ? open(
                            opened,
                            DashboardServer.bind(
                                    config.getString(Lr0Config.DASHBOARD_HOST),
                                    config.getInt(Lr0Config.DASHBOARD_PORT),
                                    config.getString(Lr0Config.DASHBOARD_ADVERTISED_HOST),
                                    config.dashboardSecurity()))
                    : null;
            if (dashboard != null) {
                // Other instances route interactive queries to this address.
                props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, dashboard.applicationServer());
            }
            KafkaStreams streams =
                    new KafkaStreams(Lr0Topology.build(config, props, serdes, meters, models, liif), props);
            // Leave the group on a clean stop: a restarted or remaining instance gets the partitions at once
            // instead of after the session timeout.
            opened.push(() -> streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)));
            // A failure that is not a bad record (a broker hiccup) must not stop the pipeline: restart the thread,
            // which resumes from the last committed offsets.
            streams.setUncaughtExceptionHandler(error -> {
                log.error("Stream thread failed; replacing it", error);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            meters.bind(streams);
            streams.start();
            awaitRunning(streams, Duration.ofMillis(config.getLong(Lr0Config.STARTUP_TIMEOUT_MS)));
            if (dashboard != null) {
                dashboard.start(
                        streams, config.metricsSettings(), config.getInt(Lr0Config.PROMETHEUS_MAX_SOURCES), meters);
            }
            log.info(
                    "lr0 streams app '{}' running: {} -> {}{}",
                    props.get(StreamsConfig.APPLICATION_ID_CONFIG),
                    config.topics().images(),
                    config.topics().variants(),
                    models.isEmpty()
                            ? ""
                            : " -> " + config.topics().predictions() + " ("
                                    + String.join(
                                            ", ",
                                            models.stream()
                                                    .map(m -> m.spec().name())
                                                    .toList()) + ")");
            return new Lr0App(streams, dashboard, meters, opened);
        } catch (IOException | RuntimeException | Error e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /** The state directory exists (created if need be) and is writable; if not, says which and why. */
    static void checkStateDir(Path stateDir) {
        String why;
        try {
            Files.createDirectories(stateDir);
            why = Files.isWritable(stateDir) ? null : "it is not writable by this process";
        } catch (FileSystemException e) {
            why = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
            if (e.getFile() != null && !Path.of(e.getFile()).equals(stateDir)) {
                why += " (at " + e.getFile() + ")";
            }
        } catch (IOException e) {
            why = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (why != null) {
            throw new IllegalStateException(Lr0Config.STATE_DIR + " " + stateDir.toAbsolutePath() + " cannot be used: "
                    + why + "; choose another with --set " + Lr0Config.STATE_DIR + "=DIR");
        }
    }

    /**
     * The topics this instance writes must take its largest records: a variant carrying a whole image, and a dead
     * letter carrying a whole input record. A record a topic refuses would otherwise be retried forever, jamming its
     * partition: under exactly-once no handler can dead-letter it, the producer aborts the transaction. A dead-letter
     * topic below that (one created before lr0 sized them) is raised, as lr0's own; a variant topic is the operator's
     * to change, and the start stops with what to change.
     */
    private static void checkTopicsTakeTheLargestRecords(Lr0Config config) {
        Topics topics = config.topics();
        List<String> inputs = new ArrayList<>();
        if (config.degradeEnabled()) {
            inputs.add(topics.images());
        }
        if (config.inferenceEnabled() || config.liifEnabled()) {
            inputs.add(topics.variants());
        }
        if (config.inferenceEnabled() && config.liifEnabled()) {
            inputs.add(topics.upscaled());
        }
        List<String> described = new ArrayList<>(inputs);
        inputs.forEach(input -> described.add(DeadLetterHeaders.topicFor(input)));
        described.add(topics.variants());
        Map<String, Object> clients = config.kafkaClientConfig();
        Map<String, Long> limits = TopicSetup.maxMessageBytes(clients, described);
        if (config.degradeEnabled() && limits.get(topics.variants()) < config.largestNativeVariantBytes()) {
            throw new IllegalStateException("Topic " + topics.variants() + " accepts records of at most "
                    + limits.get(topics.variants()) + " bytes (max.message.bytes), but a native variant can take "
                    + config.largestNativeVariantBytes() + " (" + Lr0Config.IMAGE_MAX_BYTES + "="
                    + config.getLong(Lr0Config.IMAGE_MAX_BYTES) + "): raise the topic's max.message.bytes or lower "
                    + Lr0Config.IMAGE_MAX_BYTES);
        }
        for (String input : inputs) {
            long needed = limits.get(input) + Topics.DEAD_LETTER_HEADROOM_BYTES;
            String deadLetters = DeadLetterHeaders.topicFor(input);
            if (needed > config.producerMaxRequestSize()) {
                throw new IllegalStateException("A dead letter of " + input + " can take " + needed
                        + " bytes, over the producers' max.request.size=" + config.producerMaxRequestSize()
                        + ": raise " + Lr0Config.STREAMS_PREFIX + "producer.max.request.size");
            }
            if (limits.get(deadLetters) < needed) {
                log.info(
                        "Raising max.message.bytes of {} from {} to {}: a dead letter carries a whole record of {}",
                        deadLetters,
                        limits.get(deadLetters),
                        Topics.DEAD_LETTER_MAX_MESSAGE_BYTES,
                        input);
                TopicSetup.setMaxMessageBytes(
                        clients, deadLetters, Math.max(needed, Topics.DEAD_LETTER_MAX_MESSAGE_BYTES));
            }
        }
    }

    private static <T extends AutoCloseable> T open(Deque<AutoCloseable> opened, T resource) {
        opened.push(resource);
        return resource;
    }

    /** The first configured model (a benchmark measures one); see {@link #loadModel(Lr0Config, String)}. */
    public static ZeroShotModel loadModel(Lr0Config config) throws IOException {
        return loadModel(config, config.inferenceSettings().models().get(0));
    }

    /** The model at {@code location} (one of inference.model); the bundled one is extracted next to the state. */
    public static ZeroShotModel loadModel(Lr0Config config, String location) throws IOException {
        InferenceSettings settings = config.inferenceSettings();
        if (settings.promptsDir() != null) {
            PromptSet.checkDirectory(settings.promptsDir());
        }
        Djl.useCpuThreads(settings.cpuThreads());
        return Models.load(location, settings.tokenizer(), modelCache(config));
    }

    /** The configured LIIF model; the bundled ones are extracted next to the Streams state. */
    public static LiifModel loadLiif(Lr0Config config) throws IOException {
        Djl.useCpuThreads(config.inferenceCpuThreads());
        return LiifModel.load(config.superResolutionSettings().liifModel(), modelCache(config));
    }

    private static Path modelCache(Lr0Config config) {
        return Path.of(config.getString(Lr0Config.STATE_DIR)).resolve("models");
    }

    /** The Kafka Streams properties of an instance: the configuration plus lr0's dead-letter handling. */
    public static Properties streamsProperties(Lr0Config config, OperationalMetrics meters) {
        Properties props = config.streamsProperties();
        // The dead-letter handler, which Kafka Streams creates, counts on this instance's metrics.
        props.put(OperationalMetrics.CONFIG, meters);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        // A stack overflow on a record is the record's failure, for the handler above, not the thread's death.
        props.put(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, RecordErrors.class);
        // Every internal topic and store is named: a generated name moves when the topology changes, and the state
        // and backlog under the old name would be lost. A topology that generates one does not build.
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // Also for global stores (later stages); the default will flip in Kafka 5.0. The partition assignor reads a
        // configuration of its own from the main consumer's settings, and warns unless it finds the key there too.
        props.put("processing.exception.handler.global.enabled", true);
        props.put(StreamsConfig.MAIN_CONSUMER_PREFIX + "processing.exception.handler.global.enabled", true);
        return props;
    }

    /** This instance's operational metrics (the bench reads them in process). */
    public OperationalMetrics meters() {
        return meters;
    }

    /** Base URL of the query API and dashboard, or null when this instance serves none. */
    public String dashboardUrl() {
        return dashboard == null ? null : dashboard.url();
    }

    /** The partitions of {@code topic} this instance's stream threads process now (Kafka Streams' assignment). */
    public List<Integer> activePartitionsOf(String topic) {
        return streams.metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream())
                .filter(partition -> partition.topic().equals(topic))
                .map(TopicPartition::partition)
                .sorted()
                .toList();
    }

    private static void awaitRunning(KafkaStreams streams, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("Kafka Streams stopped while starting: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Streams not running after " + timeout.toSeconds() + " s (state "
                        + streams.state() + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while starting Kafka Streams", e);
            }
        }
    }

    @Override
    public void close() {
        closeAll(opened, null);
    }

    /** Closes {@code resources}, the last opened first; a failure to close one does not keep the others open. */
    private static void closeAll(Deque<AutoCloseable> resources, Throwable cause) {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                } else {
                    log.warn("Closing lr0 failed in part: {}", e.toString());
                }
            }
        }
    }
}
