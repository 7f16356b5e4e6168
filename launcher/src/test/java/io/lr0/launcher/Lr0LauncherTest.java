package io.lr0.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./lr0} keeps every command of the one-module days: the application's, the local stack's and the benches. */
class Lr0LauncherTest {

    @Test
    void everyCommandIsThereWithHelpLast() {
        CommandLine lr0 = Lr0Launcher.commandLine();
        assertEquals(
                List.of(
                        "run",
                        "produce",
                        "degrade",
                        "upscale",
                        "war",
                        "report",
                        "prometheus-rules",
                        "consume",
                        "dlq",
                        "demo",
                        "broker",
                        "faults",
                        "bench",
                        "help"),
                List.copyOf(lr0.getSubcommands().keySet()));
        assertEquals(
                List.of("inference", "pipeline", "upscale", "micro"),
                List.copyOf(lr0.getSubcommands().get("bench").getSubcommands().keySet()));
        assertEquals(
                List.of("dataset", "watch", "camera", "http"),
                List.copyOf(lr0.getSubcommands().get("produce").getSubcommands().keySet()));
    }

    @Test
    void demoLrtk0RefusesAModelOfItsOwnAtOnce() {
        StringWriter err = new StringWriter();
        CommandLine lr0 = Lr0Launcher.commandLine();
        lr0.setErr(new PrintWriter(err));
        assertEquals(2, lr0.execute("demo", "--lrtk0", "--set", "inference.model=bundled", "--config", "none"));
        assertEquals(
                "lr0 demo: --lrtk0 runs the bundled ViT demo and its LR-TK0 variant: leave inference.model unset, or "
                        + "name both models there instead",
                err.toString().strip());
    }
}
