package io.lr0.runtime.labelspace;

import io.lr0.contract.DeadLetterHeaders;
import io.lr0.contract.StoreNames;
import io.lr0.contract.Topics;
import io.lr0.image.BadImageException;
import io.lr0.runtime.deadletter.DeadLetters;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.records.LogText;
import io.lr0.runtime.stage.Stage;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.DatasetInfo;
import io.micrometer.core.instrument.Meter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the records of a dataset whose label space is not on the datasets topic yet, so that the stages that need it
 * never see them early. They wait in a changelogged store ({@link LabelSpaceWait#stores()}), up to {@link
 * LabelSpaceWait#maxBytes()} per instance (a mistyped dataset id on a busy producer must not end in an
 * out-of-memory): a record beyond that is dead-lettered at once. When the label space arrives they go on, in
 * arrival order; after {@link LabelSpaceWait#timeout()} they are dead-lettered to {@code <source topic>-dlq} with
 * reason {@code NO_LABEL_SPACE} and the bytes they have on the source topic, so that {@code lr0 dlq replay} sends
 * them back once the label space is published. One warning per dataset and instance names the fix; gauges count what waits.
 * <p>
 * A gate sits right after a source: each record has its source offset (the order it waits in), and its dead letter
 * is a record of the source topic, which is what a replay needs.
 *
 * @param <V> the source's records
 */
public final class LabelSpaceGate<V extends SpecificRecord> implements Stage<V, V> {
    private static final Logger log = LoggerFactory.getLogger(LabelSpaceGate.class);
    /** The longest one check spends releasing or dead-lettering, so the stream thread still polls in time. */
    private static final Duration CHECK_BUDGET = Duration.ofMillis(500);
    /**
     * How long records wait for a label space before a warning says so: a producer publishes the label space just
     * before its images, and the global store may see it a moment after them, which is no news.
     */
    private static final Duration WARN_AFTER = Duration.ofSeconds(15);
    /** The longest time between two checks of the waiting records (and the longest a deleted label space is seen). */
    private static final Duration MAX_CHECK_INTERVAL = Duration.ofMillis(100);
    /** The most one waiting record may take in the store, so that its changelog record is never refused. */
    private static final int MAX_HELD_BYTES = Topics.DEAD_LETTER_MAX_MESSAGE_BYTES - Topics.DEAD_LETTER_HEADROOM_BYTES;

    private final LabelSpaceWait settings;
    private final String sourceTopic;
    private final Class<V> type;
    private final Function<V, String> datasetOf;
    private final Predicate<DatasetInfo> ready;
    private final OperationalMetrics meters;
    private final String name;
    private final Tally tally = new Tally();

    /**
     * A gate on {@code sourceTopic}, whose records are of {@code type} and name their dataset with {@code
     * datasetOf}; {@code ready} says whether the stages after it can take the records of a published label space yet
     * (a false answer starts their preparation, such as encoding its prompts): until then they wait too, with no time
     * limit (the byte bound holds); it throws a {@code BadImageException} for a label space they can never take,
     * whose records are then dead-lettered at once.
     */
    public LabelSpaceGate(
            LabelSpaceWait settings,
            String sourceTopic,
            Class<V> type,
            Function<V, String> datasetOf,
            Predicate<DatasetInfo> ready,
            OperationalMetrics meters) {
        this.settings = settings;
        this.sourceTopic = sourceTopic;
        this.type = type;
        this.datasetOf = datasetOf;
        this.ready = ready;
        this.meters = meters;
        this.name = "label-space-gate-" + sourceTopic;
    }

    @Override
    public KStream<String, V> addTo(StreamsBuilder builder, KStream<String, V> input, StageSerdes serdes) {
        String storeName = StoreNames.labelSpaceWait(sourceTopic);
        // The changelog takes any record that may wait (the broker's default limit is about 1 MiB, below a whole
        // record of a topic at that limit plus what the gate keeps with it).
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        settings.stores().keyValue(storeName), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(Topics.DEAD_LETTER_MAX_MESSAGE_BYTES))));
        Serde<V> asOnSource = serdes.valueAsOn(sourceTopic, type);
        KStream<String, V> gated = input.process(() -> new Gate(storeName, asOnSource), Named.as(name), storeName);
        // The gate forwards to its two children by name: records that waited too long to the dead letters...
        gated.to(
                DeadLetterHeaders.topicFor(sourceTopic),
                Produced.with(Serdes.String(), asOnSource).withName(deadLettersNode()));
        // ...and the others on down the pipeline, through this node.
        return gated.mapValues(value -> value, Named.as(releasedNode()));
    }

    private String deadLettersNode() {
        return name + "-dlq";
    }

    private String releasedNode() {
        return name + "-released";
    }

    /** One task's gate: its waiting records are in its store, and counted per dataset here and in the tally. */
    private final class Gate implements Processor<String, V, String, V> {
        private final String storeName;
        private final Serde<V> asOnSource;
        private final Map<String, Waiting> waiting = new HashMap<>();
        /**
         * Datasets seen ready since the last check: a lookup in the global store decodes the whole class list
         * (1,000 classes for ImageNet), too much for every record.
         */
        private final Set<String> known = new HashSet<>();

        private ProcessorContext<String, V> context;
        private KeyValueStore<Bytes, byte[]> store;
        private KeyValueStore<String, DatasetInfo> labelSpaces;

        Gate(String storeName, Serde<V> asOnSource) {
            this.storeName = storeName;
            this.asOnSource = asOnSource;
        }

        @Override
        public void init(ProcessorContext<String, V> context) {
            this.context = context;
            this.store = context.getStateStore(storeName);
            this.labelSpaces = context.getStateStore(StoreNames.LABEL_SPACES);
            // After a restart or a rebalance the records that waited here wait on, with their arrival times.
            try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
                while (all.hasNext()) {
                    KeyValue<Bytes, byte[]> entry = all.next();
                    String dataset = datasetOfKey(entry.key);
                    long size = entry.key.get().length + entry.value.length;
                    waiting.computeIfAbsent(
                                    dataset,
                                    d -> new Waiting(Held.decode(entry.value).arrivedAt()))
                            .add(size);
                    tally.add(dataset, 1, size);
                }
            }
            long interval = Math.max(
                    10,
                    Math.min(MAX_CHECK_INTERVAL.toMillis(), settings.timeout().toMillis() / 10));
            context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::check);
        }

        @Override
        public void process(Record<String, V> record) {
            String dataset = record.value() == null ? null : datasetOf.apply(record.value());
            // Tombstones and records without a dataset go on, for the next stage to refuse with its reason.
            if (dataset == null || known.contains(dataset)) {
                context.forward(record, releasedNode());
                return;
            }
            DatasetInfo info = labelSpaces.get(dataset);
            if (info != null && isReady(dataset, info)) {
                context.forward(record, releasedNode());
                return;
            }
            if (dataset.length() > settings.maxDatasetChars()) {
                throw new BadImageException(
                        BadImageException.Reason.FIELD_LIMIT,
                        "the dataset id has " + dataset.length() + " characters, over record.max.text.chars="
                                + settings.maxDatasetChars() + ", and no label space: it cannot wait for one");
            }
            String why = info == null
                    ? "has no label space on topic " + settings.datasetsTopic()
                    : "has its label space still being prepared (its prompts encoded)";
            RecordMetadata source = context.recordMetadata().orElseThrow();
            long now = context.currentSystemTimeMs();
            Bytes key = key(dataset, source.offset());
            byte[] held = new Held(
                            now,
                            record.timestamp(),
                            source.partition(),
                            source.offset(),
                            record.key(),
                            asOnSource.serializer().serialize(sourceTopic, record.value()))
                    .encode();
            long size = key.get().length + held.length;
            if (size > MAX_HELD_BYTES) {
                throw new BadImageException(
                        BadImageException.Reason.NO_LABEL_SPACE,
                        "dataset '" + LogText.of(dataset) + "' " + why
                                + ", and this record is too large to wait for it (" + size + " bytes, more than "
                                + MAX_HELD_BYTES + "): publish the label space (or correct the dataset id), then "
                                + "replay");
            }
            if (!tally.tryAdd(dataset, size)) {
                // Thrown: the dead-letter handler writes the source record's own bytes.
                throw new BadImageException(
                        BadImageException.Reason.NO_LABEL_SPACE,
                        "dataset '" + LogText.of(dataset) + "' " + why
                                + ", and the records waiting for label spaces here already hold " + tally.bytes()
                                + " bytes of the " + settings.maxBytes() + " that inference.label.space.wait.max.bytes"
                                + " allows: publish the label space (or correct the dataset id), then replay");
            }
            store.put(key, held);
            waiting.computeIfAbsent(dataset, d -> new Waiting(now)).add(size);
        }

        private boolean isReady(String dataset, DatasetInfo info) {
            if (!ready.test(info)) {
                return false;
            }
            known.add(dataset);
            return true;
        }

        /** Releases the records whose label space arrived and dead-letters those that waited too long. */
        private void check(long now) {
            known.clear();
            long deadline = System.nanoTime() + CHECK_BUDGET.toNanos();
            Iterator<Map.Entry<String, Waiting>> datasets = waiting.entrySet().iterator();
            while (datasets.hasNext() && System.nanoTime() < deadline) {
                Map.Entry<String, Waiting> entry = datasets.next();
                String dataset = entry.getKey();
                DatasetInfo info = labelSpaces.get(dataset);
                boolean released;
                BadImageException refused = null;
                try {
                    released = info != null && isReady(dataset, info);
                } catch (BadImageException unusable) {
                    // Published, but no classifier can be built from it: every waiting record goes at once.
                    released = false;
                    refused = unusable;
                }
                long waited = now - entry.getValue().oldestArrivedAt;
                if (info == null && waited >= WARN_AFTER.toMillis() && tally.firstWarning(dataset)) {
                    log.warn(
                            "Records of dataset '{}' on topic {} have waited {} s for its label space on topic {} (at "
                                    + "most {} ms, then they are dead-lettered to {}): publish the label space, or "
                                    + "correct the dataset id of the records",
                            LogText.of(dataset),
                            sourceTopic,
                            waited / 1000,
                            settings.datasetsTopic(),
                            settings.timeout().toMillis(),
                            DeadLetterHeaders.topicFor(sourceTopic));
                }
                // Records of a published label space wait for it to be ready with no time limit; others expire.
                if (!released
                        && refused == null
                        && (info != null
                                || now - entry.getValue().oldestArrivedAt
                                        < settings.timeout().toMillis())) {
                    continue;
                }
                int expired = drain(dataset, entry.getValue(), released, refused, now, deadline);
                if (entry.getValue().records == 0) {
                    datasets.remove();
                }
                if (expired > 0 && refused == null) {
                    log.warn(
                            "{} records of dataset '{}' waited {} ms for its label space on topic {}: dead-lettered to "
                                    + "{} (NO_LABEL_SPACE). Publish the label space (or correct the dataset id of the "
                                    + "records), then replay them: lr0 dlq replay --topic {} --reason NO_LABEL_SPACE",
                            expired,
                            LogText.of(dataset),
                            settings.timeout().toMillis(),
                            settings.datasetsTopic(),
                            DeadLetterHeaders.topicFor(sourceTopic),
                            DeadLetterHeaders.topicFor(sourceTopic));
                }
            }
        }

        /**
         * Takes the waiting records of {@code dataset} out in arrival order, until the deadline: with its label
         * space there, all of them, on down the pipeline; with its label space {@code refused}, all of them, to the
         * dead letters with that reason; else those that waited too long, to the dead letters. Returns how many
         * were dead-lettered.
         */
        private int drain(
                String dataset,
                Waiting waitingOfDataset,
                boolean released,
                BadImageException refused,
                long now,
                long deadline) {
            int expired = 0;
            try (KeyValueIterator<Bytes, byte[]> records = store.prefixScan(prefix(dataset), new BytesSerializer())) {
                while (records.hasNext() && System.nanoTime() < deadline) {
                    KeyValue<Bytes, byte[]> entry = records.next();
                    Held held = Held.decode(entry.value);
                    if (!released
                            && refused == null
                            && now - held.arrivedAt() < settings.timeout().toMillis()) {
                        waitingOfDataset.oldestArrivedAt = held.arrivedAt();
                        break;
                    }
                    store.delete(entry.key);
                    long size = entry.key.get().length + entry.value.length;
                    waitingOfDataset.remove(size);
                    tally.add(dataset, -1, -size);
                    Record<String, V> record = new Record<>(
                            held.key(),
                            asOnSource.deserializer().deserialize(sourceTopic, held.value()),
                            held.timestamp());
                    if (released) {
                        release(record, held);
                    } else if (refused != null) {
                        deadLetter(record, held, refused);
                        expired++;
                    } else {
                        deadLetter(
                                record,
                                held,
                                new BadImageException(
                                        BadImageException.Reason.NO_LABEL_SPACE,
                                        "no label space for dataset '" + LogText.of(dataset) + "' on topic "
                                                + settings.datasetsTopic() + " within inference.label.space.wait.ms ("
                                                + settings.timeout().toMillis() + " ms): publish it (or correct the "
                                                + "dataset id), then replay"));
                        expired++;
                    }
                }
            }
            return expired;
        }

        private void release(Record<String, V> record, Held held) {
            try {
                context.forward(record, releasedNode());
            } catch (TaskMigratedException | TaskCorruptedException lost) {
                // Not the record's doing: the task must move or restore, and the record still waits.
                throw lost;
            } catch (StreamsException refused) {
                // A later stage refused the record. Forwarded by a punctuation, it has no source record for the
                // dead-letter handler to write (DeadLetterHandler fails it instead, and Kafka Streams raises the
                // failure wrapped), but the gate still holds it.
                deadLetter(record, held, refused.getCause() == null ? refused : refused.getCause());
            }
        }

        private void deadLetter(Record<String, V> record, Held held, Throwable reason) {
            Record<String, V> letter = new Record<>(record.key(), record.value(), record.timestamp());
            DeadLetters.addHeaders(letter.headers(), sourceTopic, held.partition(), held.offset(), name, reason);
            context.forward(letter, deadLettersNode());
            DeadLetters.count(meters, DeadLetterHeaders.topicFor(sourceTopic), reason);
        }

        @Override
        public void close() {
            // The task leaves this instance (or the instance stops): its records wait wherever it goes next.
            waiting.forEach((dataset, counts) -> tally.add(dataset, -counts.records, -counts.bytes));
            waiting.clear();
        }
    }

    /** One task's waiting records of one dataset. */
    private static final class Waiting {
        private long records;
        private long bytes;
        /** When the oldest of them arrived (at most that old: refreshed as they are dead-lettered). */
        private long oldestArrivedAt;

        Waiting(long oldestArrivedAt) {
            this.oldestArrivedAt = oldestArrivedAt;
        }

        void add(long size) {
            records++;
            bytes += size;
        }

        void remove(long size) {
            records--;
            bytes -= size;
        }
    }

    /**
     * What waits behind this gate in this instance, over all its tasks: for the byte bound, the gauges of each
     * dataset (there while it has records waiting) and one warning per dataset while it waits.
     */
    private final class Tally {
        private long bytes;
        private final Map<String, Counts> byDataset = new HashMap<>();

        private record Counts(AtomicLong records, AtomicLong bytes, List<Meter> gauges, AtomicBoolean warned) {}

        synchronized long bytes() {
            return bytes;
        }

        /** Counts one more waiting record of {@code size} bytes, unless it would pass the bound. */
        synchronized boolean tryAdd(String dataset, long size) {
            if (bytes + size > settings.maxBytes()) {
                return false;
            }
            add(dataset, 1, size);
            return true;
        }

        synchronized void add(String dataset, long records, long size) {
            bytes += size;
            Counts counts = byDataset.computeIfAbsent(dataset, this::startWaiting);
            counts.bytes().addAndGet(size);
            if (counts.records().addAndGet(records) == 0) {
                byDataset.remove(dataset);
                counts.gauges().forEach(meters::remove);
            }
        }

        /** Whether {@code dataset}, now waiting, is to be warned about: once while it has records waiting. */
        synchronized boolean firstWarning(String dataset) {
            Counts counts = byDataset.get(dataset);
            return counts != null && counts.warned().compareAndSet(false, true);
        }

        private Counts startWaiting(String dataset) {
            AtomicLong records = new AtomicLong();
            AtomicLong size = new AtomicLong();
            String[] tags = {"dataset", dataset, "topic", sourceTopic};
            return new Counts(
                    records,
                    size,
                    List.of(
                            meters.gauge(OperationalMetrics.LABEL_SPACE_WAITING, records, tags),
                            meters.gauge(OperationalMetrics.LABEL_SPACE_WAITING_BYTES, size, tags)),
                    new AtomicBoolean());
        }
    }

    /** A waiting record as stored: when it arrived, its timestamp, where it came from, its key and its bytes. */
    private record Held(long arrivedAt, long timestamp, int partition, long offset, String key, byte[] value) {
        byte[] encode() {
            byte[] keyBytes = key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(8 + 8 + 4 + 8 + 4 + keyBytes.length + value.length)
                    .putLong(arrivedAt)
                    .putLong(timestamp)
                    .putInt(partition)
                    .putLong(offset)
                    .putInt(key == null ? -1 : keyBytes.length)
                    .put(keyBytes)
                    .put(value)
                    .array();
        }

        static Held decode(byte[] bytes) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long arrivedAt = buffer.getLong();
            long timestamp = buffer.getLong();
            int partition = buffer.getInt();
            long offset = buffer.getLong();
            int keyLength = buffer.getInt();
            String key = null;
            if (keyLength >= 0) {
                key = new String(bytes, buffer.position(), keyLength, StandardCharsets.UTF_8);
                buffer.position(buffer.position() + keyLength);
            }
            byte[] value = new byte[buffer.remaining()];
            buffer.get(value);
            return new Held(arrivedAt, timestamp, partition, offset, key, value);
        }
    }

    /**
     * The store key: the dataset, length first (so one dataset's records are one prefix, whatever the names), then
     * the source offset, big-endian (so they come back in arrival order).
     */
    private static Bytes key(String dataset, long offset) {
        byte[] name = dataset.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + name.length + 8)
                .putInt(name.length)
                .put(name)
                .putLong(offset)
                .array());
    }

    private static Bytes prefix(String dataset) {
        byte[] name = dataset.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + name.length)
                .putInt(name.length)
                .put(name)
                .array());
    }

    private static String datasetOfKey(Bytes key) {
        byte[] bytes = key.get();
        return new String(bytes, 4, ByteBuffer.wrap(bytes).getInt(), StandardCharsets.UTF_8);
    }
}
