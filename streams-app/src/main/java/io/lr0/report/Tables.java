package io.lr0.report;

import java.util.ArrayList;
import java.util.List;

/** The reports' tables as text: aligned columns, Markdown or separated values. */
final class Tables {
    private Tables() {}

    /** An id as a table cell: control characters (a newline in a camera's name) become '?'. */
    static String printable(String text) {
        return text.replaceAll("\\p{Cntrl}", "?");
    }

    static String join(List<List<String>> rows, String separator, String prefix, String suffix) {
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            out.append(prefix)
                    .append(String.join(separator, row))
                    .append(suffix)
                    .append('\n');
        }
        return out.toString();
    }

    static String markdown(List<List<String>> rows) {
        List<List<String>> escaped = rows.stream()
                .map(row -> row.stream().map(cell -> cell.replace("|", "\\|")).toList())
                .toList();
        List<String> rule = escaped.get(0).stream().map(cell -> "---").toList();
        List<List<String>> withRule = new ArrayList<>(escaped);
        withRule.add(1, rule);
        return join(withRule, " | ", "| ", " |");
    }

    static String aligned(List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(String.format("%-" + widths[i] + "s", row.get(i)));
                if (i < row.size() - 1) {
                    line.append("  ");
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
