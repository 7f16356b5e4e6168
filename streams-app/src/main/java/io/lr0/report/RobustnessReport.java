package io.lr0.report;

import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * LR0.FM's table from the metric topics' latest values: a row per (model, dataset), a column per (resolution,
 * super-resolution method) with top-1 (percent), gamma and Gamma; then per model a SAR and a WAR row. The numbers are
 * those of the records, as the dashboard shows them; nothing is recomputed.
 */
public final class RobustnessReport {
    /** How the table is written. */
    public enum Format {
        /** A block per model and dataset, a row per resolution and method: fits a terminal of 100 columns. */
        TEXT,
        /** LR0.FM's layout, a row per model and dataset and a column per resolution and method, aligned. */
        WIDE,
        CSV,
        MARKDOWN
    }

    /** A column: one resolution (null: native) and one super-resolution method. */
    record Column(Integer resolution, String method) {
        static final Comparator<Column> ORDER = Comparator.comparing(
                        Column::resolution, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(Column::method);

        String label() {
            return resolutionLabel() + " " + method;
        }

        String resolutionLabel() {
            return resolution == null ? "native" : resolution + "px";
        }
    }

    private final Map<String, Map<String, Map<Column, RobustnessMetric>>> metricsByModelAndDataset = new TreeMap<>();
    private final Map<String, Map<Column, RobustnessSummary>> summariesByModel = new TreeMap<>();
    private final TreeSet<Column> columns = new TreeSet<>(Column.ORDER);

    /** Cumulative metrics and summaries, each the latest of its key. Windowed metrics are left out. */
    public RobustnessReport(List<RobustnessMetric> metrics, List<RobustnessSummary> summaries) {
        for (RobustnessMetric metric : metrics) {
            if (metric.getWindowStart() != null) {
                continue;
            }
            Column column = new Column(metric.getResolution(), metric.getSrMethod());
            columns.add(column);
            metricsByModelAndDataset
                    .computeIfAbsent(metric.getModel(), model -> new TreeMap<>())
                    .computeIfAbsent(metric.getDataset(), dataset -> new TreeMap<>(Column.ORDER))
                    .put(column, metric);
        }
        for (RobustnessSummary summary : summaries) {
            Column column = new Column(summary.getResolution(), summary.getSrMethod());
            columns.add(column);
            summariesByModel
                    .computeIfAbsent(summary.getModel(), model -> new TreeMap<>(Column.ORDER))
                    .put(column, summary);
        }
    }

    public boolean isEmpty() {
        return columns.isEmpty();
    }

