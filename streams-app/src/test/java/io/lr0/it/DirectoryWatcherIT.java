package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lr0.contract.TopicSetup;
import io.lr0.image.ImageCodec;
import io.lr0.local.LocalStack;
import io.lr0.producers.DirectoryWatcher;
import io.lr0.producers.ImagePublisher;
import io.lr0.registry.AvroDeserializer;
import io.lr0.schema.ImageRecord;
import io.lr0.testing.Consume;
import io.lr0.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code produce watch}: every file once, across a restart of the watcher, on the real broker. */
class DirectoryWatcherIT {

    @Test
    void producesEachFileOnceAcrossRestarts(@TempDir Path dataDir, @TempDir Path camera) throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
            Map<String, Object> registry = Map.of("schema.registry.url", stack.registryUrl());
            TopicSetup.ensure(kafka, List.of(TopicSetup.topic("frames", 1), TopicSetup.topic("datasets", 1)));
            byte[] png = ImageCodec.encodePng(TestImages.gray(12, 10));
            Path ledger = dataDir.resolve("watch.ledger");
            Files.createDirectories(camera.resolve("person"));
            Files.write(camera.resolve("person/frame-1.png"), png);
            Files.write(camera.resolve("frame-2.png"), png);
            Files.write(camera.resolve("notes.txt"), new byte[] {1});

            try (ImagePublisher publisher = new ImagePublisher(kafka, registry, "frames", "datasets")) {
                DirectoryWatcher watcher = new DirectoryWatcher(camera, ledger, "camera", true, publisher);
                assertEquals(0, watcher.scanOnce(), "a file is sent once it is seen unchanged twice");
                assertEquals(2, watcher.scanOnce());
                assertEquals(0, watcher.scanOnce());
            }
            Files.write(camera.resolve("frame-3.png"), png);
            try (ImagePublisher publisher = new ImagePublisher(kafka, registry, "frames", "datasets")) {
                DirectoryWatcher restarted = new DirectoryWatcher(camera, ledger, "camera", true, publisher);
                restarted.scanOnce();
                assertEquals(1, restarted.scanOnce(), "only the new file after a restart");
                assertEquals(3, restarted.producedCount());
            }

            AvroDeserializer<ImageRecord> reader = new AvroDeserializer<>();
            reader.configure(Map.of("schema.registry.url", stack.registryUrl(), "specific.avro.reader", "true"), false);
            List<ConsumerRecord<String, ImageRecord>> records = Consume.until(
                    stack.bootstrapServers(),
                    "frames",
                    new StringDeserializer(),
                    reader,
                    read -> read.size() >= 3,
                    Duration.ofSeconds(30));
            records = Consume.until(
                    stack.bootstrapServers(),
                    "frames",
                    new StringDeserializer(),
                    reader,
                    read -> false,
                    Duration.ofSeconds(1));
            Map<String, String> labels = records.stream()
                    .collect(Collectors.toMap(
                            ConsumerRecord::key,
                            r -> String.valueOf(r.value().getLabel()),
                            (a, b) -> a + "," + b,
                            TreeMap::new));
            assertEquals(
                    Map.of(
                            "camera/frame-2.png",
                            "null",
                            "camera/frame-3.png",
                            "null",
                            "camera/person/frame-1.png",
                            "person"),
                    labels);
        }
    }
}
