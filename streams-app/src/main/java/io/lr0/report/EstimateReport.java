package io.lr0.report;

import io.lr0.schema.EstimatedAccuracy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The estimated accuracy's latest values as a table: a row per model, source (and group), resolution and method
 * with the estimate, and beside it the measured top-1 and the error in points where the source is labelled (the
 * estimate's own check). The numbers are the records'; nothing is recomputed.
 */
public final class EstimateReport {
    private static final Comparator<EstimatedAccuracy> ORDER = Comparator.comparing(EstimatedAccuracy::getModel)
            .thenComparing(EstimatedAccuracy::getDataset)
            .thenComparing(EstimatedAccuracy::getSource)
            .thenComparing(EstimatedAccuracy::getGroup, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(EstimatedAccuracy::getSrMethod)
            .thenComparing(EstimatedAccuracy::getResolution, Comparator.nullsFirst(Comparator.naturalOrder()));

    private final List<EstimatedAccuracy> rows = new ArrayList<>();

    /** Cumulative estimates, each the latest of its key; windowed ones are left out. */
    public EstimateReport(List<EstimatedAccuracy> estimates) {
        estimates.stream().filter(e -> e.getWindowStart() == null).sorted(ORDER).forEach(rows::add);
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table in Markdown ({@code markdown}) or aligned text. */
    public String render(boolean markdown) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of(
                "model",
                "dataset",
                "source",
                "resolution",
                "method",
                "samples",
                "estimated top-1",
                "measured top-1",
                "error (points)",
                "calibrated on"));
        for (EstimatedAccuracy row : rows) {
            Double measured = row.getMeasuredTop1();
            cells.add(List.of(
                    Tables.printable(row.getModel()),
                    Tables.printable(row.getDataset()),
                    Tables.printable(row.getSource() + (row.getGroup() == null ? "" : " #" + row.getGroup())),
                    row.getResolution() == null ? "native" : row.getResolution() + "px",
                    row.getSrMethod(),
                    String.valueOf(row.getSamples()),
                    percent(row.getEstimatedTop1()),
                    measured == null ? "" : percent(measured),
                    measured == null ? "" : points(row.getEstimatedTop1() - measured),
                    String.valueOf(row.getCalibrationVersion())));
        }
        return markdown ? Tables.markdown(cells) : Tables.aligned(cells);
    }

    /** A difference of shares in signed points; one that rounds to zero is +0.00, not -0.00. */
    private static String points(double difference) {
        double points = 100 * difference;
        return String.format(Locale.ROOT, "%+.2f", Math.abs(points) < 0.005 ? 0.0 : points);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f", 100 * share);
    }
}
