package io.lr0.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lr0.app.Lr0Config;
import io.lr0.registry.AvroDeserializer;
import io.lr0.registry.RegistryConfig;
import io.lr0.runtime.records.AvroJson;
import io.lr0.runtime.records.TopicReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lr0 consume}: a console consumer that decodes through the schema registry, for users without Confluent's. */
@Command(
        name = "consume",
        mixinStandardHelpOptions = true,
        description = "Print a topic's records as JSON lines (read_committed): topic, partition, offset, timestamp, "
                + "key, headers and the value decoded through the schema registry, bytes shown as their size. A "
                + "record that cannot be decoded is printed with the reason, and the command goes on. Without "
                + "--from-beginning it shows the records written from now on, until Ctrl-C or --max.")
final class ConsumeCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "TOPIC", description = "The topic to read.")
    String topic;

    @Option(
            names = "--from-beginning",
            description = "Start at the earliest record, and stop at the end the topic had at start unless --follow.")
    boolean fromBeginning;

    @Option(names = "--follow", description = "Keep waiting for new records (until Ctrl-C or --max).")
    boolean follow;

    @Option(names = "--max", defaultValue = "0", description = "Stop after this many records printed (0: no limit).")
    long max;

    @Option(names = "--key", paramLabel = "REGEX", description = "Only records whose key matches REGEX (whole key).")
    String key;

    /** Where lines go; tests replace it. */
    PrintStream out = System.out;

    @Override
    public Integer call() {
        Pattern keyPattern;
        try {
            keyPattern = key == null ? null : Pattern.compile(key);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("--key is not a regular expression: " + e.getDescription(), e);
        }
        if (max < 0) {
            throw new IllegalArgumentException("--max must be 0 (no limit) or more, was " + max);
        }
        Lr0Config settings = cluster.loadReachable();
        Map<String, Object> serde = new HashMap<>(settings.serdeConfig());
        // Any topic, any schema: read into generic records with the writer's schema.
        serde.put(RegistryConfig.SPECIFIC_AVRO_READER, "false");
        boolean following = follow || !fromBeginning;
        try (KafkaConsumer<byte[], byte[]> consumer = TopicReader.consumer(settings.kafkaClientConfig(), null);
                AvroDeserializer<Object> values = new AvroDeserializer<>()) {
            values.configure(serde, false);
            List<TopicPartition> partitions = TopicReader.partitions(consumer, topic);
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            // Ctrl-C wakes the poll up, so the consumer closes cleanly.
            Thread hook = new Thread(consumer::wakeup, "lr0-consume-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            long[] printed = {0};
            try {
                if (following) {
                    while (max == 0 || printed[0] < max) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                            if (print(record, values, keyPattern) && ++printed[0] == max) {
                                break;
                            }
                        }
                    }
                } else {
                    TopicReader.readToEnd(consumer, partitions, record -> {
                        if ((max == 0 || printed[0] < max) && print(record, values, keyPattern)) {
                            printed[0]++;
                        }
                    });
                }
            } catch (WakeupException stopped) {
                // Ctrl-C: what was printed stands.
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The JVM is already exiting: the hook has run.
                }
            }
            out.flush();
            System.err.printf("%d records from %s.%n", printed[0], topic);
        }
        return 0;
    }

    /** Prints one record as a JSON line if its key matches; false when it was filtered out. */
    private boolean print(ConsumerRecord<byte[], byte[]> record, AvroDeserializer<Object> values, Pattern keyPattern) {
        String recordKey = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (keyPattern != null
                && (recordKey == null || !keyPattern.matcher(recordKey).matches())) {
            return false;
        }
        ObjectNode line = AvroJson.MAPPER.createObjectNode();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", record.timestamp());
        line.put("key", recordKey);
        if (record.headers().iterator().hasNext()) {
            ObjectNode headers = line.putObject("headers");
            for (Header header : record.headers()) {
                headers.put(
                        header.key(),
                        header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        if (record.value() == null) {
            line.putNull("value");
        } else {
            try {
                line.set(
                        "value",
                        AvroJson.toJson(values.deserialize(record.topic(), record.value()), AvroJson.Bytes.SIZE));
            } catch (RuntimeException e) {
                line.put("error", "not decoded (" + record.value().length + " bytes): " + e.getMessage());
            }
        }
        out.println(line);
        return true;
    }
}
