package io.lr0.lifecycle;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * Ctrl-C (SIGINT/SIGTERM) for long-running commands: {@link #await()} returns on the signal, {@link #requested()}
 * tells a loop to stop, and under {@link #runMain} the JVM's exit waits until the command has returned, so what it
 * holds is closed (streams left the group, a producer flushed what it had sent) before the process ends.
 */
public final class Shutdown {
    private static final CountDownLatch SIGNALLED = new CountDownLatch(1);
    private static final CountDownLatch RETURNED = new CountDownLatch(1);
    private static final AtomicBoolean WATCHING = new AtomicBoolean();
    private static volatile boolean exitWaits;

    private Shutdown() {}

    /** Blocks until the process is asked to stop. */
    public static void await() throws InterruptedException {
        watch();
        SIGNALLED.await();
    }

    /** Whether the process was asked to stop: the condition of a command's loop. */
    public static boolean requested() {
        watch();
        return SIGNALLED.getCount() == 0;
    }

    /** Runs a process's command: a signal's exit waits for it (at most 60 s) once it watches for the signal. */
    public static int runMain(IntSupplier command) {
        exitWaits = true;
        try {
            return command.getAsInt();
        } finally {
            RETURNED.countDown();
        }
    }

    /** Installs the hook once, from the first command that waits or loops on the signal. */
    private static void watch() {
        if (!WATCHING.compareAndSet(false, true)) {
            return;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            SIGNALLED.countDown();
                            // In a test's JVM no runMain returns: its exit must not wait.
                            if (exitWaits) {
                                try {
                                    RETURNED.await(60, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        },
                        "lr0-shutdown"));
    }
}
