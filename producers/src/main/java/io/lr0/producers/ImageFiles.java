package io.lr0.producers;

import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Image files on disk: which ones count, and how they become an Avro {@link Image} (bytes as they are). */
public final class ImageFiles {
    private static final Logger log = LoggerFactory.getLogger(ImageFiles.class);

    private ImageFiles() {}

    /**
     * Image files that really lie under {@code root}: a symbolic link (or a link in a parent folder) leading
     * outside it is skipped with a warning, so what a directory holds cannot make lr0 read, and publish, other files.
     */
    public static Predicate<Path> imagesWithin(Path root) throws IOException {
        Path realRoot = root.toRealPath();
        return file -> {
            if (!isImage(file)) {
                return false;
            }
            try {
                if (file.toRealPath().startsWith(realRoot)) {
                    return true;
                }
                log.warn("Skipping {}: it links to {}, outside {}", file, file.toRealPath(), realRoot);
            } catch (IOException e) {
                log.warn("Skipping {}: {}", file, e.getMessage());
            }
            return false;
        };
    }

    /** The encoding a file's extension names, if it is an image file lr0 reads. */
    public static Optional<ImageEncoding> encodingOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            return Optional.of(ImageEncoding.PNG);
        }
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return Optional.of(ImageEncoding.JPEG);
        }
        return Optional.empty();
    }

    public static boolean isImage(Path file) {
        return Files.isRegularFile(file)
                && !file.getFileName().toString().startsWith(".")
                && encodingOf(file).isPresent();
    }

    /** The file's bytes, unchanged, as an image; the stream decodes (and validates) them. */
    public static Image read(Path file) throws IOException {
        ImageEncoding encoding =
                encodingOf(file).orElseThrow(() -> new IOException(file + " is not a .png, .jpg or .jpeg file"));
        return Image.newBuilder()
                .setEncoding(encoding)
                .setData(ByteBuffer.wrap(Files.readAllBytes(file)))
                .build();
    }
}