    /** The table in {@code format}, a line per row, header first. */
    public String render(Format format) {
        if (format == Format.TEXT) {
            return blocks();
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(header(format));
        TreeSet<String> models = new TreeSet<>(metricsByModelAndDataset.keySet());
        models.addAll(summariesByModel.keySet());
        for (String model : models) {
            metricsByModelAndDataset
                    .getOrDefault(model, Map.of())
                    .forEach((dataset, cells) -> rows.add(row(format, model, dataset, column -> {
                        RobustnessMetric metric = cells.get(column);
                        return metric == null
                                ? new Double[3]
                                : new Double[] {
                                    percent(metric.getAccuracyTop1()), metric.getGamma(), metric.getImprovedGamma()
                                };
                    })));
            Map<Column, RobustnessSummary> summaries = summariesByModel.getOrDefault(model, Map.of());
            if (!summaries.isEmpty()) {
                rows.add(aggregateRow(format, model, "SAR", column -> value(summaries.get(column), s -> s.getSar())));
                rows.add(aggregateRow(format, model, "WAR", column -> value(summaries.get(column), s -> s.getWar())));
            }
        }
        return switch (format) {
            case CSV -> Tables.join(rows, ",", "", "");
            case MARKDOWN -> Tables.markdown(rows);
            // TEXT returned its blocks above.
            case WIDE, TEXT -> Tables.aligned(rows);
        };
    }

    /** {@link Format#TEXT}: per model, a block per dataset, then one of SAR and WAR; a row per resolution and method. */
    private String blocks() {
        StringBuilder out = new StringBuilder();
        TreeSet<String> models = new TreeSet<>(metricsByModelAndDataset.keySet());
        models.addAll(summariesByModel.keySet());
        for (String model : models) {
            metricsByModelAndDataset.getOrDefault(model, Map.of()).forEach((dataset, cells) -> {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("resolution", "sr", "top-1 %", "gamma", "Gamma"));
                cells.forEach((column, metric) -> rows.add(List.of(
                        column.resolutionLabel(),
                        column.method(),
                        number(percent(metric.getAccuracyTop1()), 2),
                        number(metric.getGamma(), 4),
                        number(metric.getImprovedGamma(), 4))));
                out.append("model ")
                        .append(idCell(Format.TEXT, model))
                        .append(", dataset ")
                        .append(idCell(Format.TEXT, dataset))
                        .append('\n')
                        .append(Tables.aligned(rows));
            });
            Map<Column, RobustnessSummary> summaries = summariesByModel.getOrDefault(model, Map.of());
            if (!summaries.isEmpty()) {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("resolution", "sr", "SAR", "WAR"));
                summaries.forEach((column, summary) -> rows.add(List.of(
                        column.resolutionLabel(),
                        column.method(),
                        number(summary.getSar(), 5),
                        number(summary.getWar(), 5))));
                out.append("model ")
                        .append(idCell(Format.TEXT, model))
                        .append(", across datasets (LR0.FM: SAR = mean gamma, WAR = weighted mean Gamma)\n")
                        .append(Tables.aligned(rows));
            }
        }
        return out.toString();
    }

    private List<String> header(Format format) {
        List<String> header = new ArrayList<>(List.of("model", "dataset"));
        for (Column column : columns) {
            if (format == Format.CSV) {
                header.add(column.label() + " top-1 %");
                header.add(column.label() + " gamma");
                header.add(column.label() + " Gamma");
            } else {
                header.add(column.label() + ": top-1 % / gamma / Gamma");
            }
        }
        return header;
    }

    private List<String> row(Format format, String model, String dataset, Function<Column, Double[]> values) {
        List<String> row = new ArrayList<>(List.of(idCell(format, model), idCell(format, dataset)));
        for (Column column : columns) {
            Double[] cell = values.apply(column);
            List<String> shown = List.of(number(cell[0], 2), number(cell[1], 4), number(cell[2], 4));
            if (format == Format.CSV) {
                row.addAll(shown);
            } else {
                row.add(String.join(" / ", shown));
            }
        }
        return row;
    }

    /** SAR or WAR of each column (gamma's place for SAR, Gamma's for WAR in CSV; alone in a cell otherwise). */
    private List<String> aggregateRow(Format format, String model, String name, Function<Column, Double> values) {
        List<String> row = new ArrayList<>(List.of(idCell(format, model), name));
        for (Column column : columns) {
            String value = number(values.apply(column), 5);
            if (format == Format.CSV) {
                row.addAll(name.equals("SAR") ? List.of("", value, "") : List.of("", "", value));
            } else {
                row.add(value);
            }
        }
        return row;
    }

    private static <T> Double value(T record, Function<T, Double> field) {
        return record == null ? null : field.apply(record);
    }

    private static Double percent(Double fraction) {
        return fraction == null ? null : 100 * fraction;
    }

    private static String number(Double value, int decimals) {
        return value == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /**
     * Ids come from records: in CSV one with a comma, quote or line break is quoted; elsewhere control characters
     * become '?', so an id cannot break the table's lines.
     */
    private static String idCell(Format format, String text) {
        if (format != Format.CSV) {
            return Tables.printable(text);
        }
        return text.matches("(?s).*[,\"\\r\\n].*") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
