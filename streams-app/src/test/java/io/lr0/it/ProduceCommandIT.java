package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.cli.Lr0;
import io.lr0.contract.TopicSetup;
import io.lr0.local.LocalStack;
import io.lr0.producers.IdxDataset;
import io.lr0.registry.AvroDeserializer;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.ImageRecord;
import io.lr0.testing.Consume;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lr0 produce dataset} as a user runs it, against the embedded broker and registry. */
class ProduceCommandIT {

    @Test
    void producesImagesAndPublishesTheLabelSpace(@TempDir Path dataDir) {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            TopicSetup.ensure(
                    Map.of("bootstrap.servers", stack.bootstrapServers()),
                    List.of(TopicSetup.topic("images", 2), TopicSetup.compacted("datasets", 1)));

            int exit = Lr0.commandLine()
                    .execute(
                            "produce",
                            "dataset",
                            "--limit",
                            "25",
                            "--rate",
                            "500",
                            "--bootstrap-servers",
                            stack.bootstrapServers(),
                            "--schema-registry-url",
                            stack.registryUrl(),
                            "--set",
                            "kafka.client.id=produce-it",
                            "--set",
                            "schema.registry.auto.register.schemas=true");

            assertEquals(0, exit);
            List<ConsumerRecord<String, ImageRecord>> images = Consume.until(
                    stack.bootstrapServers(),
                    "images",
                    new StringDeserializer(),
                    reader(stack),
                    read -> read.size() >= 25,
                    Duration.ofSeconds(30));
            assertEquals(25, images.size());
            assertEquals("fashion-mnist", images.get(0).value().getDataset());
            List<ConsumerRecord<String, DatasetInfo>> datasets = Consume.until(
                    stack.bootstrapServers(),
                    "datasets",
                    new StringDeserializer(),
                    reader(stack),
                    read -> !read.isEmpty(),
                    Duration.ofSeconds(30));
            assertEquals("fashion-mnist", datasets.get(0).key());
            assertEquals(
                    IdxDataset.FASHION_MNIST_CLASSES, datasets.get(0).value().getClasses());
        }
    }

    @Test
    void aBadClientPropertyIsNamed(@TempDir Path dataDir) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Lr0.commandLine();
        commandLine.setErr(new PrintWriter(err));

        int exit = commandLine.execute("produce", "dataset", "--limit", "1", "--set", "kafka.batch.size=big");

        assertEquals(2, exit);
        assertTrue(err.toString().contains("batch.size"), err.toString());
    }

    /** With the broker up and nothing at the registry's URL, produce says so at once, naming the URL and the fix. */
    @Test
    void anUnreachableRegistryIsNamedAtOnce(@TempDir Path dataDir) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            StringWriter err = new StringWriter();
            CommandLine commandLine = Lr0.commandLine();
            commandLine.setErr(new PrintWriter(err));

            int exit = commandLine.execute(
                    "produce",
                    "dataset",
                    "--limit",
                    "1",
                    "--bootstrap-servers",
                    stack.bootstrapServers(),
                    "--schema-registry-url",
                    "http://127.0.0.1:" + closedPort);

            assertEquals(2, exit, err.toString());
            assertTrue(
                    err.toString().contains("no schema registry answered at http://127.0.0.1:" + closedPort),
                    err.toString());
            assertTrue(err.toString().contains("--schema-registry-url URL"), err.toString());
        }
    }

    @Test
    void aMissingDatasetIsAClearError(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Lr0.commandLine();
        commandLine.setErr(new PrintWriter(err));

        int exit =
                commandLine.execute("produce", "dataset", dir.resolve("nowhere").toString());

        assertEquals(2, exit);
        assertTrue(err.toString().contains("nowhere is not a directory"), err.toString());
    }

    private static <T> AvroDeserializer<T> reader(LocalStack stack) {
        AvroDeserializer<T> deserializer = new AvroDeserializer<>();
        deserializer.configure(
                Map.of("schema.registry.url", stack.registryUrl(), "specific.avro.reader", "true"), false);
        return deserializer;
    }
}
