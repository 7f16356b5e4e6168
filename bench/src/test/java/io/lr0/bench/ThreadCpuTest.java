package io.lr0.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.bench.ThreadCpu.Kind;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void namesThreadsByWhatTheyDo() {
        // A stream thread's producer I/O thread carries the stream thread's name, and is client I/O all the same.
        assertEquals(
                Kind.CLIENT_IO,
                Kind.ofJavaThread("kafka-producer-network-thread | lr0-streams-1c19d6e4-StreamThread-1-producer"));
        assertEquals(Kind.STREAM_THREADS, Kind.ofJavaThread("lr0-streams-1c19d6e4-StreamThread-2"));
        assertEquals(Kind.OTHER_JAVA, Kind.ofJavaThread("data-plane-kafka-request-handler-3"));
        assertEquals(Kind.BENCH, Kind.ofJavaThread("bench-prediction-follower"));
        assertEquals(Kind.JIT, Kind.ofJvmThread("C2 CompilerThre"));
        assertEquals(Kind.GC, Kind.ofJvmThread("G1 Refine#0"));
        assertEquals(null, Kind.ofJvmThread("Signal Dispatch"));
    }

    @Test
    void attributesEachThreadsCpuToItsKind() throws InterruptedException {
        ThreadCpu snapshot = ThreadCpu.snapshot();
        // The threads stay alive until measured: an ended thread's time is unattributed.
        CountDownLatch spun = new CountDownLatch(2);
        CountDownLatch measured = new CountDownLatch(1);
        Thread streamThread = spinning("lr0-streams-test-StreamThread-1", 300, spun, measured);
        Thread brokerThread = spinning("data-plane-kafka-request-handler-test", 150, spun, measured);
        spun.await();
        ThreadCpu.Shares shares = snapshot.since();
        measured.countDown();
        streamThread.join();
        brokerThread.join();

        double streamSeconds = shares.of(Kind.STREAM_THREADS) * shares.coreSeconds();
        double otherSeconds = shares.of(Kind.OTHER_JAVA) * shares.coreSeconds();
        assertTrue(streamSeconds >= 0.25 && streamSeconds < 1, "stream thread spun 0.3 s, counted " + streamSeconds);
        assertTrue(otherSeconds >= 0.12, "broker-like thread spun 0.15 s, counted " + otherSeconds);
        assertTrue(shares.process() * shares.coreSeconds() >= streamSeconds + otherSeconds - 0.02, shares.toString());
        String described = shares.describe(0.1);
        assertTrue(described.startsWith(String.format("%.0f %% in all: ", 100 * shares.process())), described);
        assertTrue(
                described.contains("Kafka Streams threads ") && described.contains("(the model's forward passes "),
                described);
        assertTrue(described.endsWith(String.format("unattributed %.0f %%", 100 * shares.unattributed())), described);
    }

    /** A thread of that name busy for {@code millis} of its own CPU time, then waiting until {@code measured}. */
    private static Thread spinning(String name, long millis, CountDownLatch spun, CountDownLatch measured) {
        Thread thread = new Thread(
                () -> {
                    var threads = ManagementFactory.getThreadMXBean();
                    long until = threads.getCurrentThreadCpuTime() + millis * 1_000_000;
                    long sink = 0;
                    while (threads.getCurrentThreadCpuTime() < until) {
                        for (int i = 0; i < 10_000; i++) {
                            sink += i * 31L ^ sink;
                        }
                    }
                    if (sink == 42) {
                        System.out.print("");
                    }
                    spun.countDown();
                    try {
                        measured.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                name);
        thread.start();
        return thread;
    }
}
