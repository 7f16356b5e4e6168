package io.lr0.producers;

import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** Image files on disk: which ones count, and how they become an Avro {@link Image} (bytes as they are). */
public final class ImageFiles {
    private ImageFiles() {
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
        return Files.isRegularFile(file) && !file.getFileName().toString().startsWith(".")
                && encodingOf(file).isPresent();
    }

    /** The file's bytes, unchanged, as an image; the stream decodes (and validates) them. */
    public static Image read(Path file) throws IOException {
        ImageEncoding encoding = encodingOf(file)
                .orElseThrow(() -> new IOException(file + " is not a .png, .jpg or .jpeg file"));
        return Image.newBuilder().setEncoding(encoding).setData(ByteBuffer.wrap(Files.readAllBytes(file))).build();
    }
}
