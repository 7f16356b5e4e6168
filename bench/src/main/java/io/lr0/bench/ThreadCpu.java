package io.lr0.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where this process's CPU time goes, by kind of thread, from a snapshot to now. Java threads are told apart by
 * name (ThreadMXBean); the JVM's JIT compiler and GC threads, hidden from the MXBean, by their names in
 * /proc/self/task (Linux; elsewhere they count as unattributed). What no kind claims (threads that ended, the VM's
 * other threads) is the process total minus the kinds. CPU time, not the JVM's compile-time figure: that counts wall
 * time, descheduled included, and reads about twice as high on two busy cores.
 */
final class ThreadCpu {
    /** Linux's USER_HZ, the unit of utime and stime in /proc/.../stat. */
    private static final long NANOS_PER_TICK = 10_000_000;

    enum Kind {
        STREAM_THREADS("Kafka Streams threads"),
        CLIENT_IO("Kafka clients' I/O threads"),
        BENCH("the bench's own threads"),
        OTHER_JAVA("broker, registry and other Java threads"),
        JIT("JIT compiler"),
        GC("GC and VM threads");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The kind of a Java thread, by its name. */
        static Kind ofJavaThread(String name) {
            // Before the stream threads: their producers' I/O threads carry the stream thread's name too.
            if (name.startsWith("kafka-producer-network-thread")
                    || name.startsWith("kafka-coordinator-heartbeat")
                    || name.startsWith("kafka-admin-client-thread")
                    || name.contains("consumer_background_thread")) {
                return CLIENT_IO;
            }
            if (name.contains("StreamThread")) {
                return STREAM_THREADS;
            }
            return name.startsWith("bench-") || name.equals("main") ? BENCH : OTHER_JAVA;
        }

        /** The kind of a thread the JVM hides from ThreadMXBean, by its /proc name (15 characters at most). */
        static Kind ofJvmThread(String comm) {
            if (comm.contains("CompilerThre")) {
                return JIT;
            }
            return comm.startsWith("GC Thread")
                            || comm.startsWith("G1 ")
                            || comm.startsWith("VM Thread")
                            || comm.startsWith("VM Periodic")
                    ? GC
                    : null;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final Map<Long, Long> javaThreadNanos;
    private final Map<String, Long> jvmThreadNanos;
    private final long processNanos;
    private final long wallNanos = System.nanoTime();

    private ThreadCpu(Map<Long, Long> javaThreadNanos, Map<String, Long> jvmThreadNanos, long processNanos) {
        this.javaThreadNanos = javaThreadNanos;
        this.jvmThreadNanos = jvmThreadNanos;
        this.processNanos = processNanos;
    }

    static ThreadCpu snapshot() {
        return new ThreadCpu(javaThreadNanos(), jvmThreadNanos(), OS.getProcessCpuTime());
    }

    /**
     * Shares of the machine's cores since the snapshot: the process's, and each kind's; {@code coreSeconds} is the
     * capacity they are shares of (wall time x cores).
     */
    record Shares(double process, Map<Kind, Double> byKind, double coreSeconds) {
        /** A kind's share; NaN when no thread of that kind was seen (the JIT's without /proc). */
        double of(Kind kind) {
            return byKind.getOrDefault(kind, Double.NaN);
        }

        /** The process's share no kind claims. */
        double unattributed() {
            return Math.max(
                    0,
                    process
                            - byKind.values().stream()
                                    .mapToDouble(Double::doubleValue)
                                    .sum());
        }

        /**
         * "4.90 ms of CPU per image, 0.98 per variant (...); 3.60 and 0.72 without ...": {@link #outsideModelMs} per
         * image and variant; then also less the broker, registry and the bench's own threads (its producer and the
         * reader of the predictions), which a deployment runs elsewhere.
         */
        String outsideModel(double modelCpuSeconds, long images, long variants) {
            double perImage = outsideModelMs(modelCpuSeconds, images);
            double elsewhere = 1000
                    * (byKind.getOrDefault(Kind.OTHER_JAVA, 0.0) + byKind.getOrDefault(Kind.BENCH, 0.0))
                    * coreSeconds
                    / images;
            double variantsPerImage = (double) variants / images;
            return String.format(
                    "%.2f ms of CPU per image, %.2f per variant (this process: pipeline, broker, registry, the bench's "
                            + "producer and reader); %.2f and %.2f without the broker, registry and bench threads",
                    perImage,
                    perImage / variantsPerImage,
                    perImage - elsewhere,
                    (perImage - elsewhere) / variantsPerImage);
        }

        /** The process's CPU per image in milliseconds, less the model's forward passes ({@code modelCpuSeconds}). */
        double outsideModelMs(double modelCpuSeconds, long images) {
            return 1000 * (process * coreSeconds - modelCpuSeconds) / images;
        }

        /**
         * "97 % in all: Kafka Streams threads 84 % (the model's forward passes 76 %), ...": each kind's share of the
         * cores, the largest first; {@code modelCpuSeconds} (of the same window) is shown within the stream threads,
         * where the model runs.
         */
        String describe(double modelCpuSeconds) {
            StringJoiner parts = new StringJoiner(", ", String.format("%.0f %% in all: ", 100 * process), "");
            String model = String.format(" (the model's forward passes %.0f %%)", 100 * modelCpuSeconds / coreSeconds);
            byKind.entrySet().stream()
                    .sorted(Map.Entry.<Kind, Double>comparingByValue().reversed())
                    .forEach(share -> parts.add(String.format(
                            "%s %.0f %%%s",
                            share.getKey().label,
                            100 * share.getValue(),
                            share.getKey() == Kind.STREAM_THREADS ? model : "")));
            return parts.add(String.format("unattributed %.0f %%", 100 * unattributed()))
                    .toString();
        }
    }

    Shares since() {
        double capacity =
                (System.nanoTime() - wallNanos) * (double) Runtime.getRuntime().availableProcessors();
        Map<Kind, Double> byKind = new EnumMap<>(Kind.class);
        for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (thread == null) {
                continue;
            }
            long now = THREADS.getThreadCpuTime(thread.getThreadId());
            if (now >= 0) {
                // A thread started since the snapshot counts from zero.
                long spent = now - javaThreadNanos.getOrDefault(thread.getThreadId(), 0L);
                byKind.merge(Kind.ofJavaThread(thread.getThreadName()), spent / capacity, Double::sum);
            }
        }
        jvmThreadNanos().forEach((thread, now) -> {
            long spent = now - jvmThreadNanos.getOrDefault(thread, 0L);
            byKind.merge(Kind.ofJvmThread(thread.substring(thread.indexOf(' ') + 1)), spent / capacity, Double::sum);
        });
        return new Shares((OS.getProcessCpuTime() - processNanos) / capacity, byKind, capacity / 1e9);
    }

    private static Map<Long, Long> javaThreadNanos() {
        Map<Long, Long> nanos = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long spent = THREADS.getThreadCpuTime(id);
            if (spent >= 0) {
                nanos.put(id, spent);
            }
        }
        return nanos;
    }

    /** CPU time of the JIT and GC threads, keyed "tid name"; empty without /proc. */
    private static Map<String, Long> jvmThreadNanos() {
        Map<String, Long> nanos = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    if (Kind.ofJvmThread(comm) == null) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    nanos.put(
                            task.getFileName() + " " + comm,
                            (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK);
                } catch (IOException threadEnded) {
                    // A thread that ended between listing and reading: its time is unattributed.
                }
            }
        } catch (IOException | RuntimeException noProc) {
            // Not Linux: the JIT and GC threads' time stays unattributed.
        }
        return nanos;
    }
}
