package io.lr0.app;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state directory the app cannot use is refused at start with the path and the reason. */
class StateDirTest {

    @Test
    void aStateDirUnderAFileSaysWhy(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        String message = assertThrows(IllegalStateException.class, () -> Lr0App.checkStateDir(file.resolve("streams")))
                .getMessage();
        assertTrue(message.contains(file.resolve("streams").toString()), message);
        assertTrue(message.contains("Not a directory") || message.contains("FileAlreadyExistsException"), message);
        assertTrue(message.contains("--set state.dir="), message);
    }

    @Test
    void aUsableStateDirIsCreated(@TempDir Path dir) {
        Lr0App.checkStateDir(dir.resolve("new/streams"));
        assertTrue(Files.isDirectory(dir.resolve("new/streams")));
    }
}
