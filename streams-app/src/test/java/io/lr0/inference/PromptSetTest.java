package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptSetTest {

    @Test
    void bundledFilesAndAliases() throws IOException {
        PromptSet fashion = PromptSet.forDataset("fashion-mnist", null);
        assertEquals(8, fashion.templates().size());
        assertEquals("a photo of a sweater.", fashion.promptsFor("Pullover").get(0));
        assertEquals(fashion, PromptSet.forDataset("fashion-mnist-ca", null), "sameAs fashion-mnist");
        assertEquals(18, PromptSet.forDataset("cifar-10", null).templates().size());
        assertEquals(
                List.of("a photo of a blue_jay."),
                PromptSet.forDataset("birds", null).promptsFor("blue_jay"),
                "no file: CLIP's default template, the label as it is");
    }

    @Test
    void theUsersDirectoryComesFirst(@TempDir Path dir) throws IOException {
        Files.writeString(
                dir.resolve("fashion-mnist.json"),
                "{\"templates\": [\"{}, in a shop.\"]," + " \"classNames\": {\"Bag\": \"tote bag\"}}");
        assertEquals(
                List.of("tote bag, in a shop."),
                PromptSet.forDataset("fashion-mnist", dir).promptsFor("Bag"));
    }

    @Test
    void datasetIdsFromRecordsNeverReachOutsideThePromptsDirectory(@TempDir Path root) throws IOException {
        Path prompts = Files.createDirectories(root.resolve("prompts"));
        Files.writeString(root.resolve("secret.json"), "{\"templates\": [\"leaked {}\"]}");
        Files.writeString(prompts.resolve("ok.json"), "{\"templates\": [\"fine {}\"]}");

        assertEquals(List.of("fine x"), PromptSet.forDataset("ok", prompts).promptsFor("x"), "a plain id is read");
        for (String hostile : List.of(
                "../secret", "..", "sub/../../secret", root.resolve("secret").toString(), ".hidden", "a\\..\\secret")) {
            assertEquals(PromptSet.DEFAULT, PromptSet.forDataset(hostile, prompts), hostile);
        }
    }

    @Test
    void badFilesNameThemselves(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.json"), "{\"templates\": [\"no placeholder\"]}");
        assertTrue(assertThrows(IOException.class, () -> PromptSet.forDataset("a", dir))
                .getMessage()
                .contains("a.json"));
        Files.writeString(dir.resolve("b.json"), "{not json");
        assertTrue(assertThrows(IOException.class, () -> PromptSet.forDataset("b", dir))
                .getMessage()
                .contains("not valid JSON"));
        Files.writeString(dir.resolve("c.json"), "{\"sameAs\": \"d\"}");
        Files.writeString(dir.resolve("d.json"), "{\"sameAs\": \"c\"}");
        assertTrue(assertThrows(IOException.class, () -> PromptSet.forDataset("c", dir))
                .getMessage()
                .contains("loop"));
        String startUp = assertThrows(IOException.class, () -> PromptSet.checkDirectory(dir))
                .getMessage();
        assertTrue(startUp.matches("(?s).*[abcd]\\.json.*"), "checked at start-up, naming the bad file: " + startUp);
        assertTrue(assertThrows(IOException.class, () -> PromptSet.checkDirectory(dir.resolve("missing")))
                .getMessage()
                .contains("not a directory"));
    }
}
