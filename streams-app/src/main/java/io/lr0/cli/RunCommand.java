package io.lr0.cli;

import io.lr0.app.Lr0App;
import io.lr0.lifecycle.Shutdown;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lr0 run}: one streams-app instance against the configured Kafka and schema registry. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the streams app against the configured Kafka cluster and schema registry. Start more "
                + "instances with the same application.id to scale out.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        try (Lr0App app = Lr0App.start(cluster.load())) {
            System.err.println("lr0 running; Ctrl-C to stop.");
            Shutdown.await();
        }
        return 0;
    }
}
