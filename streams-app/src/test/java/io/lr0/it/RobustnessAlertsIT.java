package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.dashboard.PrometheusRules;
import io.lr0.local.LocalStack;
import io.lr0.metrics.MetricsSettings;
import io.lr0.producers.DatasetSource;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.LabeledImage;
import io.lr0.schema.Alert;
import io.lr0.schema.Image;
import io.lr0.testing.AppConfig;
import io.lr0.testing.Browser;
import io.lr0.testing.Consume;
import io.lr0.testing.RequiredTools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Monitoring people can act on, end to end: a labelled Fashion-MNIST stream whose images turn to noise (a source
 * degraded on purpose) and then recover. lr0's own rule fires and resolves on the alert topic and on the dashboard in
 * a real browser, and a real Prometheus (Debian's), scraping the instance's /metrics with the rules file lr0 writes,
 * fires and resolves the same alert; promtool checks the rules and the live /metrics.
 */
class RobustnessAlertsIT {
    private static final Duration WINDOW = Duration.ofSeconds(3);
    private static final String RULE = "quality";
    private static final String SOURCE = "alerts-it";
    private static final double IMAGES_PER_SECOND = 25;
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSourceWhoseQualityDropsFiresAndResolvesOnTheTopicTheDashboardAndPrometheus(@TempDir Path dir)
            throws Exception {
        RequiredTools.require("prometheus");
        try (LocalStack stack = LocalStack.start(dir, 0, 0, 0)) {
            Lr0Config config = AppConfig.on(
                    stack,
                    dir.resolve("streams"),
                    Lr0Config.METRICS_WINDOW_MS,
                    String.valueOf(WINDOW.toMillis()),
                    Lr0Config.DATASET_RESOLUTIONS_PREFIX + "fashion-mnist",
                    "14",
                    Lr0Config.ESTIMATE_CALIBRATION_MIN_SAMPLES,
                    "50",
                    Lr0Config.ALERT_RULES,
                    RULE,
                    "alert.rule.quality.measure",
                    "measured-top1",
                    "alert.rule.quality.resolution",
                    "native",
                    "alert.rule.quality.below",
                    "0.5",
                    "alert.rule.quality.resolve.at",
                    "0.6",
                    "alert.rule.quality.windows",
                    "2",
                    "alert.rule.quality.min.samples",
                    "10");
            MetricsSettings settings = config.metricsSettings();
            Path rules = dir.resolve("lr0-rules.yml");
            Files.writeString(rules, PrometheusRules.yaml(settings.alertRules(), settings.window()));
            assertEquals(0, run(List.of("promtool", "check", "rules", rules.toString())), "promtool check rules");

            try (Lr0App app = Lr0App.start(config);
                    ImagePublisher publisher = new ImagePublisher(
                            Map.of("bootstrap.servers", stack.bootstrapServers()),
                            Map.of("schema.registry.url", stack.registryUrl()),
                            config.topics().images(),
                            config.topics().datasets());
                    Feed feed = new Feed(publisher, Datasets.defaultFashionMnist("test"));
                    PrometheusServer prometheus = PrometheusServer.start(dir, app.dashboardUrl(), rules)) {
                ChromeDriver browser = Browser.chrome();
                try {
                    browser.get(app.dashboardUrl());
                    JavascriptExecutor page = browser;
                    HttpClient http = HttpClient.newHttpClient();

                    // Clean images: the rule has a subject, not firing, in lr0 and on the page.
                    await(
                            "a closed clean window in Prometheus",
                            () -> prometheus
                                            .query("lr0_measured_top1_window{resolution=\"native\"} >= 0.6")
                                            .size()
                                    > 0);
                    await("the rule's subject on the page", () -> "ok".equals(pageStatus(page)));
                    // Estimates once the source's labelled predictions calibrated its cells.
                    await(
                            "estimated-accuracy gauges in Prometheus",
                            () -> prometheus
                                            .query("lr0_estimated_top1_window{source=\"" + SOURCE + "\"}")
                                            .size()
                                    > 0);
                    String metrics = get(http, app.dashboardUrl() + "/metrics");
                    checkMetrics(metrics);
                    assertTrue(metrics.contains("lr0_estimated_top1{"), "estimated-accuracy gauges on /metrics");

                    // Noise with the same labels: it fires everywhere.
                    feed.noisy.set(true);
                    await(
                            "lr0's alert firing on the topic",
                            () -> alerts(stack, config).stream()
                                    .anyMatch(alert -> alert.getStatus().equals("firing")));
                    await("the alert firing on the page", () -> "firing".equals(pageStatus(page)));
                    await(
                            "Prometheus' alert firing",
                            () -> prometheus.firing(PrometheusRules.alertName(
                                    settings.alertRules().get(0))));
                    screenshot(browser, "dashboard-alert-firing.png");

                    // Clean again: it resolves everywhere.
                    feed.noisy.set(false);
                    await("lr0's alert resolved on the topic", () -> {
                        List<Alert> seen = alerts(stack, config);
                        return !seen.isEmpty()
                                && seen.get(seen.size() - 1).getStatus().equals("resolved");
                    });
                    await("the alert resolved on the page", () -> "ok".equals(pageStatus(page)));
                    await(
                            "Prometheus' alert resolved",
                            () -> !prometheus.firing(PrometheusRules.alertName(
                                    settings.alertRules().get(0))));

                    List<Alert> history = alerts(stack, config);
                    assertEquals(
                            List.of("firing", "resolved"),
                            history.stream().map(Alert::getStatus).toList(),
                            "one firing, one resolved: no flapping");
                    Alert fired = history.get(0);
                    assertEquals(RULE, fired.getRule());
                    assertEquals("fashion-mnist", fired.getDataset());
                    assertTrue(fired.getValue() < 0.5, "it fired on a window below the threshold: " + fired);
                    assertTrue(history.get(1).getValue() >= 0.6, "it resolved at the resolve level: " + history);
                } finally {
                    browser.quit();
                }
            }
        }
    }

    /** Fashion-MNIST test images, cycled at a steady rate under fresh ids; pure noise with the same labels on demand. */
    private static final class Feed implements AutoCloseable {
        final AtomicBoolean noisy = new AtomicBoolean();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong failed = new AtomicLong();
        private final Thread thread;

        Feed(ImagePublisher publisher, DatasetSource dataset) {
            publisher.publishDataset(dataset.labelSpace());
            Random random = new Random(42);
            thread = new Thread(
                    () -> {
                        long sent = 0;
                        long start = System.nanoTime();
                        Iterator<LabeledImage> images = dataset.images();
                        while (running.get()) {
                            if (!images.hasNext()) {
                                images = dataset.images();
                            }
                            LabeledImage image = images.next();
                            Image pixels = image.image();
                            if (noisy.get()) {
                                byte[] noise = new byte[pixels.getData().remaining()];
                                random.nextBytes(noise);
                                pixels = Image.newBuilder(pixels)
                                        .setData(ByteBuffer.wrap(noise))
                                        .build();
                            }
                            LabeledImage fresh = new LabeledImage(
                                    image.id() + "/" + sent, pixels, image.label(), null, image.attributes());
                            publisher.send(fresh, SOURCE, dataset.labelSpace().id(), Instant.now(), (m, e) -> {
                                if (e != null) {
                                    failed.incrementAndGet();
                                }
                            });
                            sent++;
                            long due = start + (long) (sent * 1e9 / IMAGES_PER_SECOND);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                try {
                                    TimeUnit.NANOSECONDS.sleep(wait);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        }
                    },
                    "alerts-it-feed");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
            assertEquals(0, failed.get(), "images the broker refused");
        }
    }

    /** Debian's Prometheus, scraping the instance every second and evaluating lr0's rules every second. */
    private record PrometheusServer(Process process, String url, Path log) implements AutoCloseable {
        static PrometheusServer start(Path dir, String target, Path rules) throws Exception {
            URI scraped = URI.create(target);
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(
                    config,
                    "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - " + rules + "\n"
                            + "scrape_configs:\n  - job_name: lr0\n    static_configs:\n      - targets: [\""
                            + scraped.getHost() + ":" + scraped.getPort() + "\"]\n");
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path log = dir.resolve("prometheus.log");
            Process process = new ProcessBuilder(
                            "prometheus",
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
                            "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(process, "http://127.0.0.1:" + port, log);
            HttpClient http = HttpClient.newHttpClient();
            await("Prometheus ready (log: " + log + ")", () -> server.ready(http));
            return server;
        }

        private boolean ready(HttpClient http) {
            try {
                HttpRequest request =
                        HttpRequest.newBuilder(URI.create(url + "/-/ready")).build();
                return http.send(request, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** The instant vector {@code promql} evaluates to now. */
        JsonNode query(String promql) {
            JsonNode answer = readTree(get(
                    HttpClient.newHttpClient(),
                    url + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
            return answer.path("data").path("result");
        }

        /** Whether alert {@code name} fires in Prometheus now. */
        boolean firing(String name) {
            JsonNode alerts = readTree(get(HttpClient.newHttpClient(), url + "/api/v1/alerts"))
                    .path("data")
                    .path("alerts");
            for (JsonNode alert : alerts) {
                if (alert.path("labels").path("alertname").asText().equals(name)
                        && alert.path("state").asText().equals("firing")) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The alert records of the run, in order. */
    private static List<Alert> alerts(LocalStack stack, Lr0Config config) {
        List<Alert> alerts = new ArrayList<>();
        List<ConsumerRecord<String, Alert>> records = Consume.until(
                stack.bootstrapServers(),
                config.topics().alerts(),
                new StringDeserializer(),
                Consume.specificReader(stack.registryUrl()),
                seen -> false,
                Duration.ofSeconds(1));
        records.forEach(record -> alerts.add(record.value()));
        return alerts;
    }

    /** The status the page shows for the rule's one subject, or null while it shows none. */
    private static String pageStatus(JavascriptExecutor page) {
        Object status = page.executeScript(
                "const a = (window.lr0.alerts || []).filter(x => x.rule === arguments[0]); "
                        + "const shown = document.querySelectorAll('#alerts .alert.' + (a.length ? a[0].status : 'none'));"
                        + "return a.length === 1 && shown.length === 1 ? a[0].status : null;",
                RULE);
        return status == null ? null : status.toString();
    }

    private static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static String get(HttpClient http, String url) {
        try {
            HttpResponse<String> response =
                    http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), url + ": " + response.body());
            return response.body();
        } catch (IOException e) {
            throw new AssertionError(url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(url + ": interrupted", e);
        }
    }

    /**
     * {@code promtool check metrics} on a live /metrics: it parses (exit 0, or 3 for lint problems only), and no lint
     * problem is lr0's own (Kafka's client metrics and Micrometer's JVM binders name theirs their own way).
     */
    private static void checkMetrics(String metrics) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("promtool", "check", "metrics")
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = process.waitFor();
        assertTrue(code == 0 || code == 3, "promtool could not parse /metrics (exit " + code + "): " + output);
        List<String> ours =
                output.lines().filter(line -> line.startsWith("lr0_")).toList();
        assertEquals(List.of(), ours, "lint problems of lr0's own metrics");
    }

    /** Runs {@code command}; its exit code, its output shown when it is not 0. */
    private static int run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = process.waitFor();
        if (code != 0) {
            System.err.println(String.join(" ", command) + " exited " + code + ":\n" + output);
        }
        return code;
    }

    private static void screenshot(ChromeDriver browser, String name) throws IOException {
        Files.write(Path.of("target", name), browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }
}
