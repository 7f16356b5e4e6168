package io.lr0.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One lr0 command in a JVM of its own (this process's Java and class path), so a fault can hit it alone: SIGKILL
 * as a crashed machine, SIGSTOP/SIGCONT as a frozen one (a GC pause, a network partition), and a restart with the
 * same command and data. Its output is appended to a log file of its own.
 */
final class ChildProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Path log;
    private final Path workingDir;
    private Process process;

    private ChildProcess(String name, List<String> command, Path log, Path workingDir) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.workingDir = workingDir;
    }

    /** Starts {@code lr0 <arguments>} with {@code maxHeap} (e.g. "512m"), its log {@code dir/name.log}. */
    static ChildProcess start(String name, Path dir, String maxHeap, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.lr0.schema",
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                Lr0Launcher.class.getName()));
        command.addAll(arguments);
        ChildProcess child = new ChildProcess(name, List.copyOf(command), dir.resolve(name + ".log"), dir);
        child.restart();
        return child;
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** Starts the command again (after a kill), appending to the same log. */
    void restart() throws IOException {
        Files.createDirectories(workingDir);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The harness says everything on the command line: no setting of the caller's environment leaks in.
        builder.environment().keySet().removeIf(variable -> variable.startsWith("LR0_"));
        process = builder.start();
    }

    /** SIGKILL, as a machine that crashes: no shutdown hook runs, nothing is flushed or handed over. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGSTOP: the process freezes with its sockets open, as in a long GC pause or behind a network partition. */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze}. */
    void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " (" + name + ") failed");
        }
    }

    /** SIGTERM, then SIGKILL after 30 s: a process that was frozen is thawed first, so it can stop. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        try {
            signal("CONT");
        } catch (IOException e) {
            // It ended on its own meanwhile: nothing to thaw.
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
