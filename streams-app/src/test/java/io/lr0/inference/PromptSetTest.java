package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.contract.Lr0fmDatasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    /**
     * LR0.FM's fifteen benchmarks have CLIP's templates and class names (OpenAI CLIP's data/prompts.md and ImageNet
     * notebook), under LR0.FM's ids and the datasets' other names, keyed by the labels lr0's readers publish.
     */
    @Test
    void lr0fmBenchmarksHaveClipsPrompts() throws IOException {
        Map<String, Integer> templateCounts = Map.ofEntries(
                Map.entry("imagenet1k", 80),
                Map.entry("imagenet_a", 80),
                Map.entry("imagenet_r", 80),
                Map.entry("imagenet_sketch", 80),
                Map.entry("imagenet_v2", 80),
                Map.entry("caltech101", 34),
                Map.entry("dtd", 8),
                Map.entry("food101", 1),
                Map.entry("fgvc_aircraft", 2),
                Map.entry("sun397", 2),
                Map.entry("pets", 1),
                Map.entry("cars", 8),
                Map.entry("flowers", 1),
                Map.entry("eurosat", 3),
                Map.entry("ucf101", 48));
        for (Lr0fmDatasets.Dataset dataset : Lr0fmDatasets.ALL) {
            PromptSet prompts = PromptSet.forDataset(dataset.id(), null);
            assertEquals(templateCounts.get(dataset.id()), prompts.templates().size(), dataset.id());
            for (String alias : dataset.aliases()) {
                assertEquals(prompts, PromptSet.forDataset(alias, null), alias);
            }
        }
        PromptSet imagenet = PromptSet.forDataset("imagenet1k", null);
        assertEquals(1000, imagenet.classNames().size());
        assertEquals(imagenet, PromptSet.forDataset("counteranimal", null), "CounterAnimal's labels are WordNet ids");
        assertEquals("a bad photo of a tench.", imagenet.promptsFor("n01440764").get(0));
        assertEquals(
                "a bad photo of a toilet paper.",
                imagenet.promptsFor("n15075141").get(0));
        assertEquals(
                "a bad photo of a red panda.",
                PromptSet.forDataset("imagenet_a", null).promptsFor("n02509815").get(0));
        assertEquals(
                "a bad photo of a tench.",
                PromptSet.forDataset("ILSVRC2012", null).promptsFor("n01440764").get(0));
        assertEquals(
                List.of("a photo of apple pie, a type of food."),
                PromptSet.forDataset("food101", null).promptsFor("apple_pie"),
                "labels as words");
        assertEquals(
                "a photo of a apartment building outdoor.",
                PromptSet.forDataset("sun397", null)
                        .promptsFor("apartment_building/outdoor")
                        .get(0));
        assertEquals(
                "a photo of a side of a car.",
                PromptSet.forDataset("caltech101", null).promptsFor("car_side").get(0));
        assertEquals(
                "a photo of a water lilly.",
                PromptSet.forDataset("caltech101", null)
                        .promptsFor("water_lilly")
                        .get(0));
        assertEquals(
                "a centered satellite photo of lake or sea.",
                PromptSet.forDataset("eurosat", null).promptsFor("SeaLake").get(0));
        assertEquals(
                List.of("a photo of a blackberry lily, a type of flower."),
                PromptSet.forDataset("Flowers-102", null).promptsFor("102"));
        assertEquals(
                "a photo of a person Apply Eye Makeup.",
                PromptSet.forDataset("ucf101", null)
                        .promptsFor("Apply_Eye_Makeup")
                        .get(0));
        assertEquals(
                List.of("a photo of a F/A-18, a type of aircraft.", "a photo of the F/A-18, a type of aircraft."),
                PromptSet.forDataset("fgvc_aircraft", null).promptsFor("F/A-18"),
                "no words rule: a variant's / stays");
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
