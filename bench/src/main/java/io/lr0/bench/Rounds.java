package io.lr0.bench;

import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The headline of several measured rounds of one configuration: the median round, and each figure's median and
 * spread (the largest distance of a round from the median, in percent of it), so a figure that moves between runs
 * says so where it is printed.
 */
final class Rounds {
    private Rounds() {}

    /** The round of median throughput (the lower middle one of an even count). */
    static PipelineBench.Run median(List<PipelineBench.Run> rounds) {
        List<PipelineBench.Run> sorted = rounds.stream()
                .sorted(Comparator.comparingDouble(run -> run.variantsPerSecond))
                .toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** "median of 3 rounds: throughput 613.4 variants/s (+-2.1 %), ...". */
    static String describe(List<PipelineBench.Run> rounds) {
        return String.format(
                "median of %d rounds: throughput %.1f variants/s (%s), outside the model %.2f ms of CPU per image "
                        + "(%s), pipeline variants/s / fastest raw images/s %.3f (%s)",
                rounds.size(),
                median(rounds, run -> run.variantsPerSecond),
                spread(rounds, run -> run.variantsPerSecond),
                median(rounds, run -> run.outsideMsPerImage),
                spread(rounds, run -> run.outsideMsPerImage),
                median(rounds, run -> run.variantsPerSecond / run.raw),
                spread(rounds, run -> run.variantsPerSecond / run.raw));
    }

    static double median(List<PipelineBench.Run> rounds, ToDoubleFunction<PipelineBench.Run> figure) {
        double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /** "+-4.8 %": the largest distance of a round from the median, in percent of the median. */
    static String spread(List<PipelineBench.Run> rounds, ToDoubleFunction<PipelineBench.Run> figure) {
        double median = median(rounds, figure);
        double largest = rounds.stream()
                .mapToDouble(figure)
                .map(value -> Math.abs(value - median))
                .max()
                .orElse(0);
        return String.format("+-%.1f %%", 100 * largest / median);
    }
}
