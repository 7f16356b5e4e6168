package io.lr0.contract;

/** The state stores lr0's topology keeps, by the names the query API and the changelog topics carry. */
public final class StoreNames {
    /** The datasets topic as a global store: every instance sees every label space. */
    public static final String LABEL_SPACES = "datasets";
    /** Variants waiting for their inference batch (changelogged): see {@link #inferenceParked}. */
    private static final String INFERENCE_PARKED = "inference-parked";
    /** Variants waiting for their LIIF batch (changelogged). */
    public static final String SUPERRES_PARKED = "superres-parked";
    /** Cumulative counts per model and dataset. */
    public static final String ACCURACY_BY_DATASET = "accuracy-by-dataset";
    /** Per-window counts per model and dataset. */
    public static final String ACCURACY_BY_DATASET_WINDOWED = "accuracy-by-dataset-windowed";
    /** All datasets of a model, for SAR/WAR. */
    public static final String ACCURACY_BY_MODEL = "accuracy-by-model";
    /** The last predictions of each task. */
    public static final String RECENT_PREDICTIONS = "recent-predictions";
    /** Running label-free agreement per model and source (AgreementState). */
    public static final String AGREEMENT_BY_SOURCE = "agreement-by-source";
    /** Per-window label-free agreement per model and source. */
    public static final String AGREEMENT_BY_SOURCE_WINDOWED = "agreement-by-source-windowed";
    /** Labelled top-1 score histograms per model, label space, resolution and method: calibrations' counts. */
    public static final String CALIBRATION_BY_DATASET = "calibration-by-dataset";
    /** The calibrations as read back from their topic, per model, label space, resolution and method. */
    public static final String CALIBRATIONS = "calibrations";
    /** Top-1 score histograms per model, label space, source, group, resolution and method (ConfidenceState). */
    public static final String CONFIDENCE_BY_SOURCE = "confidence-by-source";
    /** The same per tumbling window. */
    public static final String CONFIDENCE_BY_SOURCE_WINDOWED = "confidence-by-source-windowed";
    /** The latest estimate per model, label space, source, group, resolution and method (EstimatedAccuracy). */
    public static final String ESTIMATES = "estimates";
    /** Per alert rule and subject: its latest windows and whether it fires (AlertState). */
    public static final String ALERT_STATE = "alert-state";

    private StoreNames() {}

    /**
     * Variants waiting for the inference batch of the model at {@code lane} (0-based) of {@code inference.model}: the
     * first model keeps the name it had when lr0 ran one model, so its changelog carries over.
     */
    public static String inferenceParked(int lane) {
        return INFERENCE_PARKED + Lanes.suffix(lane);
    }

    /** Records of {@code sourceTopic} waiting for their dataset's label space (on disk, changelogged). */
    public static String labelSpaceWait(String sourceTopic) {
        return "label-space-wait-" + sourceTopic;
    }
}
