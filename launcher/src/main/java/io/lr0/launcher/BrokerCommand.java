package io.lr0.launcher;

import io.lr0.cli.ConfigOptions;
import io.lr0.lifecycle.Shutdown;
import io.lr0.local.LocalStack;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lr0 broker}: the embedded Kafka broker and schema registry alone, for running the parts separately. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = "Start the embedded single-node KRaft broker and schema registry and keep them up.")
final class BrokerCommand implements Callable<Integer> {
    @Mixin
    LocalStackOptions local;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        try (LocalStack stack = local.start(config.load(Map.of()))) {
            System.err.printf(
                    "Kafka at %s, schema registry at %s; Ctrl-C to stop.%n",
                    stack.bootstrapServers(), stack.registryUrl());
            Shutdown.await();
        }
        return 0;
    }
}
