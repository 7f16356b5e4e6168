package io.lr0.testing;

import io.lr0.local.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** {@code lr0 run} as a child JVM, so a test can kill it with SIGKILL like a crashed machine. */
public final class AppProcess {
    private AppProcess() {}

    /** Starts {@code lr0 run} against {@code stack} with state under {@code dataDir}, appending its output to {@code log}. */
    public static Process start(LocalStack stack, Path dataDir, Path log, Map<String, String> extraSettings)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.lr0.schema",
                "-Dai.djl.offline=true",
                "io.lr0.cli.Lr0",
                "run"));
        Map<String, String> settings = new HashMap<>(Map.of(
                "bootstrap.servers", stack.bootstrapServers(),
                "schema.registry.url", stack.registryUrl(),
                "state.dir", dataDir.resolve("streams").toString(),
                "topic.partitions", "2",
                // A killed member leaves no goodbye: let the group notice within seconds, not the default 45.
                "kafka.session.timeout.ms", "6000",
                "kafka.heartbeat.interval.ms", "1500",
                "dashboard.port", "0"));
        settings.putAll(extraSettings);
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("LR0_"));
        return builder.start();
    }

    /** Waits until the app has created {@code topic}: it is up and has set up its topics. */
    public static void awaitTopic(LocalStack stack, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!admin.listTopics().names().get().contains(topic)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(topic + " was not created by the app");
                }
                Thread.sleep(200);
            }
        }
    }

    /** Keys whose latest committed changelog record is not a tombstone: entries still in the store. */
    public static int liveEntries(LocalStack stack, String changelog) {
        List<ConsumerRecord<String, byte[]>> records = Consume.until(
                stack.bootstrapServers(),
                changelog,
                new StringDeserializer(),
                new ByteArrayDeserializer(),
                read -> false,
                Duration.ofSeconds(3));
        Map<String, byte[]> latest = new HashMap<>();
        records.forEach(r -> latest.put(r.key(), r.value()));
        return (int) latest.values().stream().filter(v -> v != null).count();
    }
}
