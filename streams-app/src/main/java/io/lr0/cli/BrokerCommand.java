package io.lr0.cli;

import io.lr0.embedded.LocalStack;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lr0 broker}: the embedded Kafka broker and schema registry alone, for running the parts separately. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Start the embedded single-node KRaft broker and schema registry and keep them up.")
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "data", description = "Where the broker keeps its data (default: ${DEFAULT-VALUE}).")
    Path dataDir;
    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;
    @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;
    @Option(names = "--registry-port", defaultValue = "8081", description = "Schema registry port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Override
    public Integer call() throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, kafkaPort, controllerPort, registryPort)) {
            System.err.printf("Kafka at %s, schema registry at %s; Ctrl-C to stop.%n", stack.bootstrapServers(),
                    stack.registryUrl());
            Shutdown.await();
        }
        return 0;
    }
}
