package io.lr0.runtime.meters;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One instance's operational metrics in Prometheus format: Kafka Streams' own metrics (throughput, consumer lag,
 * commit latency), the JVM's, and lr0's meters below. Each instance has its own registry, handed to the stages
 * that record and, through the Streams configuration ({@link #CONFIG}), to the dead-letter handler that Kafka
 * Streams creates: several instances in one JVM (the bench, the tests) count apart, as separate processes do.
 */
public final class OperationalMetrics implements AutoCloseable {
    /** The Kafka Streams configuration key under which the dead-letter handler finds its instance's metrics. */
    public static final String CONFIG = "lr0.operational.metrics";

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
    /** Label spaces made ready, by dataset and {@code from}: {@code model} (encoded) or {@code cache} (read). */
    public static final String LABEL_SPACE_ENCODINGS = "lr0.label.space.encodings";
    /** Prompts of a dataset's latest label-space encoding... */
    public static final String LABEL_SPACE_PROMPTS = "lr0.label.space.prompts";
    /** ...and how many of them are encoded so far (progress). */
    public static final String LABEL_SPACE_PROMPTS_ENCODED = "lr0.label.space.prompts.encoded";
    /** Records waiting for their dataset's label space, by dataset and topic (they are on disk, not the heap). */
    public static final String LABEL_SPACE_WAITING = "lr0.label.space.waiting";
    /** Bytes on disk of the records waiting for their dataset's label space, by dataset and topic. */
    public static final String LABEL_SPACE_WAITING_BYTES = "lr0.label.space.waiting.bytes";
    /**
     * Times this instance entered a rebalance (one at start): a stream thread that stops polling for longer than
     * max.poll.interval.ms (a long blocking call) leaves its group and shows here.
     */
    public static final String REBALANCES = "lr0.rebalances";
    /** Time per record in one step of the pipeline, tag {@code stage}: see {@link #stageTimer}. */
    public static final String STAGE_TIME = "lr0.stage";

    /** Each meter's help text on /metrics (Prometheus' HELP line): one per name above, what it counts. */
    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry(DEAD_LETTERS, "Dead letters written, by dead-letter topic and reason"),
            Map.entry(VARIANTS, "Variants written by the degrade stage, by dataset"),
            Map.entry(PREDICTIONS, "Predictions written, by dataset and model"),
            Map.entry(PREDICTION_LATENCY, "Capture to prediction latency"),
            Map.entry(MODEL_TIME, "Wall time of one batched forward pass"),
            Map.entry(MODEL_CPU_TIME, "CPU time of the stream thread during one forward pass"),
            Map.entry(BATCH_SIZE, "Images per forward pass"),
            Map.entry(LABELS_OUTSIDE, "Ground-truth labels outside their dataset's label space"),
            Map.entry(LABEL_SPACE_ENCODINGS, "Label spaces made ready, by dataset and from (model or cache)"),
            Map.entry(LABEL_SPACE_PROMPTS, "Prompts of a dataset's latest label-space encoding"),
            Map.entry(LABEL_SPACE_PROMPTS_ENCODED, "Prompts of that encoding encoded so far"),
            Map.entry(LABEL_SPACE_WAITING, "Records waiting for their dataset's label space, by dataset and topic"),
            Map.entry(LABEL_SPACE_WAITING_BYTES, "Bytes on disk of the records waiting for their label space"),
            Map.entry(REBALANCES, "Times this instance entered a rebalance"),
            Map.entry(STAGE_TIME, "Time per record in one step of the pipeline, by stage"));

    private final MeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private KafkaStreamsMetrics streamsMetrics;

    private OperationalMetrics(MeterRegistry registry, JvmGcMetrics gcMetrics) {
        this.registry = registry;
        this.gcMetrics = gcMetrics;
    }

    /** A Prometheus registry with the JVM's metrics bound; {@link #bind} adds Kafka Streams'. */
    public static OperationalMetrics prometheus() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        prometheus.config().meterFilter(MeterFilter.deny(id -> isSecondKafkaMeterOfItsName(prometheus, id)));
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        new JvmMemoryMetrics().bindTo(prometheus);
        gcMetrics.bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        return new OperationalMetrics(prometheus, gcMetrics);
    }

    /**
     * Kafka's clients name some metrics twice: per topic and in aggregate under one name with other tag keys (which
     * Prometheus refuses), or one name and tags in two metric groups. Micrometer's binder registers both and warns on
     * the second; the first stands either way, so the second is denied here, without a word on the console.
     */
    static boolean isSecondKafkaMeterOfItsName(MeterRegistry registry, Meter.Id id) {
        if (!id.getName().startsWith("kafka.")) {
            return false;
        }
        Set<String> keys = tagKeys(id);
        return registry.find(id.getName()).meters().stream()
                .map(Meter::getId)
                .anyMatch(existing ->
                        !tagKeys(existing).equals(keys) || existing.getTags().equals(id.getTags()));
    }

    private static Set<String> tagKeys(Meter.Id id) {
        return id.getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
    }

    /** Meters that record nothing: for the serdes of a tool that reads topics, not of a pipeline. */
    public static OperationalMetrics none() {
        return new OperationalMetrics(new CompositeMeterRegistry(), null);
    }

    /** The metrics of the instance that {@code configs} (a Kafka Streams configuration) belong to. */
    public static OperationalMetrics of(Map<String, ?> configs) {
        Object meters = configs.get(CONFIG);
        if (!(meters instanceof OperationalMetrics operational)) {
            throw new IllegalStateException(CONFIG + " is missing from the Kafka Streams configuration: lr0's "
                    + "dead-letter handler counts on its instance's metrics");
        }
        return operational;
    }

    /** Binds Kafka Streams' metrics of {@code streams}, once it exists, and counts its rebalances (before start). */
    public void bind(KafkaStreams streams) {
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        Counter rebalances = counter(REBALANCES);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.REBALANCING) {
                rebalances.increment();
            }
        });
    }

    /** Where the meters live (the bench reads them in process). */
    public MeterRegistry registry() {
        return registry;
    }

    /** A latency timer with the percentiles the dashboards show. */
    public Timer latencyTimer(String name, String... tags) {
        return Timer.builder(name)
                .description(help(name))
                .tags(tags)
                .publishPercentiles(0.5, 0.95, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(2))
                .register(registry);
    }

    /**
     * The timer of one pipeline step: decode, degrade, thumbnail, preprocess, postprocess, serialize, deserialize,
     * upscale (the model's own time is {@link #MODEL_TIME}). Look it up once and keep it: lookups are not free.
     */
    public Timer stageTimer(String stage) {
        return Timer.builder(STAGE_TIME)
                .description(help(STAGE_TIME))
                .tag("stage", stage)
                .register(registry);
    }

    public Timer timer(String name) {
        return Timer.builder(name).description(help(name)).register(registry);
    }

    public DistributionSummary summary(String name) {
        return DistributionSummary.builder(name).description(help(name)).register(registry);
    }

    /** A gauge that reads {@code value} (held strongly by the caller: Micrometer keeps only a weak reference). */
    public Gauge gauge(String name, AtomicLong value, String... tags) {
        return Gauge.builder(name, value, AtomicLong::get)
                .description(help(name))
                .tags(tags)
                .register(registry);
    }

    /** Removes a meter whose subject is gone (a gauge of a dataset that no longer waits). */
    public void remove(Meter meter) {
        registry.remove(meter);
    }

    public Counter counter(String name, String... tags) {
        return Counter.builder(name).description(help(name)).tags(tags).register(registry);
    }

    /** The help text of one of the names above: a meter without one is a mistake, caught by the first test to use it. */
    private static String help(String name) {
        String help = HELP.get(name);
        if (help == null) {
            throw new IllegalArgumentException("meter " + name + " has no help text in OperationalMetrics.HELP");
        }
        return help;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry instanceof PrometheusMeterRegistry prometheus ? prometheus.scrape() : "";
    }

    @Override
    public void close() {
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        registry.close();
    }
}
