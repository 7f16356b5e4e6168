package io.lr0.runtime;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The instance's operational metrics in Prometheus format: Kafka Streams' own metrics (throughput, consumer lag,
 * commit latency), the JVM's, and lr0's meters below. The registry joins Micrometer's global one, so processors and
 * the dead-letter handler (created by Kafka Streams, not by lr0) record through {@link Metrics}.
 */
public final class OperationalMetrics implements AutoCloseable {
    /** Dead letters written, by dead-letter topic and reason. */
    public static final String DEAD_LETTERS = "lr0.dead.letters";
    /** Variants written by the degrade stage, by dataset. */
    public static final String VARIANTS = "lr0.variants";
    /** Predictions written, by dataset and model. */
    public static final String PREDICTIONS = "lr0.predictions";
    /** Capture -> prediction latency. */
    public static final String PREDICTION_LATENCY = "lr0.prediction.latency";
    /** Wall time of one batched forward pass. */
    public static final String MODEL_TIME = "lr0.inference.model";
    /**
     * CPU time of the calling stream thread during one forward pass: with one intra-op thread on a CPU, the model's
     * own CPU; its gap to {@link #MODEL_TIME} is time the thread was descheduled, or waited for a GPU.
     */
    public static final String MODEL_CPU_TIME = "lr0.inference.model.cpu";
    /** Images per forward pass. */
    public static final String BATCH_SIZE = "lr0.inference.batch.size";
    /** Ground-truth labels outside their dataset's label space. */
    public static final String LABELS_OUTSIDE = "lr0.labels.outside.label.space";
    /** Time per record in one step of the pipeline, tag {@code stage}: see {@link #stageTimer}. */
    public static final String STAGE_TIME = "lr0.stage";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaStreamsMetrics streamsMetrics;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    public OperationalMetrics(KafkaStreams streams) {
        // Bound through the global registry, every meter is both scraped here and visible to in-process readers
        // (lr0 bench pipeline).
        Metrics.addRegistry(registry);
        new JvmMemoryMetrics().bindTo(Metrics.globalRegistry);
        gcMetrics.bindTo(Metrics.globalRegistry);
        new JvmThreadMetrics().bindTo(Metrics.globalRegistry);
        new ProcessorMetrics().bindTo(Metrics.globalRegistry);
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(Metrics.globalRegistry);
    }

    /** A latency timer with the percentiles the dashboards show. */
    public static Timer latencyTimer(String name, String... tags) {
        return Timer.builder(name)
                .tags(tags)
                .publishPercentiles(0.5, 0.95, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(2))
                .register(Metrics.globalRegistry);
    }

    /**
     * The timer of one pipeline step: decode, degrade, thumbnail, preprocess, postprocess, serialize, deserialize
     * (the model's own time is {@link #MODEL_TIME}). Look it up once and keep it: meter lookups are not free.
     */
    public static Timer stageTimer(String stage) {
        return Metrics.timer(STAGE_TIME, "stage", stage);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        Metrics.removeRegistry(registry);
        streamsMetrics.close();
        gcMetrics.close();
        registry.close();
    }
}
