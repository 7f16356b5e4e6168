package io.lr0.contract;

/**
 * Where a refused record goes and what it carries: its raw key and value on {@code <source topic>-dlq}, with these
 * headers naming the reason and the record's origin (so it can be fixed and replayed).
 */
public final class DeadLetterHeaders {
    public static final String TOPIC_SUFFIX = "-dlq";
    /** Machine-readable reason, e.g. CORRUPT_IMAGE, PIXEL_LIMIT, UNKNOWN_SCHEMA_ID. */
    public static final String REASON = "lr0.dlq.reason";
    /** Human-readable message saying what was wrong. */
    public static final String MESSAGE = "lr0.dlq.message";
    /** Class of the exception raised. */
    public static final String EXCEPTION = "lr0.dlq.exception";

    public static final String SOURCE_TOPIC = "lr0.dlq.source.topic";
    public static final String SOURCE_PARTITION = "lr0.dlq.source.partition";
    public static final String SOURCE_OFFSET = "lr0.dlq.source.offset";
    /** Topology node that refused the record. */
    public static final String PROCESSOR = "lr0.dlq.processor";

    private DeadLetterHeaders() {}

    /** The dead-letter topic of {@code sourceTopic}. */
    public static String topicFor(String sourceTopic) {
        return sourceTopic + TOPIC_SUFFIX;
    }
}
