package io.lr0.producers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames from anything ffmpeg opens (RTSP, HTTP MJPEG, a V4L2 device, a video file), through Debian's {@code ffmpeg}
 * as a child process that pipes JPEG frames to this one (no temporary files). A source that ends, fails or stalls
 * (no frame for the stall timeout) is reopened with backoff (0.5 s doubling to 30 s, reset by a frame); each gap is
 * logged and counted. Credentials in the URL never reach a log line: {@link #redact} is applied to everything
 * ffmpeg says, too.
 */
public final class CameraSource {
    private static final Logger log = LoggerFactory.getLogger(CameraSource.class);
    private static final Pattern SECRET_QUERY = Pattern.compile("(?i)((?:password|passwd|pwd|token|key|auth)=)[^&]*");
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** Receives each frame as JPEG bytes with its wall-clock arrival time (epoch ms). */
    public interface FrameSink {
        void accept(byte[] jpeg, long capturedAtMillis);
    }

    /** What to open and how; {@code ffmpeg} is the binary run (a name on the PATH, or a path). */
    public record Settings(
            String name,
            String url,
            double fps,
            int maxSide,
            boolean realtime,
            Duration stallTimeout,
            int maxBytes,
            String ffmpeg) {}

    private final Settings settings;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    private volatile Process process;

    public CameraSource(Settings settings) {
        this.settings = settings;
    }

    /** Frames received so far. */
    public long frames() {
        return frames.get();
    }

    /** Times the source was lost and reopened. */
    public long gaps() {
        return gaps.get();
    }

    /**
     * Reads frames into {@code sink} until {@code running} turns false (checked between frames and while waiting to
     * reconnect) or, for a finite source ({@code stopAtEnd}), until it ends.
     */
    public void run(FrameSink sink, BooleanSupplier running, boolean stopAtEnd) throws InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "camera-" + settings.name() + "-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        try {
            while (running.getAsBoolean()) {
                long before = frames.get();
                String ended = readOnce(sink, running, watchdog);
                if (!running.getAsBoolean() || stopAtEnd && ended == null) {
                    return;
                }
                if (frames.get() > before) {
                    backoff = FIRST_BACKOFF;
                }
                gaps.incrementAndGet();
                log.warn(
                        "Camera {}: source {} {} after {} frames in all; reopening in {} ms (gap {})",
                        settings.name(),
                        redact(settings.url()),
                        ended == null ? "ended" : "failed: " + redact(ended),
                        frames.get(),
                        backoff.toMillis(),
                        gaps.get());
                long until = System.nanoTime() + backoff.toNanos();
                while (running.getAsBoolean() && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        } finally {
            watchdog.shutdownNow();
            stop();
        }
    }

    /**
     * Fails, naming the binary, when ffmpeg cannot be run at all: a missing binary is no camera outage to reconnect
     * to with backoff, so the command checks it before it starts.
     */
    public void requireFfmpeg() throws InterruptedException {
        try {
            Process version = new ProcessBuilder(settings.ffmpeg(), "-version")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!version.waitFor(30, TimeUnit.SECONDS)) {
                version.destroyForcibly();
                throw new IllegalStateException("'" + settings.ffmpeg() + " -version' did not answer within 30 s");
            }
            if (version.exitValue() != 0) {
                throw new IllegalStateException(
                        "'" + settings.ffmpeg() + " -version' exited with " + version.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot run ffmpeg as '" + settings.ffmpeg() + "' (" + e.getMessage()
                            + "): install it (Debian: apt-get install ffmpeg) or name its path with --ffmpeg",
                    e);
        }
    }

    /** One ffmpeg run: null when the stream ended, else why it failed. */
    private String readOnce(FrameSink sink, BooleanSupplier running, ScheduledExecutorService watchdog) {
        Process started;
        Path inputList = null;
        try {
            inputList = hasSecrets(settings.url()) ? inputList(settings.url()) : null;
            started = new ProcessBuilder(command(inputList))
                    .redirectInput(ProcessBuilder.Redirect.DISCARD.file())
                    .start();
        } catch (IOException e) {
            deleteQuietly(inputList);
            return "cannot start ffmpeg (" + e.getMessage() + "; install Debian's ffmpeg)";
        }
        process = started;
        List<String> said = new ArrayList<>();
        Thread stderr = new Thread(() -> collect(started, said), "camera-" + settings.name() + "-ffmpeg-log");
        stderr.setDaemon(true);
        stderr.start();
        // Written by this thread, read by the watchdog's.
        AtomicLong lastFrame = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        ScheduledFuture<?> check = watchdog.scheduleAtFixedRate(
                () -> {
                    if (System.nanoTime() - lastFrame.get()
                            > settings.stallTimeout().toNanos()) {
                        stalled.set(true);
                        started.destroyForcibly();
                    }
                },
                250,
                250,
                TimeUnit.MILLISECONDS);
        try {
            JpegStream stream = new JpegStream(started.getInputStream(), settings.maxBytes());
            byte[] frame;
            while (running.getAsBoolean() && (frame = stream.next()) != null) {
                lastFrame.set(System.nanoTime());
                frames.incrementAndGet();
                sink.accept(frame, System.currentTimeMillis());
            }
            if (!running.getAsBoolean()) {
                return null;
            }
            if (stalled.get()) {
                return "no frame for " + settings.stallTimeout().toSeconds() + " s";
            }
            int exit = started.waitFor();
            stderr.join(1000);
            return exit == 0 ? null : "ffmpeg exited with " + exit + lastWords(said);
        } catch (IOException e) {
            return (stalled.get() ? "no frame for " + settings.stallTimeout().toSeconds() + " s" : e.getMessage())
                    + lastWords(said);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            check.cancel(false);
            started.destroyForcibly();
            deleteQuietly(inputList);
        }
    }

    /** Whether {@code url} holds credentials or secret-looking query values, which no command line may show. */
    static boolean hasSecrets(String url) {
        return !redact(url).equals(url);
    }

    /**
     * A file only this user can read, naming {@code url} as ffmpeg's concat demuxer reads it: ffmpeg opens the URL
     * from it, so the credentials are on no command line that {@code ps} shows another local user (ffmpeg 5.1, Debian
     * 12's, has no option to read an option's value from a file, and its standard input carries no URL).
     */
    static Path inputList(String url) throws IOException {
        Path list = Files.createTempFile(
                "lr0-camera-",
                ".ffconcat",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                list, "ffconcat version 1.0\nfile '" + url.replace("'", "'\\''") + "'\n", StandardCharsets.UTF_8);
        return list;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("Cannot delete {}: {}", file, e.toString());
            }
        }
    }

    private static String lastWords(List<String> said) {
        synchronized (said) {
            return said.isEmpty()
                    ? ""
                    : " (ffmpeg: " + String.join(" / ", said.subList(Math.max(0, said.size() - 2), said.size())) + ")";
        }
    }

    private void collect(Process started, List<String> said) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(started.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String clean = redact(line.strip());
                if (!clean.isEmpty()) {
                    log.debug("Camera {}: ffmpeg: {}", settings.name(), clean);
                    synchronized (said) {
                        said.add(clean);
                        if (said.size() > 20) {
                            said.remove(0);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The process went away; its exit is handled by the reader.
        }
    }

    /**
     * The ffmpeg command line: input, optional rate and size, JPEG frames on standard output. The input is the URL,
     * or {@code inputList} when not null: a concat list naming it ({@link #inputList}).
     */
    List<String> command(Path inputList) {
        List<String> command =
                new ArrayList<>(List.of(settings.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error"));
        if (settings.realtime()) {
            command.add("-re");
        }
        if (inputList == null) {
            command.addAll(List.of("-i", settings.url()));
        } else {
            command.addAll(List.of(
                    "-f",
                    "concat",
                    "-safe",
                    "0",
                    "-protocol_whitelist",
                    "file,http,https,tcp,tls,crypto,rtsp,rtsps,rtp,srtp,udp",
                    "-i",
                    inputList.toString()));
        }
        List<String> filters = new ArrayList<>();
        if (settings.fps() > 0) {
            filters.add("fps=" + settings.fps());
        }
        if (settings.maxSide() > 0) {
            filters.add("scale=w='min(" + settings.maxSide() + ",iw)':h='min(" + settings.maxSide()
                    + ",ih)':force_original_aspect_ratio=decrease");
        }
        if (!filters.isEmpty()) {
            command.addAll(List.of("-vf", String.join(",", filters)));
        }
        command.addAll(List.of("-an", "-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "3", "pipe:1"));
        return command;
    }

    private void stop() {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
        }
    }

    /** The text with any URL's user:password and secret-looking query values replaced by ***. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String redacted = text.replaceAll("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@", "$1***@");
        return SECRET_QUERY.matcher(redacted).replaceAll("$1***");
    }

    /** Whether {@code url} names a local file (replayed, and ended rather than reconnected). */
    public static boolean isFile(String url) {
        return localPath(url).map(Files::isRegularFile).orElse(false);
    }

    /** The local path {@code url} names (a file, a device, a {@code file:} URL), or empty for a network URL. */
    public static Optional<Path> localPath(String url) {
        try {
            URI uri = URI.create(url);
            // A one-letter scheme is a Windows drive (C:\...), not a protocol.
            if (uri.getScheme() != null
                    && !uri.getScheme().equals("file")
                    && uri.getScheme().length() > 1) {
                return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            // Not a URI: a path.
        }
        return Optional.of(Path.of(url.startsWith("file:") ? URI.create(url).getPath() : url));
    }
}
