package io.lr0.registry;

/** Confluent's default TopicNameStrategy: the subject of a topic's keys or values. */
public final class SubjectNames {
    private SubjectNames() {}

    public static String of(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
