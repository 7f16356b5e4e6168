package io.lr0.runtime;

/**
 * Text from records (ids, labels, dataset ids, the messages that quote them) as a log line may show it: control
 * characters escaped, so a label holding a newline cannot forge a log line of its own, and at most
 * {@link #MAX_CHARS} characters, so a long label does not flood the log.
 */
public final class LogText {
    static final int MAX_CHARS = 120;

    private LogText() {}

    public static String of(Object value) {
        String text = String.valueOf(value);
        StringBuilder shown = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 32);
        for (int i = 0; i < text.length() && i < MAX_CHARS; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> shown.append("\\n");
                case '\r' -> shown.append("\\r");
                case '\t' -> shown.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        shown.append(String.format("\\u%04x", (int) c));
                    } else {
                        shown.append(c);
                    }
                }
            }
        }
        if (text.length() > MAX_CHARS) {
            shown.append("... (").append(text.length()).append(" characters)");
        }
        return shown.toString();
    }
}
