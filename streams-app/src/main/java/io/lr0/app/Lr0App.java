package io.lr0.app;

import io.lr0.dlq.DeadLetterHandler;
import io.lr0.dashboard.DashboardServer;
import io.lr0.dlq.DeadLetters;
import io.lr0.inference.Models;
import io.lr0.inference.PromptSet;
import io.lr0.inference.ZeroShotModel;
import io.lr0.superres.LiifModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Lifecycle of one lr0 instance: topics, serdes, the topology and its KafkaStreams. */
public final class Lr0App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lr0App.class);

    private final KafkaStreams streams;
    private final Lr0Serdes serdes;
    private final ZeroShotModel model;
    private final LiifModel liif;
    private final DashboardServer dashboard;
    private final OperationalMetrics operationalMetrics;

    private Lr0App(KafkaStreams streams, Lr0Serdes serdes, ZeroShotModel model, LiifModel liif,
                   DashboardServer dashboard, OperationalMetrics operationalMetrics) {
        this.streams = streams;
        this.serdes = serdes;
        this.model = model;
        this.liif = liif;
        this.dashboard = dashboard;
        this.operationalMetrics = operationalMetrics;
    }

    /** Creates missing topics, loads the model, starts the topology and waits until it is running. */
    public static Lr0App start(Lr0Config config) throws IOException {
        TopicSetup.ensure(config.kafkaClientConfig(), topics(config));
        ZeroShotModel model = config.inferenceEnabled() ? loadModel(config) : null;
        LiifModel liif = config.liifEnabled() ? loadLiif(config) : null;
        Lr0Serdes serdes = Lr0Serdes.from(config);
        Properties props = streamsProperties(config);
        DashboardServer dashboard = config.metricsEnabled() && config.getBoolean(Lr0Config.DASHBOARD_ENABLED)
                ? DashboardServer.bind(config.getString(Lr0Config.DASHBOARD_HOST),
                config.getInt(Lr0Config.DASHBOARD_PORT), config.getString(Lr0Config.DASHBOARD_ADVERTISED_HOST),
                config.dashboardSecurity()) : null;
        if (dashboard != null) {
            // Other instances route interactive queries to this address.
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, dashboard.applicationServer());
        }
        KafkaStreams streams = new KafkaStreams(Lr0Topology.build(config, serdes, model, liif), props);
        // A failure that is not a bad record (a broker hiccup) must not stop the pipeline: restart the thread,
        // which resumes from the last committed offsets.
        streams.setUncaughtExceptionHandler(error -> {
            log.error("Stream thread failed; replacing it", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        OperationalMetrics operationalMetrics = new OperationalMetrics(streams);
        Lr0App app = new Lr0App(streams, serdes, model, liif, dashboard, operationalMetrics);
        app.awaitRunning(Duration.ofSeconds(120));
        if (dashboard != null) {
            dashboard.start(streams, config.metricsAlpha(), config.warWeights(), operationalMetrics::scrape);
        }
        log.info("lr0 streams app '{}' running: {} -> {}{}", props.get(StreamsConfig.APPLICATION_ID_CONFIG),
                config.imagesTopic(), config.variantsTopic(), model == null ? "" : " -> " + config.predictionsTopic());
        return app;
    }

    /** The configured model; the bundled one is extracted next to the Streams state. */
    public static ZeroShotModel loadModel(Lr0Config config) throws IOException {
        if (config.promptsDir() != null) {
            PromptSet.checkDirectory(config.promptsDir());
        }
        Models.useCpuThreads(config.inferenceCpuThreads());
        return Models.load(config.inferenceModel(), config.inferenceTokenizer(),
                Path.of(config.getString(Lr0Config.STATE_DIR)).resolve("models"));
    }

    /** The configured LIIF model; the bundled one is extracted next to the Streams state. */
    public static LiifModel loadLiif(Lr0Config config) throws IOException {
        Models.useCpuThreads(config.inferenceCpuThreads());
        return LiifModel.load(config.liifModel(), Path.of(config.getString(Lr0Config.STATE_DIR)).resolve("models"));
    }

    /** The Kafka Streams properties of an instance: the configuration plus lr0's dead-letter handling. */
    public static Properties streamsProperties(Lr0Config config) {
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        // Also for global stores (later stages); the default will flip in Kafka 5.0.
        props.put("processing.exception.handler.global.enabled", true);
        return props;
    }

    /** Every topic this instance reads or writes, created with the configured partition count when missing. */
    public static List<NewTopic> topics(Lr0Config config) {
        int partitions = config.topicPartitions();
        return List.of(
                TopicSetup.topic(config.imagesTopic(), partitions),
                TopicSetup.topic(DeadLetters.topicFor(config.imagesTopic()), partitions),
                TopicSetup.topic(config.variantsTopic(), partitions),
                TopicSetup.topic(DeadLetters.topicFor(config.variantsTopic()), partitions),
                TopicSetup.topic(config.upscaledTopic(), partitions),
                TopicSetup.topic(DeadLetters.topicFor(config.upscaledTopic()), partitions),
                TopicSetup.topic(config.predictionsTopic(), partitions),
                TopicSetup.compacted(config.metricsTopic(), partitions),
                TopicSetup.topic(config.metricsWindowedTopic(), partitions),
                TopicSetup.compacted(config.summaryTopic(), partitions),
                TopicSetup.compacted(config.datasetsTopic(), 1));
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
                .map(org.apache.kafka.common.TopicPartition::partition).sorted().toList();
    }

    private void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("Kafka Streams stopped while starting: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Streams not running after " + timeout.toSeconds()
                        + " s (state " + streams.state() + ")");
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
        if (dashboard != null) {
            dashboard.close();
        }
        // Leave the group on a clean stop: a restarted or remaining instance gets the partitions at once instead of
        // after the session timeout.
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        operationalMetrics.close();
        serdes.close();
        if (model != null) {
            model.close();
        }
        if (liif != null) {
            liif.close();
        }
    }
}
