package io.lr0.launcher;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.cli.ConfigOptions;
import io.lr0.contract.DeadLetterHeaders;
import io.lr0.contract.Sources;
import io.lr0.inference.Models;
import io.lr0.lifecycle.Shutdown;
import io.lr0.local.LocalStack;
import io.lr0.local.ScratchDirectory;
import io.lr0.producers.CounterAnimalStyle;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.DatasetSource;
import io.lr0.producers.Datasets;
import io.lr0.producers.IdxDataset;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.ProgressBar;
import io.lr0.superres.LiifModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lr0 demo}: the whole pipeline on the embedded default, fed with Fashion-MNIST. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Start the embedded broker and schema registry and the streams app, produce a dataset "
                + "(Fashion-MNIST by default), follow it through the pipeline (bicubic and LIIF super-resolution) and "
                + "print a summary per resolution and method.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Mixin
    LocalStackOptions local;

    @Option(names = "--reset", description = "Delete the data directory first and start clean.")
    boolean reset;

    @Option(
            names = "--lrtk0",
            description = "Both remedies side by side: the ViT demo model and its LR-TK0 variant (robustness tokens, "
                    + "LR0.FM) classify the same variants, each with bicubic and LIIF; a table per model.")
    boolean lrtk0;

    @Option(
            names = "--dataset",
            description = "Dataset directory (default: Debian's Fashion-MNIST, else the bundled sample).")
    Path dataset;

    @Option(
            names = "--limit",
            defaultValue = "1000",
            description = "Images to produce (0: all; default: ${DEFAULT-VALUE}).")
    long limit;

    @Option(
            names = "--rate",
            defaultValue = "50",
            description =
                    "Images per second at most (0: no limit; default: ${DEFAULT-VALUE}); --max-in-flight holds it to what the pipeline follows.")
    double rate;

    @Option(
            names = "--max-in-flight",
            defaultValue = "32",
            description =
                    "Images produced but not through the pipeline yet, at most: the producer waits beyond it, so the dashboard follows live on a machine slower than --rate (with LIIF on two cores) instead of behind a growing backlog (0: no limit; default: ${DEFAULT-VALUE}).")
    long maxInFlight;

    @Option(
            names = "--grouped-per-class",
            defaultValue = "10",
            description =
                    "Images per class of the derived CounterAnimal-style set, each shown on the black background of training and, garment unchanged, on a scene per class it was never trained on (0: none; default: ${DEFAULT-VALUE}).")
    int groupedPerClass;

    @Option(
            names = "--exit-when-done",
            description = "Exit once every produced image went through (exit code 0 only if none failed).")
    boolean exitWhenDone;

    @Option(
            names = "--dashboard-port",
            defaultValue = "8088",
            description = "Port of the dashboard and query API (0: any free port; default: ${DEFAULT-VALUE}).")
    int dashboardPort;

    @Option(
            names = "--timeout",
            defaultValue = "PT10M",
            description = "Give up waiting for results after this ISO-8601 duration (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("--max-in-flight must be 0 (no limit) or more, was " + maxInFlight);
        }
        if (reset) {
            ScratchDirectory.deleteRecursively(local.dataDir);
        }
        Lr0Config stackSettings = config.load(Map.of());
        if (lrtk0 && stackSettings.originals().containsKey(Lr0Config.INFERENCE_MODEL)) {
            throw new IllegalArgumentException("--lrtk0 runs the bundled ViT demo and its LR-TK0 variant: leave "
                    + "inference.model unset, or name both models there instead");
        }
        try (LocalStack stack = local.start(stackSettings)) {
            Map<String, String> demoSettings = new HashMap<>(stackSettings.embeddedRegistryClientSettings());
            demoSettings.putAll(Map.of(
                    Lr0Config.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    Lr0Config.STATE_DIR, local.dataDir.resolve("streams").toString(),
                    Lr0Config.DASHBOARD_PORT, String.valueOf(dashboardPort),
                    // The native variant is the high-resolution reference, and marks an image as complete.
                    Lr0Config.DEGRADE_NATIVE, "true",
                    // Bicubic (LR0.FM) and LIIF side by side; --set sr.methods=bicubic for bicubic alone.
                    Lr0Config.SR_METHODS, "bicubic,liif"));
            if (dataset == null && !stackSettings.originals().containsKey(Lr0Config.SR_LIIF_MODEL)) {
                // The demo's data is Fashion-MNIST: LIIF fine-tuned on its train split wins back the most accuracy.
                demoSettings.put(Lr0Config.SR_LIIF_MODEL, LiifModel.BUNDLED_FASHION_MNIST);
            }
            if (lrtk0) {
                demoSettings.put(Lr0Config.INFERENCE_MODEL, Models.BUNDLED_VIT + "," + Models.BUNDLED_VIT_LRTK0);
            }
            Lr0Config lr0 = config.load(demoSettings);
            try (Lr0App app = Lr0App.start(lr0);
                    PipelineWatcher watcher = PipelineWatcher.fromNow(lr0)) {
                DatasetSource source = dataset == null
                        ? Datasets.defaultFashionMnist("test")
                        : Datasets.open(dataset, Datasets.Format.AUTO, "test", null);
                long total = limit > 0 ? Math.min(limit, source.size()) : source.size();
                System.err.printf(
                        "Kafka %s, schema registry %s, query API %s. Producing %d images of %s...%n",
                        stack.bootstrapServers(),
                        stack.registryUrl(),
                        app.dashboardUrl(),
                        total,
                        source.labelSpace().id());
                List<DatasetSource> sources = new ArrayList<>(List.of(source));
                if (dataset == null && groupedPerClass > 0) {
                    // Common vs counter backgrounds for the CounterAnimal panels (docs/metrics.md).
                    sources.add(CounterAnimalStyle.derive(
                            Datasets.defaultFashionMnist("test"),
                            "fashion-mnist-ca",
                            IdxDataset.FASHION_MNIST_CLASSES,
                            groupedPerClass));
                }
                long sent = 0;
                long failed = 0;
                try (ImagePublisher publisher = new ImagePublisher(
                        lr0.kafkaClientConfig(),
                        lr0.serdeConfig(),
                        lr0.topics().images(),
                        lr0.topics().datasets())) {
                    for (DatasetSource each : sources) {
                        long count = each == source ? total : each.size();
                        DatasetProducer.Result produced = DatasetProducer.run(
                                each,
                                publisher,
                                Sources.dataset(each.labelSpace().id()),
                                each == source ? limit : 0,
                                rate,
                                ProgressBar.onStderr(each.labelSpace().id(), count),
                                maxInFlight > 0 ? watcher.gate(sent, maxInFlight, timeout) : DatasetProducer.Gate.OPEN);
                        sent += produced.sent();
                        failed += produced.failed();
                    }
                }
                PipelineWatcher.Summary summary =
                        watcher.awaitImages(sent, timeout, ProgressBar.onStderr("processed", sent));
                System.out.println(summary.table());
                boolean complete = failed == 0 && summary.complete(sent);
                System.err.printf(
                        "Topics: %s -> %s (-> %s) -> %s; dead letters on %s and %s.%n",
                        lr0.topics().images(),
                        lr0.topics().variants(),
                        lr0.topics().upscaled(),
                        lr0.topics().predictions(),
                        DeadLetterHeaders.topicFor(lr0.topics().images()),
                        DeadLetterHeaders.topicFor(lr0.topics().variants()));
                if (exitWhenDone) {
                    return complete ? 0 : 1;
                }
                System.err.println("Pipeline up; Ctrl-C to stop.");
                Shutdown.await();
                return 0;
            }
        }
    }
}
