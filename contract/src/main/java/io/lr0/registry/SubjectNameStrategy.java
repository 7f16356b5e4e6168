package io.lr0.registry;

import java.util.Arrays;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/**
 * Confluent's subject name strategies, chosen with {@code key.subject.name.strategy} and
 * {@code value.subject.name.strategy} under Confluent's class names (or their simple names): the subject a record's
 * schema is registered and looked up under.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema (and its evolution) per topic. Confluent's default. */
    TOPIC("TopicNameStrategy"),
    /** The record's full name: one record type's evolution across every topic it is written to. */
    RECORD("RecordNameStrategy"),
    /** {@code <topic>-<record full name>}: several record types in one topic, each evolving on its own. */
    TOPIC_RECORD("TopicRecordNameStrategy");

    private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

    private final String simpleName;

    SubjectNameStrategy(String simpleName) {
        this.simpleName = simpleName;
    }

    /** The subject of a record of {@code schema} written to {@code topic}. */
    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC -> topic + (isKey ? "-key" : "-value");
            case RECORD -> schema.getFullName();
            case TOPIC_RECORD -> topic + "-" + schema.getFullName();
        };
    }

    /** The strategy a setting names; another (a custom class) is refused at configuration, naming those supported. */
    static SubjectNameStrategy parse(String key, String value) {
        if (value == null || value.isBlank()) {
            return TOPIC;
        }
        String name = value.trim();
        String simple = name.startsWith(CONFLUENT_PACKAGE) ? name.substring(CONFLUENT_PACKAGE.length()) : name;
        return Arrays.stream(values())
                .filter(strategy ->
                        strategy.simpleName.toLowerCase(Locale.ROOT).equals(simple.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new ConfigException(
                        key,
                        value,
                        "lr0's serdes support Confluent's " + CONFLUENT_PACKAGE + "TopicNameStrategy, "
                                + "RecordNameStrategy and TopicRecordNameStrategy, not custom strategies"));
    }
}
