package io.lr0.dlq;

import io.lr0.contract.DeadLetterHeaders;
import io.lr0.runtime.records.TopicReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reads a dead-letter topic and sends the chosen records back to the topic they came from, once the cause is fixed
 * (a limit raised, a label space published, a bug fixed, a registry back). Position is kept per dead-letter topic in
 * the consumer group {@code <group>}, and each pass sends and commits that position in one Kafka transaction: a
 * crashed replay resumes without sending anything twice, and a second replay sends only what arrived since.
 *
 * <p>Replays of one dead-letter topic in one group are exclusive, so that concurrent ones never send a dead letter
 * twice: all use one transactional id, and each initialises its transactions <em>before</em> it reads the position.
 * Initialising fences every earlier replay (its transaction, if still open, is aborted and it can commit nothing),
 * so the position this replay then reads has every earlier replay's commit in it or none of its sends. A fenced
 * replay ends with {@link TakenOver}. (A transactional id of its own per run, or per selection, would fence nothing:
 * two runs reading position 0 before either committed each sent every dead letter.)
 */
public final class DeadLetterReplay {
    /** Header on a replayed record: {@code <dlq topic>/<partition>/<offset>} it was replayed from. */
    public static final String REPLAYED_FROM = "lr0.dlq.replayed.from";

    /** One dead letter, as read. */
    public record DeadLetter(
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            String reason,
            String message,
            String sourceTopic,
            String sourceOffset) {
        public String keyText() {
            return key == null ? "" : new String(key, StandardCharsets.UTF_8);
        }
    }

    /** What a replay did: records sent back, per reason, and records read but left out by the filter. */
    public record Outcome(int replayed, int skipped, Map<String, Integer> replayedByReason) {}

    /** A replay fenced by another replay of the same topic that started while it ran: it sent nothing. */
    public static final class TakenOver extends RuntimeException {
        TakenOver(String dlqTopic, String group) {
            super("Another replay of " + dlqTopic + " (group " + group + ") started while this one ran and took "
                    + "over: this one replayed nothing (its transaction was aborted), the other replays what is left");
        }
    }

    private final Map<String, Object> kafkaClientConfig;

    /** {@code kafkaClientConfig}: bootstrap servers and client security settings. */
    public DeadLetterReplay(Map<String, Object> kafkaClientConfig) {
        this.kafkaClientConfig = Map.copyOf(kafkaClientConfig);
    }

    /** Every committed dead letter in {@code dlqTopic}, from the beginning to the end at the time of the call. */
    public void list(String dlqTopic, Consumer<DeadLetter> sink) {
        TopicReader.readAll(kafkaClientConfig, dlqTopic, record -> sink.accept(deadLetter(record)));
    }

    /**
     * Sends every dead letter that {@code selected} accepts, read from the group's position up to the end at the
     * time of the call, back to its source topic (or {@code toTopic} when not null) with its original key and value,
     * and moves the position past everything read. {@code fromBeginning} re-reads the topic from the start.
     * {@code dryRun} sends and commits nothing, only counts.
     */
    public Outcome replay(
            String dlqTopic,
            String group,
            Predicate<DeadLetter> selected,
            String toTopic,
            boolean fromBeginning,
            boolean dryRun) {
        Map<String, Integer> byReason = new HashMap<>();
        int[] skipped = {0};
        List<ProducerRecord<byte[], byte[]>> toSend = new ArrayList<>();
        // The producer fences earlier replays before the consumer reads the position (a dry run fences nobody).
        try (KafkaProducer<byte[], byte[]> producer = dryRun ? null : exclusiveProducer(dlqTopic, group);
                KafkaConsumer<byte[], byte[]> consumer = TopicReader.consumer(kafkaClientConfig, group)) {
            List<TopicPartition> partitions = TopicReader.partitions(consumer, dlqTopic);
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            }
            Map<TopicPartition, OffsetAndMetadata> readUpTo = TopicReader.readToEnd(consumer, partitions, record -> {
                DeadLetter deadLetter = deadLetter(record);
                String target = toTopic != null ? toTopic : deadLetter.sourceTopic();
                if (!selected.test(deadLetter) || target == null) {
                    skipped[0]++;
                    return;
                }
                ProducerRecord<byte[], byte[]> replayed = new ProducerRecord<>(target, record.key(), record.value());
                replayed.headers()
                        .add(
                                REPLAYED_FROM,
                                (record.topic() + "/" + record.partition() + "/" + record.offset())
                                        .getBytes(StandardCharsets.UTF_8));
                toSend.add(replayed);
                byReason.merge(deadLetter.reason(), 1, Integer::sum);
            });
            if (!dryRun && !readUpTo.isEmpty()) {
                try {
                    producer.beginTransaction();
                    toSend.forEach(producer::send);
                    // The position moves in the same transaction as the sends: all of them happen, or none.
                    producer.sendOffsetsToTransaction(readUpTo, consumer.groupMetadata());
                    producer.commitTransaction();
                } catch (KafkaException e) {
                    if (fenced(e)) {
                        throw new TakenOver(dlqTopic, group);
                    }
                    throw e;
                }
            }
        }
        return new Outcome(toSend.size(), skipped[0], byReason);
    }

    /** A transactional producer with the one id of the replays of {@code dlqTopic} in {@code group}, initialised. */
    private KafkaProducer<byte[], byte[]> exclusiveProducer(String dlqTopic, String group) {
        Map<String, Object> config = new HashMap<>(kafkaClientConfig);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lr0-dlq-replay-" + group + "-" + dlqTopic);
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
        return producer;
    }

    /** Whether {@code error} says a later producer with the same transactional id fenced this one. */
    private static boolean fenced(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record) {
        return new DeadLetter(
                record.topic(),
                record.partition(),
                record.offset(),
                record.key(),
                record.value(),
                header(record, DeadLetterHeaders.REASON),
                header(record, DeadLetterHeaders.MESSAGE),
                header(record, DeadLetterHeaders.SOURCE_TOPIC),
                header(record, DeadLetterHeaders.SOURCE_OFFSET));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
