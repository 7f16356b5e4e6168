package io.lr0.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0Config;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command that talks to a cluster names it the same way, and says at once when nobody answers there. */
class ClusterOptionsTest {

    @Test
    void theFlagsNameTheClusterAndSetStillWins() {
        ReportCommand report = new ReportCommand();
        new CommandLine(report)
                .parseArgs("--bootstrap-servers", "kafka-1:9093", "--schema-registry-url", "http://registry:8081");
        Lr0Config named = report.cluster.load();
        assertEquals("kafka-1:9093", named.bootstrapServers());
        assertEquals("http://registry:8081", named.schemaRegistryUrl());

        ConsumeCommand consume = new ConsumeCommand();
        new CommandLine(consume)
                .parseArgs("--bootstrap-servers", "kafka-1:9093", "--set", "bootstrap.servers=kafka-2:9093", "images");
        assertEquals("kafka-2:9093", consume.cluster.load().bootstrapServers(), "--set over the flag");

        ProduceCommand.DatasetCommand produce = new ProduceCommand.DatasetCommand();
        new CommandLine(produce)
                .parseArgs(
                        "--bootstrap-servers",
                        "kafka-1:9093",
                        "--topic",
                        "camera-images",
                        "--set",
                        "topic.datasets=camera-datasets",
                        "--set",
                        "kafka.security.protocol=SASL_SSL");
        Lr0Config produced = produce.target.settings();
        assertEquals("kafka-1:9093", produced.bootstrapServers());
        assertEquals("camera-images", produced.topics().images());
        assertEquals("camera-datasets", produced.topics().datasets());
        assertEquals("SASL_SSL", produced.kafkaClientConfig().get("security.protocol"), "a client setting by --set");
    }

    @Test
    void withNoBrokerTheCommandFailsWithinSecondsNamingTheAddressAndTheFix() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        for (String[] command : new String[][] {
            {"report"}, {"consume", "predictions"}, {"dlq", "list"}, {"produce", "dataset", "--limit", "1"}
        }) {
            StringWriter err = new StringWriter();
            CommandLine commandLine = Lr0.commandLine();
            commandLine.setErr(new PrintWriter(err));
            String[] args = new String[command.length + 2];
            System.arraycopy(command, 0, args, 0, command.length);
            args[command.length] = "--bootstrap-servers";
            args[command.length + 1] = "127.0.0.1:" + closedPort;
            long started = System.nanoTime();
            int exit = commandLine.execute(args);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            String message = err.toString();
            assertEquals(2, exit, message);
            assertTrue(message.contains("no Kafka broker answered at 127.0.0.1:" + closedPort), message);
            assertTrue(message.contains("./lr0 broker") && message.contains("--bootstrap-servers HOST:PORT"), message);
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, String.join(" ", command) + " took " + took);
        }
    }
}
