package io.lr0.contract;

/**
 * The names of image sources ({@code ImageRecord.source}, carried into every prediction), built here and nowhere
 * else: {@code <kind>:<name>}. Metrics without labels are kept per source, and the dashboard lists the live kinds
 * (camera, push) first.
 */
public final class Sources {
    private Sources() {}

    /** A camera read by {@code lr0 produce camera --name NAME}. */
    public static String camera(String name) {
        return "camera:" + name;
    }

    /** A camera or application posting to {@code lr0 produce http} as {@code ?camera=NAME}. */
    public static String pushed(String name) {
        return "http:" + name;
    }

    /** A dataset read by {@code lr0 produce dataset} or the demo. */
    public static String dataset(String labelSpaceId) {
        return "dataset:" + labelSpaceId;
    }

    /** A watched directory. */
    public static String watched(String directory) {
        return "watch:" + directory;
    }
}
