package io.lr0.image;

/**
 * An image that cannot be processed, with a machine-readable reason (it becomes the dead-letter reason header) and
 * a message saying what was wrong.
 */
public class BadImageException extends RuntimeException {

    /** Why an image was refused; the names are the values of the DLQ reason header. */
    public enum Reason {
        /** Bytes that do not decode: truncated, corrupt, or not the declared format. */
        CORRUPT_IMAGE,
        /** An encoding this version does not know. */
        UNKNOWN_ENCODING,
        /** Zero, negative or inconsistent width/height, or a raw buffer of the wrong length. */
        BAD_DIMENSIONS,
        /** More pixels than image.max.pixels (checked from the header, before decoding). */
        PIXEL_LIMIT,
        /** A payload larger than image.max.bytes. */
        BYTE_LIMIT,
        /** A request the stage cannot honour (e.g. a degradation to a size the image already is below). */
        BAD_REQUEST,
        /** A super-resolution factor above sr.max.scale (LIIF is trained for up to x4 and evaluated up to x30). */
        SCALE_TOO_LARGE,
        /** A super-resolution target smaller than the source: super-resolution only enlarges. */
        TARGET_SMALLER_THAN_SOURCE,
        /** A record with no value (a tombstone) where an image was expected. */
        EMPTY_RECORD,
        /**
         * An id, source, dataset id, label or group longer than record.max.text.chars, or attributes larger than
         * record.max.attributes.bytes: they are copied into every output record, which must stay within what the
         * producer and broker accept.
         */
        FIELD_LIMIT,
        /**
         * No label space for the record's dataset on the datasets topic within inference.label.space.wait.ms, or
         * more records waiting for label spaces than inference.label.space.wait.max.bytes: publish the label space
         * (or correct the dataset id), then replay.
         */
        NO_LABEL_SPACE,
        /**
         * The record's dataset has a label space no classifier can be built from (no classes, a blank or repeated
         * class name, more prompts than inference.label.space.max.prompts): dead-lettered at once; publish a
         * usable one, then replay.
         */
        BAD_LABEL_SPACE
    }

    private final Reason reason;

    public BadImageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BadImageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
