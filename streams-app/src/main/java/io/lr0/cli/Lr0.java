package io.lr0.cli;

import io.lr0.image.BadImageException;
import io.lr0.lifecycle.Shutdown;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The application's command line: the commands a deployment runs ({@code run}, {@code produce}, {@code dlq}...).
 * The {@code ./lr0} launcher adds the local stack's and the benchmarks' commands to it.
 */
@Command(
        name = "lr0",
        mixinStandardHelpOptions = true,
        version = "lr0-streams 0.1.0",
        description = "Live low-resolution robustness of vision-language models on Kafka streams.",
        subcommands = {
            RunCommand.class,
            ProduceCommand.class,
            DegradeCommand.class,
            UpscaleCommand.class,
            WarCommand.class,
            ReportCommand.class,
            PrometheusRulesCommand.class,
            ConsumeCommand.class,
            DlqCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Lr0 {

    public static void main(String[] args) {
        run(commandLine(), args);
    }

    /** Runs {@code commandLine} on {@code args} and exits with its code once shutdown hooks may proceed. */
    public static void run(CommandLine commandLine, String[] args) {
        System.exit(Shutdown.runMain(() -> commandLine.execute(args)));
    }

    /** The command tree with lr0's error reporting: expected failures print one clear line, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Lr0());
        // Enum options take any case: --format imagenet1k, --format text.
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            // Kafka client errors (ConfigException among them) say what went wrong; the trace adds nothing.
            if (error instanceof KafkaException
                    || error instanceof UncheckedIOException
                    || error instanceof BadImageException
                    || error instanceof IOException
                    || error instanceof IllegalStateException
                    || error instanceof IllegalArgumentException) {
                cmd.getErr().println("lr0 " + cmd.getCommandName() + ": " + error.getMessage());
                return 2;
            }
            throw error;
        });
        return commandLine;
    }
}
