package io.lr0.producers;

import java.io.PrintStream;

/**
 * A one-line progress bar on a terminal (redrawn in place), or a line per 10% when the output is not a terminal,
 * so logs of scripted runs stay readable.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;
    private int lastDecile = -1;

    public ProgressBar(String label, long total, PrintStream out, boolean interactive) {
        this.label = label;
        this.total = Math.max(total, 1);
        this.out = out;
        this.interactive = interactive;
    }

    /** A bar on standard error, redrawn in place when a console is attached. */
    public static ProgressBar onStderr(String label, long total) {
        return new ProgressBar(label, total, System.err, System.console() != null);
    }

    public void update(long done) {
        long now = System.nanoTime();
        int decile = (int) (10 * done / total);
        if (interactive ? now - lastDrawNanos < 100_000_000L && done < total : decile == lastDecile) {
            return;
        }
        lastDrawNanos = now;
        lastDecile = decile;
        out.print((interactive ? "\r" : "") + line(done, now) + (interactive ? "" : "\n"));
        out.flush();
    }

    /** Draws the final state and ends the line. */
    public void finish(long done) {
        lastDecile = -1;
        lastDrawNanos = 0;
        update(done);
        if (interactive) {
            out.println();
        }
    }

    String line(long done, long nowNanos) {
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        double seconds = Math.max((nowNanos - startNanos) / 1e9, 1e-9);
        return String.format(
                "%s [%s%s] %d/%d %3d%% %.0f/s",
                label, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, 100 * done / total, done / seconds);
    }
}
