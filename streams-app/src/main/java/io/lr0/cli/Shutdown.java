package io.lr0.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT/SIGTERM) for long-running commands: {@link #await()} returns on the signal, and the JVM's exit
 * waits until {@link #closed()} says the command's resources are closed (streams left the group, broker flushed).
 */
public final class Shutdown {
    private static final CountDownLatch SIGNALLED = new CountDownLatch(1);
    private static final CountDownLatch CLOSED = new CountDownLatch(1);

    private Shutdown() {}

    /** Blocks until the process is asked to stop. */
    public static void await() throws InterruptedException {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            SIGNALLED.countDown();
                            try {
                                CLOSED.await(60, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "lr0-shutdown"));
        SIGNALLED.await();
    }

    /** Called once the command has closed everything, so the exit can complete. */
    static void closed() {
        CLOSED.countDown();
    }
}
