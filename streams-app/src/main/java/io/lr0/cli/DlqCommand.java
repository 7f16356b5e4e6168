package io.lr0.cli;

import io.lr0.app.Lr0Config;
import io.lr0.dlq.DeadLetterReplay;
import io.lr0.dlq.DeadLetterReplay.DeadLetter;
import io.lr0.runtime.records.LogText;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lr0 dlq list|replay}: inspect dead letters, and send them back once their cause is fixed. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = "Inspect a dead-letter topic, and replay its records to their source topic.",
        subcommands = {DlqCommand.ListCommand.class, DlqCommand.ReplayCommand.class})
final class DlqCommand {

    /** The topic and filters both subcommands take. */
    static final class Selection {
        @Option(
                names = "--topic",
                defaultValue = "images-dlq",
                description =
                        "Dead-letter topic (default: ${DEFAULT-VALUE}; also image-variants-dlq, upscaled-variants-dlq).")
        String topic;

        @Option(
                names = "--reason",
                paramLabel = "REASON",
                split = ",",
                description = "Only these reasons (e.g. PIXEL_LIMIT,CORRUPT_IMAGE; docs/operations.md).")
        List<String> reasons = List.of();

        @Option(names = "--key", paramLabel = "KEY", split = ",", description = "Only records with these keys.")
        List<String> keys = List.of();

        Predicate<DeadLetter> filter() {
            return deadLetter -> (reasons.isEmpty() || reasons.contains(deadLetter.reason()))
                    && (keys.isEmpty() || keys.contains(deadLetter.keyText()));
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Print one line per dead letter: partition/offset, key, reason, source, message.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Mixin
        Selection selection;

        @Override
        public Integer call() {
            Lr0Config settings = cluster.loadReachable();
            Predicate<DeadLetter> filter = selection.filter();
            int[] shown = {0};
            new DeadLetterReplay(settings.kafkaClientConfig()).list(selection.topic, deadLetter -> {
                if (filter.test(deadLetter)) {
                    shown[0]++;
                    // Everything but the coordinates comes from the record: escaped, so a newline in a key cannot
                    // forge a line and an ANSI or title escape does not reach the terminal (as lr0 consume's JSON).
                    System.out.printf(
                            "%d/%d\t%s\t%s\t%s@%s\t%s%n",
                            deadLetter.partition(),
                            deadLetter.offset(),
                            LogText.escaped(deadLetter.keyText()),
                            LogText.escaped(deadLetter.reason()),
                            LogText.escaped(deadLetter.sourceTopic()),
                            LogText.escaped(deadLetter.sourceOffset()),
                            LogText.escaped(deadLetter.message()));
                }
            });
            System.err.printf("%d dead letters in %s%n", shown[0], selection.topic);
            return 0;
        }
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = "Send the selected dead letters back to their source topic (original key and value), "
                    + "from where the last replay of this topic stopped; transactional, so none is sent twice. "
                    + "Replays of one topic are exclusive: one started while another runs takes over, and the "
                    + "other ends, having replayed nothing, with exit code 1.")
    static final class ReplayCommand implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Mixin
        Selection selection;

        @Option(
                names = "--to",
                paramLabel = "TOPIC",
                description = "Send to this topic instead of each record's source topic.")
        String toTopic;

        @Option(
                names = "--from-beginning",
                description = "Read the dead-letter topic from its start, not from the last replay's position.")
        boolean fromBeginning;

        @Option(names = "--dry-run", description = "Only count what would be replayed; send and commit nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            Lr0Config settings = cluster.loadReachable();
            String group = settings.getString(Lr0Config.APPLICATION_ID) + "-dlq-replay";
            DeadLetterReplay.Outcome outcome;
            try {
                outcome = new DeadLetterReplay(settings.kafkaClientConfig())
                        .replay(selection.topic, group, selection.filter(), toTopic, fromBeginning, dryRun);
            } catch (DeadLetterReplay.TakenOver e) {
                System.err.println(e.getMessage());
                return 1;
            }
            System.out.printf(
                    "%s %d records from %s %s; %d read and left out by the filter%n",
                    dryRun ? "would replay" : "replayed",
                    outcome.replayed(),
                    selection.topic,
                    outcome.replayedByReason(),
                    outcome.skipped());
            return 0;
        }
    }
}
