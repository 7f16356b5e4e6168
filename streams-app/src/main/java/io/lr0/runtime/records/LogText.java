package io.lr0.runtime.records;

/**
 * Text from records (ids, labels, dataset ids, the messages that quote them) as a log line or a terminal may show
 * it: control characters (and line separators) escaped, so a label holding a newline cannot forge a line of its own
 * and an ANSI or terminal-title escape reaches no terminal; in logs at most {@link #MAX_CHARS} characters, so a long
 * label does not flood the log.
 */
public final class LogText {
    static final int MAX_CHARS = 120;

    private LogText() {}

    /** {@code value} escaped and cut to {@link #MAX_CHARS}, for a log line. */
    public static String of(Object value) {
        return escaped(value, MAX_CHARS);
    }

    /** {@code value} escaped but whole, for a command's output, where it is what was asked for. */
    public static String escaped(Object value) {
        return escaped(value, Integer.MAX_VALUE);
    }

    private static String escaped(Object value, int maxChars) {
        String text = String.valueOf(value);
        StringBuilder shown = new StringBuilder(Math.min(text.length(), maxChars) + 32);
        for (int i = 0; i < text.length() && i < maxChars; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> shown.append("\\n");
                case '\r' -> shown.append("\\r");
                case '\t' -> shown.append("\\t");
                default -> {
                    if (Character.isISOControl(c)
                            || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                        shown.append(String.format("\\u%04x", (int) c));
                    } else {
                        shown.append(c);
                    }
                }
            }
        }
        if (text.length() > maxChars) {
            shown.append("... (").append(text.length()).append(" characters)");
        }
        return shown.toString();
    }
}
