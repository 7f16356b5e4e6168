package io.lr0.local;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.contract.TopicSetup;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    @Test
    void restartOnTheSameDirectoryKeepsTopics(@TempDir Path dataDir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0, 0)) {
            TopicSetup.ensure(
                    Map.of("bootstrap.servers", kafka.bootstrapServers()), List.of(TopicSetup.topic("kept", 2)));
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0, 0);
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Set<String> topics = admin.listTopics().names().get();
            assertTrue(topics.contains("kept"), "topics after restart: " + topics);
        }
    }

    @Test
    void aTakenPortIsNamedInTheError(@TempDir Path dataDir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException error = assertThrows(
                    IllegalStateException.class, () -> EmbeddedKafka.start(dataDir, taken.getLocalPort(), 0));
            assertTrue(error.getMessage().contains("Port " + taken.getLocalPort()), error.getMessage());
            assertTrue(error.getMessage().contains("already in use"), error.getMessage());
        }
    }
}
