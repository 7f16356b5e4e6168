package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.DatasetSource;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.LabelSpace;
import io.lr0.producers.LabeledImage;
import io.lr0.registry.AvroDeserializer;
import io.lr0.schema.RobustnessMetric;
import io.lr0.testing.AppConfig;
import io.lr0.testing.Consume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cumulative metrics live in changelogged KTables: an instance restarted on an empty state directory resumes them. */
class MetricsRestartIT {
    private static final String KEY = "lr0-demo-fmnist/fashion-mnist/native/bicubic";

    @Test
    void countsResumeAfterARestart(@TempDir Path dataDir) throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            try (Lr0App app = Lr0App.start(config(stack, dataDir.resolve("state-1")))) {
                produce(stack, 0, 20);
                assertEquals(20, awaitNativeTotal(stack, 20));
            }
            // A new state directory: the counts must come back from the changelog, not from local files.
            try (Lr0App app = Lr0App.start(config(stack, dataDir.resolve("state-2")))) {
                produce(stack, 20, 15);
                assertEquals(35, awaitNativeTotal(stack, 35), "20 before the restart + 15 after");
            }
        }
    }

    private static Lr0Config config(LocalStack stack, Path stateDir) {
        return AppConfig.on(stack, stateDir);
    }

    /** Produces images {@code from} .. {@code from + count - 1} of the sample (distinct ids). */
    private static void produce(LocalStack stack, int from, int count) throws Exception {
        DatasetSource all = Datasets.defaultFashionMnist("test");
        List<LabeledImage> slice = new ArrayList<>();
        Iterator<LabeledImage> images = all.images();
        for (int i = 0; i < from + count; i++) {
            LabeledImage image = images.next();
            if (i >= from) {
                slice.add(image);
            }
        }
        DatasetSource part = new DatasetSource() {
            public LabelSpace labelSpace() {
                return all.labelSpace();
            }

            public int size() {
                return slice.size();
            }

            public Iterator<LabeledImage> images() {
                return slice.iterator();
            }
        };
        try (ImagePublisher publisher = new ImagePublisher(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                Map.of("schema.registry.url", stack.registryUrl()),
                "images",
                "datasets")) {
            DatasetProducer.run(part, publisher, "restart-it", 0, 0, null);
        }
    }

    private static long awaitNativeTotal(LocalStack stack, long expected) {
        AvroDeserializer<RobustnessMetric> reader = new AvroDeserializer<>();
        reader.configure(Map.of("schema.registry.url", stack.registryUrl(), "specific.avro.reader", "true"), false);
        Map<String, RobustnessMetric> latest = new HashMap<>();
        List<ConsumerRecord<String, RobustnessMetric>> read = Consume.until(
                stack.bootstrapServers(),
                "robustness-metrics",
                new StringDeserializer(),
                reader,
                records -> {
                    records.forEach(r -> latest.put(r.key(), r.value()));
                    return latest.containsKey(KEY) && latest.get(KEY).getTotal() >= expected;
                },
                Duration.ofSeconds(90));
        read.forEach(r -> latest.put(r.key(), r.value()));
        return latest.containsKey(KEY) ? latest.get(KEY).getTotal() : -1;
    }
}
