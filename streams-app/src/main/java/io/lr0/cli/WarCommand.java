package io.lr0.cli;

import io.lr0.metrics.Robustness;
import io.lr0.metrics.WarWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lr0 war}: LR0.FM's SAR and WAR from a table of accuracies, with the stream's own code. */
@Command(
        name = "war",
        mixinStandardHelpOptions = true,
        description = "Read rows 'dataset,classes,acc_hr,acc_lr' (accuracies in percent, a header row allowed) and "
                + "print SAR and WAR with 5 decimals, as LR0.FM defines them, then the weight of each dataset: "
                + "LR0.FM's, under lr0's ids, LR0.FM's own (imagenet1k, pets, cars, flowers, ...) or common names; "
                + "any other dataset weighs 1.0.")
final class WarCommand implements Callable<Integer> {
    @Option(names = "--csv", required = true, description = "The table.")
    Path csv;

    @Option(
            names = "--alpha",
            defaultValue = "200",
            description = "alpha of the improved relative robustness (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Override
    public Integer call() throws IOException {
        Robustness.Aggregate aggregate = Robustness.aggregate(read(csv), WarWeights.lr0fm(), alpha);
        if (aggregate.sar() == null) {
            throw new IOException(csv + ": no dataset with a positive high-resolution accuracy");
        }
        System.out.printf(Locale.ROOT, "SAR=%.5f%n", aggregate.sar());
        System.out.printf(Locale.ROOT, "WAR=%.5f%n", aggregate.war());
        aggregate
                .weights()
                .forEach((dataset, weight) -> System.out.printf(
                        Locale.ROOT, "weight %s=%.5f (%s)%n", dataset, weight.value(), weight.basis()));
        return 0;
    }

    static List<Robustness.DatasetResult> read(Path csv) throws IOException {
        List<Robustness.DatasetResult> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(",");
            if (i == 0 && !fields[fields.length > 1 ? 1 : 0].trim().matches("\\d+")) {
                continue;
            }
            String where = csv + " line " + (i + 1);
            if (fields.length != 4) {
                throw new IOException(
                        where + ": expected 4 fields dataset,classes,acc_hr,acc_lr, got " + fields.length);
            }
            try {
                int classes = Integer.parseInt(fields[1].trim());
                double high = Double.parseDouble(fields[2].trim());
                double low = Double.parseDouble(fields[3].trim());
                if (classes < 2 || high < 0 || high > 100 || low < 0 || low > 100) {
                    throw new IOException(where + ": classes must be at least 2 and accuracies within 0..100 percent");
                }
                rows.add(new Robustness.DatasetResult(fields[0].trim(), classes, high / 100, low / 100));
            } catch (NumberFormatException e) {
                throw new IOException(where + ": not a number: " + e.getMessage());
            }
        }
        return rows;
    }
}
