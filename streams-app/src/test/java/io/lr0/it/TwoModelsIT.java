package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.cli.Lr0;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import io.lr0.testing.Browser;
import io.lr0.testing.Consume;
import io.lr0.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Two models on one stream, on the real broker and registry: inference.model names the bundled demo model and a
 * copy of it under another name. Each image is degraded once; each variant is classified once by each model; the
 * metrics, SAR/WAR, {@code lr0 report} and the dashboard's query API have both models, with equal figures (the same
 * weights).
 */
class TwoModelsIT {
    private static final int IMAGES = 40;
    private static final String BASE = "lr0-demo-fmnist";
    private static final String COPY = "lr0-demo-fmnist-copy";

    @TempDir
    Path dataDir;

    @Test
    void bothModelsClassifyEveryVariantFromOneDegradation() throws Exception {
        Path copy = TestModels.renamedBundled(dataDir.resolve("models"), COPY);
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            Lr0Config config = Lr0Config.of(Map.of(
                    Lr0Config.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    Lr0Config.STATE_DIR, dataDir.resolve("streams").toString(),
                    Lr0Config.INFERENCE_MODEL, "bundled," + copy,
                    Lr0Config.DASHBOARD_PORT, "0"));
            try (Lr0App app = Lr0App.start(config)) {
                try (ImagePublisher publisher = new ImagePublisher(
                        config.kafkaClientConfig(),
                        config.serdeConfig(),
                        config.topics().images(),
                        config.topics().datasets())) {
                    DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "two", IMAGES, 0, null);
                }
                int variantsExpected = IMAGES
                        * (config.degradeSettings()
                                        .resolutionsFor("fashion-mnist")
                                        .size()
                                + 1);
                List<ConsumerRecord<String, Prediction>> predictions = Consume.until(
                        stack.bootstrapServers(),
                        config.topics().predictions(),
                        new StringDeserializer(),
                        Consume.specificReader(stack.registryUrl()),
                        read -> read.size() >= 2 * variantsExpected,
                        Duration.ofSeconds(120));
                Map<String, RobustnessSummary> summaries = latest(
                        stack,
                        config.topics().summary(),
                        read -> List.of(BASE, COPY).stream()
                                .allMatch(model -> read.containsKey(model + "/7/bicubic")
                                        && read.get(model + "/7/bicubic").getTotal() == IMAGES));
                Map<String, RobustnessMetric> metrics = latest(
                        stack,
                        config.topics().metrics(),
                        read -> List.of(BASE, COPY).stream()
                                .allMatch(model -> read.containsKey(model + "/fashion-mnist/native/bicubic")
                                        && read.get(model + "/fashion-mnist/native/bicubic")
                                                        .getTotal()
                                                == IMAGES));
                // Give a duplicate (a second degradation or classification) the chance to show up before counting.
                List<ConsumerRecord<String, ImageVariant>> variants = Consume.until(
                        stack.bootstrapServers(),
                        config.topics().variants(),
                        new StringDeserializer(),
                        Consume.specificReader(stack.registryUrl()),
                        read -> false,
                        Duration.ofSeconds(3));

                assertEquals(variantsExpected, variants.size(), "one degradation: each variant written once");
                Map<String, Map<String, String>> answers = new HashMap<>();
                for (ConsumerRecord<String, Prediction> record : predictions) {
                    Prediction prediction = record.value();
                    String previous = answers.computeIfAbsent(prediction.getModel(), model -> new HashMap<>())
                            .put(record.key(), prediction.getPredicted());
                    assertEquals(null, previous, "one prediction per model and variant: " + record.key());
                }
                assertEquals(Set.of(BASE, COPY), answers.keySet());
                assertEquals(variantsExpected, answers.get(BASE).size());
                assertEquals(variantsExpected, answers.get(COPY).size());
                assertEquals(answers.get(BASE), answers.get(COPY), "the same weights: the same answers");
                RobustnessMetric base = metrics.get(BASE + "/fashion-mnist/native/bicubic");
                assertEquals(
                        base.getAccuracyTop1(),
                        metrics.get(COPY + "/fashion-mnist/native/bicubic").getAccuracyTop1());
                assertEquals(
                        summaries.get(BASE + "/7/bicubic").getSar(),
                        summaries.get(COPY + "/7/bicubic").getSar());

                // lr0 report and the dashboard's query API: both models.
                String csv = report(stack);
                assertTrue(csv.contains("\n" + BASE + ",SAR,") && csv.contains("\n" + COPY + ",SAR,"), csv);
                HttpResponse<String> response = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(app.dashboardUrl() + "/api/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                Set<String> models = new TreeSet<>();
                for (JsonNode metric : new ObjectMapper().readTree(response.body())) {
                    models.add(metric.path("model").asText());
                }
                assertEquals(Set.of(BASE, COPY), models, response.body());

                // The dashboard: a card of each model's accuracy, plotting the API's figures.
                ChromeDriver browser = Browser.chrome();
                try {
                    browser.get(app.dashboardUrl());
                    JavascriptExecutor js = browser;
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                    for (String model : List.of(BASE, COPY)) {
                        String nativeTop1 = "const c = window.lr0.charts['accuracy:" + model + "/fashion-mnist'];"
                                + " return c ? c.data.datasets[0].data[c.data.labels.indexOf('native')] : -1";
                        wait.until(d -> js.executeScript(nativeTop1) instanceof Number n
                                && Math.abs(n.doubleValue() - base.getAccuracyTop1()) < 1e-9);
                    }
                } finally {
                    browser.quit();
                }
            }
        }
    }

    private static String report(LocalStack stack) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = Lr0.commandLine()
                    .execute(
                            "report",
                            "--format",
                            "csv",
                            "--set",
                            Lr0Config.BOOTSTRAP_SERVERS + "=" + stack.bootstrapServers(),
                            "--set",
                            Lr0Config.SCHEMA_REGISTRY_URL + "=" + stack.registryUrl());
            assertEquals(0, exit);
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The latest value per key of a compacted topic, read until {@code done} holds. */
    private static <V> Map<String, V> latest(LocalStack stack, String topic, Predicate<Map<String, V>> done) {
        Map<String, V> latest = new HashMap<>();
        Consume.<String, V>until(
                stack.bootstrapServers(),
                topic,
                new StringDeserializer(),
                Consume.specificReader(stack.registryUrl()),
                read -> {
                    latest.clear();
                    read.forEach(record -> latest.put(record.key(), record.value()));
                    return done.test(latest);
                },
                Duration.ofSeconds(90));
        return latest;
    }
}
