package io.lr0.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Lr0ConfigTest {

    @Test
    void defaultsAndBuiltInDatasetResolutions() {
        Lr0Config config = Lr0Config.of(Map.of());
        assertEquals("127.0.0.1:9092", config.bootstrapServers());
        assertEquals(List.of(16, 32, 64, 128), config.degradeSettings().resolutionsFor("anything"));
        assertEquals(List.of(7, 10, 14, 21), config.degradeSettings().resolutionsFor("fashion-mnist"));
        // An image is degraded only to the resolutions below its short side; the native variant comes on top.
        assertEquals(List.of(16, 32), config.degradeSettings().resolutionsBelow("anything", 64));
        assertEquals(5, config.degradeSettings().variantsOf("anything", 375));
        assertEquals(1, config.degradeSettings().variantsOf("anything", 16));
        assertEquals("exactly_once_v2", config.streamsProperties().get("processing.guarantee"));
    }

    @Test
    void inferenceIsChainedOnlyWhereThisApplicationRunsBothStages() {
        assertTrue(Lr0Config.of(Map.of()).inferenceChained());
        assertFalse(Lr0Config.of(Map.of(Lr0Config.INFERENCE_CHAINED, "false")).inferenceChained());
        assertFalse(Lr0Config.of(Map.of(Lr0Config.DEGRADE_ENABLED, "false")).inferenceChained());
        assertFalse(Lr0Config.of(Map.of(Lr0Config.INFERENCE_ENABLED, "false")).inferenceChained());
    }

    @Test
    void laterSourcesWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lr0.properties");
        Files.writeString(file, "topic.images=from-file\ntopic.variants=from-file\nbootstrap.servers=file:1\n");

        Lr0Config config = Lr0Config.load(
                file,
                Map.of("LR0_TOPIC_VARIANTS", "from-env", "LR0_BOOTSTRAP_SERVERS", "env:2", "PATH", "/bin"),
                Map.of("bootstrap.servers", "cli:3"));

        assertEquals("from-file", config.topics().images());
        assertEquals("from-env", config.topics().variants());
        assertEquals("cli:3", config.bootstrapServers());
    }

    @Test
    void unknownKeyIsRefusedWithItsNameAndOrigin() {
        ConfigException error =
                assertThrows(ConfigException.class, () -> Lr0Config.of(Map.of("degrade.resolution", "8")));
        assertTrue(error.getMessage().contains("'degrade.resolution' (from command line)"), error.getMessage());
    }

    @Test
    void anInstanceWithEveryStageOffIsRefused() {
        ConfigException error = assertThrows(
                ConfigException.class,
                () -> Lr0Config.of(
                        Map.of("degrade.enabled", "false", "inference.enabled", "false", "metrics.enabled", "false")));
        assertTrue(error.getMessage().contains("Every stage is off"), error.getMessage());
        // One stage left on is a valid role.
        assertTrue(Lr0Config.of(Map.of("degrade.enabled", "false", "metrics.enabled", "false"))
                .inferenceEnabled());
    }

    @Test
    void theLargestNativeVariantMustFitTheProducersRequestSize() {
        // The producers are sized for dead letters of any record a broker takes by default: 2 MiB.
        assertEquals(2_097_152L, Lr0Config.of(Map.of()).producerMaxRequestSize());
        assertEquals("2097152", Lr0Config.of(Map.of()).streamsProperties().get("producer.max.request.size"));
        String tooLarge = assertThrows(ConfigException.class, () -> Lr0Config.of(Map.of("image.max.bytes", "3000000")))
                .getMessage();
        assertTrue(
                tooLarge.contains("image.max.bytes")
                        && tooLarge.contains("max.request.size=2097152")
                        && tooLarge.contains("streams.producer.max.request.size"),
                tooLarge);
        // A producer limit of the user's counts, and leaves less room for the text than the payload takes.
        assertThrows(
                ConfigException.class,
                () -> Lr0Config.of(
                        Map.of("record.max.text.chars", "65536", "streams.producer.max.request.size", "1048576")));
        assertEquals(
                4_000_000L,
                Lr0Config.of(Map.of("image.max.bytes", "3000000", "streams.producer.max.request.size", "4000000"))
                        .producerMaxRequestSize());
        assertEquals(1_000_000L + 5 * 3 * 1024 + 4096, Lr0Config.of(Map.of()).largestNativeVariantBytes());
        String notANumber = assertThrows(
                        ConfigException.class, () -> Lr0Config.of(Map.of("streams.producer.max.request.size", "2MB")))
                .getMessage();
        assertTrue(notANumber.contains("streams.producer.max.request.size"), notANumber);
    }

    @Test
    void invalidValuesNameTheKey() {
        assertTrue(assertThrows(ConfigException.class, () -> Lr0Config.of(Map.of("degrade.resolutions", "16,-2")))
                .getMessage()
                .contains("degrade.resolutions"));
        assertTrue(assertThrows(ConfigException.class, () -> Lr0Config.of(Map.of("degrade.resolutions.x", "a")))
                .getMessage()
                .contains("degrade.resolutions.x"));
        assertTrue(assertThrows(ConfigException.class, () -> Lr0Config.of(Map.of("processing.guarantee", "maybe")))
                .getMessage()
                .contains("processing.guarantee"));
        String unknownMethod = assertThrows(
                        ConfigException.class, () -> Lr0Config.of(Map.of("sr.methods", "bicubic,esrgan")))
                .getMessage();
        assertTrue(unknownMethod.contains("sr.methods") && unknownMethod.contains("esrgan"), unknownMethod);
        assertTrue(assertThrows(ConfigException.class, () -> Lr0Config.of(Map.of("sr.methods", "")))
                .getMessage()
                .contains("sr.methods"));
        assertEquals(
                List.of("bicubic", "liif"),
                Lr0Config.of(Map.of("sr.methods", " bicubic, liif")).srMethods());
    }

    @Test
    void prefixedKeysPassThrough() {
        Lr0Config config = Lr0Config.of(Map.of(
                "kafka.security.protocol",
                "SASL_SSL",
                "streams.commit.interval.ms",
                "50",
                "schema.registry.basic.auth.user.info",
                "u:p"));
        assertEquals("SASL_SSL", config.kafkaClientConfig().get("security.protocol"));
        assertEquals("SASL_SSL", config.streamsProperties().get("security.protocol"));
        assertEquals("50", config.streamsProperties().get("commit.interval.ms"));
        assertEquals("u:p", config.serdeConfig().get("schema.registry.basic.auth.user.info"));
    }

    @Test
    void replicationReachesLr0sTopicsAndKafkaStreamsInternalOnes() {
        Lr0Config defaults = Lr0Config.of(Map.of());
        assertEquals(-1, defaults.topicLayout().replicationFactor(), "the broker's default");
        assertEquals(-1, defaults.streamsProperties().get("replication.factor"));
        assertFalse(defaults.streamsProperties().containsKey("topic.min.insync.replicas"));

        Lr0Config production =
                Lr0Config.of(Map.of(Lr0Config.TOPIC_REPLICATION_FACTOR, "3", Lr0Config.TOPIC_MIN_INSYNC_REPLICAS, "2"));
        assertEquals(3, production.topicLayout().replicationFactor());
        assertEquals(3, production.streamsProperties().get("replication.factor"));
        assertEquals("2", production.streamsProperties().get("topic.min.insync.replicas"));
        for (var topic : production.topics().specs(production.topicLayout())) {
            assertEquals((short) 3, topic.replicationFactor(), topic.name());
            assertEquals("2", topic.configs().get("min.insync.replicas"), topic.name());
        }

        org.apache.kafka.common.config.ConfigException impossible = assertThrows(
                org.apache.kafka.common.config.ConfigException.class,
                () -> Lr0Config.of(Map.of(
                                Lr0Config.TOPIC_REPLICATION_FACTOR, "2", Lr0Config.TOPIC_MIN_INSYNC_REPLICAS, "3"))
                        .topicLayout());
        assertTrue(impossible.getMessage().contains(Lr0Config.TOPIC_MIN_INSYNC_REPLICAS), impossible.getMessage());
        assertThrows(
                org.apache.kafka.common.config.ConfigException.class,
                () -> Lr0Config.of(Map.of(Lr0Config.TOPIC_REPLICATION_FACTOR, "0"))
                        .topicLayout());
    }
}
