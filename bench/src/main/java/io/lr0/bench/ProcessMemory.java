package io.lr0.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's memory as the operating system sees it (resident set, from /proc/self/status on Linux) beside the
 * Java heap: libtorch's weights and buffers are off-heap, so the heap alone says little about a real-size model.
 */
final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /** Resident set now, in MB; -1 where /proc is not there. */
    static long rssMb() {
        return statusMb("VmRSS:");
    }

    /** The highest resident set since the process started, in MB; -1 where /proc is not there. */
    static long peakRssMb() {
        return statusMb("VmHWM:");
    }

    /** Heap in use right after a full collection, in MB. */
    static long heapAfterGcMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    /** One line: resident set now and at its peak, and the heap after a full collection. */
    static String describe() {
        return String.format(
                "process RSS %d MB (peak %d MB; the model's weights and buffers are off-heap), heap after GC %d MB",
                rssMb(), peakRssMb(), heapAfterGcMb());
    }

    private static long statusMb(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) >> 10;
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // No /proc here: the figure is shown as -1.
        }
        return -1;
    }
}
