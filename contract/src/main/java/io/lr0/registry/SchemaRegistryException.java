package io.lr0.registry;

/**
 * An error answered by a schema registry, carrying Confluent's numeric error code (e.g. 40401) and HTTP status.
 * The nested subclasses name the cases a caller is expected to handle.
 */
public class SchemaRegistryException extends RuntimeException {
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    /** A subject name with control characters or of unreasonable length. */
    public static final int INVALID_SUBJECT = 42208;

    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int UNAUTHORIZED = 40101;
    public static final int STORE_ERROR = 50001;
    /** A request body over the registry's limit (HTTP 413). */
    public static final int REQUEST_TOO_LARGE = 41301;

    private final int httpStatus;
    private final int errorCode;
    private final String detail;

    public SchemaRegistryException(int httpStatus, int errorCode, String message) {
        super(message + " (HTTP " + httpStatus + ", error code " + errorCode + ")");
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.detail = message;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = -1;
        this.errorCode = -1;
        this.detail = message;
    }

    /** The message alone, as a registry puts it in its error body. */
    public String detail() {
        return detail;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    /**
     * Whether the registry could not answer at all (unreachable, interrupted) or failed on its side (HTTP 5xx): an
     * outage to wait out, not a fault of the schema or of the record being written.
     */
    public boolean isOutage() {
        return httpStatus == -1 || httpStatus >= 500;
    }

    /** The registry outage somewhere in {@code error}'s causes, or null: a serializer wraps what the client threw. */
    public static SchemaRegistryException outageIn(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registry && registry.isOutage()) {
                return registry;
            }
        }
        return null;
    }

    /** Maps a registry error answer to the most specific exception type. */
    public static SchemaRegistryException of(int httpStatus, int errorCode, String message) {
        return switch (errorCode) {
            case SUBJECT_NOT_FOUND, VERSION_NOT_FOUND, SCHEMA_NOT_FOUND -> new NotFound(httpStatus, errorCode, message);
            case INVALID_SCHEMA, INVALID_VERSION -> new Invalid(httpStatus, errorCode, message);
            case INCOMPATIBLE_SCHEMA -> new Incompatible(httpStatus, errorCode, message);
            default -> new SchemaRegistryException(httpStatus, errorCode, message);
        };
    }

    /** 40401 subject, 40402 version or 40403 schema not found. */
    public static final class NotFound extends SchemaRegistryException {
        public NotFound(int httpStatus, int errorCode, String message) {
            super(httpStatus, errorCode, message);
        }
    }

    /** 42201 invalid schema or 42202 invalid version. */
    public static final class Invalid extends SchemaRegistryException {
        public Invalid(int httpStatus, int errorCode, String message) {
            super(httpStatus, errorCode, message);
        }
    }

    /** 409: the schema breaks the subject's compatibility rule. */
    public static final class Incompatible extends SchemaRegistryException {
        public Incompatible(int httpStatus, int errorCode, String message) {
            super(httpStatus, errorCode, message);
        }
    }
}
