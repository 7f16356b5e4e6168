package io.lr0.runtime.labelspace;

import static io.lr0.testing.TopologyHarness.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.contract.DeadLetterHeaders;
import io.lr0.image.BadImageException;
import io.lr0.local.InProcessSchemaRegistry;
import io.lr0.runtime.deadletter.DeadLetterHandler;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.runtime.stage.StateStores;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.ImageRecord;
import io.lr0.testing.TestImages;
import io.micrometer.core.instrument.Gauge;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate alone between the images topic and a stage that refuses what is marked corrupt (as the degradation
 * would), with lr0's dead-letter handler and the registry in process, driven by TopologyTestDriver.
 */
class LabelSpaceGateTest {
    private static final Duration CHECK = Duration.ofSeconds(1);

    @TempDir
    Path stateDir;

    /** Label spaces the stage after the gate is not ready for yet (as while their prompts are encoded). */
    private final Set<String> preparing = ConcurrentHashMap.newKeySet();
    /** Label spaces the stage after the gate can never use (as one without classes). */
    private final Set<String> unusable = ConcurrentHashMap.newKeySet();

    private OperationalMetrics meters;
    private StageSerdes serdes;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ImageRecord> images;
    private TestInputTopic<String, DatasetInfo> datasets;
    private TestOutputTopic<String, ImageRecord> passed;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    private void start(Duration wait, long maxBytes) {
        meters = OperationalMetrics.prometheus();
        serdes = StageSerdes.over(
                new InProcessSchemaRegistry(), Map.of("schema.registry.url", "http://in-process"), meters);
        StreamsBuilder builder = new StreamsBuilder();
        LabelSpaceStore.addTo(builder, "datasets", serdes, info -> {});
        KStream<String, ImageRecord> source =
                builder.stream("images", Consumed.with(Serdes.String(), serdes.value(ImageRecord.class)));
        new LabelSpaceGate<ImageRecord>(
                        new LabelSpaceWait("datasets", wait, maxBytes, 1024, StateStores.IN_MEMORY),
                        "images",
                        ImageRecord.class,
                        ImageRecord::getDataset,
                        info -> {
                            if (unusable.contains(info.getId())) {
                                throw new BadImageException(
                                        BadImageException.Reason.BAD_LABEL_SPACE, info.getId() + " has no classes");
                            }
                            return !preparing.contains(info.getId());
                        },
                        meters)
                .addTo(builder, source, serdes)
                .peek((key, image) -> {
                    if (key.startsWith("corrupt")) {
                        throw new BadImageException(BadImageException.Reason.CORRUPT_IMAGE, key + " does not decode");
                    }
                })
                .to("passed", Produced.with(Serdes.String(), serdes.value(ImageRecord.class)));
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "gate-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put(OperationalMetrics.CONFIG, meters);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        driver = new TopologyTestDriver(builder.build(), properties);
        images = driver.createInputTopic(
                "images",
                new StringSerializer(),
                serdes.value(ImageRecord.class).serializer());
        datasets = driver.createInputTopic(
                "datasets",
                new StringSerializer(),
                serdes.value(DatasetInfo.class).serializer());
        passed = driver.createOutputTopic(
                "passed",
                new StringDeserializer(),
                serdes.value(ImageRecord.class).deserializer());
        deadLetters = driver.createOutputTopic("images-dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        serdes.close();
        meters.close();
    }

    private void publish(String dataset) {
        datasets.pipeInput(
                dataset,
                DatasetInfo.newBuilder()
                        .setId(dataset)
                        .setClasses(List.of("cat", "dog"))
                        .setUpdated(Instant.EPOCH)
                        .build());
    }

    private static ImageRecord image(String id, String dataset) {
        return TestImages.record(id, dataset, TestImages.raw(TestImages.gray(30, 30)), "cat");
    }

    private void pipe(String id, String dataset) {
        images.pipeInput(id, image(id, dataset));
    }

    private Double waiting(String name, String dataset) {
        Gauge gauge = meters.registry()
                .find(name)
                .tags("dataset", dataset, "topic", "images")
                .gauge();
        return gauge == null ? null : gauge.value();
    }

    private double deadLettered(String reason) {
        var counter = meters.registry()
                .find(OperationalMetrics.DEAD_LETTERS)
                .tags("topic", "images-dlq", "reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private List<String> passedKeys() {
        return passed.readRecordsToList().stream().map(TestRecord::key).toList();
    }

    @Test
    void recordsWaitForTheirLabelSpaceThenGoOnInArrivalOrder() {
        start(Duration.ofMinutes(10), 1 << 20);
        publish("known");
        pipe("late-0", "late");
        pipe("late-1", "late");
        pipe("known-0", "known");
        pipe("late-2", "late");

        assertEquals(List.of("known-0"), passedKeys(), "a dataset with its label space passes at once");
        assertEquals(3.0, waiting(OperationalMetrics.LABEL_SPACE_WAITING, "late"));
        assertTrue(waiting(OperationalMetrics.LABEL_SPACE_WAITING_BYTES, "late") > 3 * 900, "the raw images wait");
        assertTrue(
                meters.scrape().contains("lr0_label_space_waiting{dataset=\"late\",topic=\"images\"} 3.0"),
                "on /metrics");

        publish("late");
        driver.advanceWallClockTime(CHECK);

        assertEquals(List.of("late-0", "late-1", "late-2"), passedKeys());
        assertNull(waiting(OperationalMetrics.LABEL_SPACE_WAITING, "late"), "the gauge goes with the last one");
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void recordsOfALabelSpaceBeingPreparedWaitWithNoTimeLimitThenGoOn() {
        start(Duration.ofSeconds(2), 1 << 20);
        preparing.add("slow");
        publish("slow");
        publish("fast");
        pipe("slow-0", "slow");
        pipe("fast-0", "fast");
        driver.advanceWallClockTime(Duration.ofSeconds(5));

        assertEquals(List.of("fast-0"), passedKeys(), "other datasets flow");
        assertTrue(deadLetters.isEmpty(), "a published label space does not time out while it is prepared");
        assertEquals(1.0, waiting(OperationalMetrics.LABEL_SPACE_WAITING, "slow"));

        preparing.remove("slow");
        driver.advanceWallClockTime(CHECK);
        assertEquals(List.of("slow-0"), passedKeys());
    }

    /**
     * A label space no classifier can be built from: the records that waited for it, and those that come after,
     * are dead-lettered at once with its reason (before, they were neither classified nor dead-lettered).
     */
    @Test
    void recordsOfAnUnusableLabelSpaceAreDeadLetteredAtOnce() {
        start(Duration.ofMinutes(10), 1 << 20);
        pipe("early-0", "empty");
        unusable.add("empty");
        publish("empty");
        driver.advanceWallClockTime(CHECK);
        pipe("later-0", "empty");

        List<TestRecord<byte[], byte[]>> refused = deadLetters.readRecordsToList();
        assertEquals(
                List.of("early-0", "later-0"),
                refused.stream()
                        .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                        .toList(),
                "at once, not after inference.label.space.wait.ms");
        for (TestRecord<byte[], byte[]> deadLetter : refused) {
            assertEquals("BAD_LABEL_SPACE", header(deadLetter, DeadLetterHeaders.REASON));
        }
        assertTrue(passedKeys().isEmpty());
        assertNull(waiting(OperationalMetrics.LABEL_SPACE_WAITING, "empty"), "nothing waits");
    }

    @Test
    void afterTheWaitTheyAreDeadLetteredAsTheirSourceRecordToReplay() {
        start(Duration.ofSeconds(2), 1 << 20);
        pipe("late-0", "late");
        driver.advanceWallClockTime(Duration.ofMillis(1000));
        pipe("late-1", "late");
        driver.advanceWallClockTime(Duration.ofMillis(1100));

        TestRecord<byte[], byte[]> first = deadLetters.readRecord();
        assertTrue(deadLetters.isEmpty(), "the second has waited 1.1 s of its 2");
        assertEquals("late-0", new String(first.key(), StandardCharsets.UTF_8));
        assertEquals("NO_LABEL_SPACE", header(first, DeadLetterHeaders.REASON));
        assertTrue(header(first, DeadLetterHeaders.MESSAGE).contains("inference.label.space.wait.ms"));
        assertEquals("images", header(first, DeadLetterHeaders.SOURCE_TOPIC));
        assertEquals("0", header(first, DeadLetterHeaders.SOURCE_OFFSET));
        assertEquals(
                image("late-0", "late"),
                serdes.value(ImageRecord.class).deserializer().deserialize("images", first.value()),
                "the source record, as it is on the images topic");

        driver.advanceWallClockTime(Duration.ofMillis(1000));
        TestRecord<byte[], byte[]> second = deadLetters.readRecord();
        assertEquals("late-1", new String(second.key(), StandardCharsets.UTF_8));
        assertEquals("1", header(second, DeadLetterHeaders.SOURCE_OFFSET));
        assertEquals(2.0, deadLettered("NO_LABEL_SPACE"));
        assertNull(waiting(OperationalMetrics.LABEL_SPACE_WAITING, "late"));

        publish("late");
        driver.advanceWallClockTime(CHECK);
        assertTrue(passed.isEmpty(), "nothing dead-lettered is released as well");
    }

    @Test
    void beyondTheByteBoundARecordIsDeadLetteredAtOnce() {
        // One 30x30 image record waits (about 1 KB stored); the second would pass the bound.
        start(Duration.ofMinutes(10), 1500);
        pipe("late-0", "late");
        pipe("late-1", "late");

        TestRecord<byte[], byte[]> refused = deadLetters.readRecord();
        assertEquals("late-1", new String(refused.key(), StandardCharsets.UTF_8));
        assertEquals("NO_LABEL_SPACE", header(refused, DeadLetterHeaders.REASON));
        assertTrue(
                header(refused, DeadLetterHeaders.MESSAGE).contains("inference.label.space.wait.max.bytes"),
                header(refused, DeadLetterHeaders.MESSAGE));
        assertEquals(
                image("late-1", "late"),
                serdes.value(ImageRecord.class).deserializer().deserialize("images", refused.value()));
        assertEquals(1.0, waiting(OperationalMetrics.LABEL_SPACE_WAITING, "late"));

        publish("late");
        driver.advanceWallClockTime(CHECK);
        assertEquals(List.of("late-0"), passedKeys());
    }

    @Test
    void aDatasetIdOverTheTextLimitDoesNotWait() {
        start(Duration.ofMinutes(10), 1 << 20);
        String longId = "x".repeat(1025);
        pipe("long-id", longId);

        TestRecord<byte[], byte[]> refused = deadLetters.readRecord();
        assertEquals("FIELD_LIMIT", header(refused, DeadLetterHeaders.REASON));
        assertTrue(header(refused, DeadLetterHeaders.MESSAGE).contains("record.max.text.chars"));
        assertNull(waiting(OperationalMetrics.LABEL_SPACE_WAITING, longId), "no gauge named by it");
    }

    @Test
    void aRecordTooLargeForTheChangelogDoesNotWait() {
        start(Duration.ofMinutes(10), 1L << 30);
        // 2 MiB of pixels: more than the store's changelog takes, whatever the byte bound.
        images.pipeInput("huge", TestImages.record("huge", "late", TestImages.raw(TestImages.gray(2048, 1024)), "cat"));

        TestRecord<byte[], byte[]> refused = deadLetters.readRecord();
        assertEquals("NO_LABEL_SPACE", header(refused, DeadLetterHeaders.REASON));
        assertTrue(header(refused, DeadLetterHeaders.MESSAGE).contains("too large to wait"));
        assertNull(waiting(OperationalMetrics.LABEL_SPACE_WAITING, "late"));
    }

    @Test
    void aReleasedRecordThatALaterStageRefusesIsDeadLetteredWithThatStagesReason() {
        start(Duration.ofMinutes(10), 1 << 20);
        pipe("corrupt-0", "late");
        pipe("late-1", "late");
        publish("late");
        driver.advanceWallClockTime(CHECK);

        TestRecord<byte[], byte[]> refused = deadLetters.readRecord();
        assertEquals("corrupt-0", new String(refused.key(), StandardCharsets.UTF_8));
        assertEquals("CORRUPT_IMAGE", header(refused, DeadLetterHeaders.REASON));
        assertEquals("0", header(refused, DeadLetterHeaders.SOURCE_OFFSET));
        assertEquals(
                image("corrupt-0", "late"),
                serdes.value(ImageRecord.class).deserializer().deserialize("images", refused.value()));
        assertEquals(List.of("late-1"), passedKeys(), "the stream goes on");

        pipe("corrupt-2", "late");
        TestRecord<byte[], byte[]> direct = deadLetters.readRecord();
        assertEquals("CORRUPT_IMAGE", header(direct, DeadLetterHeaders.REASON), "not held: the usual way");
        assertEquals("2", header(direct, DeadLetterHeaders.SOURCE_OFFSET));
    }
}
