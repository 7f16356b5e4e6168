package io.lr0.contract;

import java.util.Optional;

/** The text an image record carries into every output (id, source, dataset id, label, group): what it may be. */
public final class RecordText {
    private RecordText() {}

    /** The default of {@code record.max.text.chars}: the longest such text the stream takes. */
    public static final int MAX_CHARS = 1024;

    /**
     * Why {@code label} is not a label, or empty when it is: longer than {@link #MAX_CHARS} (the stream dead-letters
     * it), or holding control characters or markup, which no class name has.
     */
    public static Optional<String> labelProblem(String label) {
        if (label.isEmpty() || label.length() > MAX_CHARS) {
            return Optional.of("a label has 1 to " + MAX_CHARS + " characters (it has " + label.length() + ")");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (Character.isISOControl(c) || c == '<' || c == '>') {
                return Optional.of("a label holds no control characters and no markup ('<', '>'): character " + i
                        + " is U+" + String.format("%04X", (int) c));
            }
        }
        return Optional.empty();
    }
}
