package io.lr0.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleOptionsTest {

    @Test
    void aFolderWithoutImagesIsNamedNotAnIndexError(@TempDir Path folder) throws Exception {
        Files.createDirectories(folder.resolve("cats"));
        SampleOptions options = new SampleOptions();
        options.folder = folder;
        IOException refused = assertThrows(IOException.class, () -> options.distinct(SampleOptions.DISTINCT_IMAGES));
        assertTrue(refused.getMessage().equals("No images in " + folder), refused.getMessage());
    }

    @Test
    void aMissingFolderIsNamed(@TempDir Path parent) {
        SampleOptions options = new SampleOptions();
        options.folder = parent.resolve("nowhere");
        IOException refused = assertThrows(IOException.class, () -> options.sample(1));
        assertTrue(refused.getMessage().contains(parent.resolve("nowhere").toString()), refused.getMessage());
    }
}
