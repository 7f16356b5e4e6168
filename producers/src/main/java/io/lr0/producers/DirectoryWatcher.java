package io.lr0.producers;

import io.lr0.contract.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces every image file that appears under a directory (what a camera or frame grabber writes), once each.
 * A file is sent when two scans in a row see it with the same size and time (so half-written files wait), and its
 * path is appended to a ledger after the broker acknowledged it, so a restart does not send it again. The image id
 * is {@code <dataset>/<relative path>}: should the process die between the acknowledgement and the ledger write,
 * the one record sent twice carries the same key and id.
 */
public final class DirectoryWatcher {
    private static final Logger log = LoggerFactory.getLogger(DirectoryWatcher.class);

    private final Path directory;
    private final Path ledger;
    private final String dataset;
    private final boolean labelsFromFolders;
    private final ImagePublisher publisher;
    private final Set<String> sent = new HashSet<>();
    private Map<Path, String> previousScan = new HashMap<>();

    public DirectoryWatcher(
            Path directory, Path ledger, String dataset, boolean labelsFromFolders, ImagePublisher publisher)
            throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("Watched path " + directory + " is not a directory");
        }
        this.directory = directory.toAbsolutePath().normalize();
        this.ledger = ledger;
        this.dataset = dataset;
        this.labelsFromFolders = labelsFromFolders;
        this.publisher = publisher;
        if (Files.exists(ledger)) {
            sent.addAll(Files.readAllLines(ledger, StandardCharsets.UTF_8));
        } else {
            Files.createDirectories(ledger.toAbsolutePath().getParent());
        }
    }

    /** Number of files produced so far, over all runs sharing the ledger. */
    public int producedCount() {
        return sent.size();
    }

    /** Scans once; sends the files that are new and stable since the previous scan. Returns how many were sent. */
    public int scanOnce() throws IOException {
        Map<Path, String> current = new HashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(ImageFiles.imagesWithin(directory)).sorted().toList();
        }
        int produced = 0;
        for (Path file : files) {
            String relative = directory.relativize(file).toString().replace('\\', '/');
            if (sent.contains(relative)) {
                continue;
            }
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            String stamp =
                    attributes.size() + "/" + attributes.lastModifiedTime().toMillis();
            current.put(file, stamp);
            if (stamp.equals(previousScan.get(file))) {
                produce(file, relative);
                current.remove(file);
                produced++;
            }
        }
        previousScan = current;
        return produced;
    }

    /** Scans every {@code interval} until {@code keepRunning} says stop. */
    public void run(Duration interval, BooleanSupplier keepRunning) throws IOException, InterruptedException {
        while (keepRunning.getAsBoolean()) {
            scanOnce();
            Thread.sleep(interval.toMillis());
        }
    }

    private void produce(Path file, String relative) throws IOException {
        String label = null;
        if (labelsFromFolders && relative.contains("/")) {
            label = relative.substring(0, relative.indexOf('/'));
        }
        LabeledImage image = new LabeledImage(
                dataset + "/" + relative, ImageFiles.read(file), label, null, Map.of("file", relative));
        try {
            publisher
                    .send(image, Sources.watched(directory.toString()), dataset, Instant.now(), null)
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while producing " + file, e);
        } catch (ExecutionException e) {
            throw new IOException("Broker refused " + file + ": " + e.getCause().getMessage(), e.getCause());
        }
        Files.writeString(
                ledger,
                relative + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.SYNC);
        sent.add(relative);
        log.info("Produced {} as {}", relative, image.id());
    }
}
