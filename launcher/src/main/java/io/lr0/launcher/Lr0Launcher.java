package io.lr0.launcher;

import io.lr0.bench.BenchCommand;
import io.lr0.cli.Lr0;
import picocli.CommandLine;

/**
 * {@code ./lr0}: the application's commands, plus {@code demo} and {@code broker} (local stack), {@code faults} and
 * {@code bench}.
 */
public final class Lr0Launcher {
    private Lr0Launcher() {}

    public static void main(String[] args) {
        Lr0.run(commandLine(), args);
    }

    /** The whole command tree, with the application's error reporting; {@code help} stays last in the listing. */
    public static CommandLine commandLine() {
        CommandLine commandLine = Lr0.commandLine();
        CommandLine help = commandLine.getCommandSpec().removeSubcommand("help");
        return commandLine
                .addSubcommand(new DemoCommand())
                .addSubcommand(new BrokerCommand())
                .addSubcommand(new FaultsCommand())
                .addSubcommand(new BenchCommand())
                .addSubcommand(help);
    }
}
