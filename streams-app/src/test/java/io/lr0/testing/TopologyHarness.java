package io.lr0.testing;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.app.Lr0Topology;
import io.lr0.inference.DualEncoder;
import io.lr0.inference.ZeroShotModel;
import io.lr0.local.InProcessSchemaRegistry;
import io.lr0.producers.IdxDataset;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.DatasetInfo;
import io.lr0.superres.LiifModel;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** lr0's whole topology in a TopologyTestDriver, with the app's own Streams properties and Avro serdes. */
public final class TopologyHarness implements AutoCloseable {
    private final StageSerdes serdes;
    private final OperationalMetrics meters;
    private final Topology topology;
    private final TopologyTestDriver driver;
    private final Instant startedAt;
    /** How many models classify: a label space is ready once each has encoded it. */
    private final int models;

    private TopologyHarness(
            StageSerdes serdes, OperationalMetrics meters, Topology topology, Properties properties, int models) {
        this.models = models;
        this.serdes = serdes;
        this.meters = meters;
        this.topology = topology;
        this.startedAt = Instant.now();
        this.driver = new TopologyTestDriver(topology, properties);
    }

    /** A time at or before the driver's wall clock at its start: records captured then are not from its future. */
    public Instant startedAt() {
        return startedAt;
    }

    /**
     * {@code model} null: no inference stage; {@code liif} null: no super-resolution stage. The serdes use a registry
     * in process (the embedded registry's own store), so the schema ids and checks are real and no server is needed.
     */
    public static TopologyHarness start(
            Path stateDir, Map<String, String> settings, ZeroShotModel model, LiifModel liif) {
        return startWithModels(stateDir, settings, model == null ? List.of() : List.of(model), liif);
    }

    /** Several models on one stream, as inference.model names them; none: no inference stage. */
    public static TopologyHarness startWithModels(
            Path stateDir, Map<String, String> settings, List<? extends DualEncoder> models, LiifModel liif) {
        Map<String, String> values = new HashMap<>(settings);
        values.put(Lr0Config.STATE_DIR, stateDir.toString());
        Lr0Config config = Lr0Config.of(values);
        OperationalMetrics meters = OperationalMetrics.prometheus();
        StageSerdes serdes = StageSerdes.over(new InProcessSchemaRegistry(), config.serdeConfig(), meters);
        Properties properties = Lr0App.streamsProperties(config, meters);
        return new TopologyHarness(
                serdes,
                meters,
                Lr0Topology.build(config, properties, serdes, meters, models, liif),
                properties,
                models.size());
    }

    public <V extends SpecificRecord> TestInputTopic<String, V> input(String topic, Class<V> type) {
        return driver.createInputTopic(
                topic, new StringSerializer(), serdes.value(type).serializer());
    }

    public <V extends SpecificRecord> TestOutputTopic<String, V> output(String topic, Class<V> type) {
        return driver.createOutputTopic(
                topic, new StringDeserializer(), serdes.value(type).deserializer());
    }

    /** A topic read as raw bytes (dead letters keep the source bytes). */
    public TestOutputTopic<byte[], byte[]> rawOutput(String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** A header of a record (a dead letter's reason, source topic...) as text; null when absent. */
    public static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** An Avro value in the Confluent wire format (a dead letter's payload) read back. */
    public <V extends SpecificRecord> V decode(String topic, Class<V> type, byte[] value) {
        return serdes.value(type).deserializer().deserialize(topic, value);
    }

    /**
     * Publishes a label space {@code dataset} with Fashion-MNIST's classes on the datasets topic and waits (in real
     * time: the encoder is a thread of its own) until every model has its class embeddings.
     */
    public void publishFashionMnistClasses(String dataset) {
        input("datasets", DatasetInfo.class)
                .pipeInput(
                        dataset,
                        DatasetInfo.newBuilder()
                                .setId(dataset)
                                .setClasses(IdxDataset.FASHION_MNIST_CLASSES)
                                .setUpdated(Instant.EPOCH)
                                .build());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (meters
                        .registry()
                        .find(OperationalMetrics.LABEL_SPACE_ENCODINGS)
                        .tag("dataset", dataset)
                        .counters()
                        .stream()
                        .mapToDouble(Counter::count)
                        .sum()
                < models) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("label space " + dataset + " not ready within 60 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** This harness's own operational metrics, as an instance's {@code /metrics} shows them. */
    public OperationalMetrics meters() {
        return meters;
    }

    /** The topology under test, for assertions on its shape ({@code describe()}). */
    public Topology topology() {
        return topology;
    }

    public TopologyTestDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
        serdes.close();
        meters.close();
    }
}
