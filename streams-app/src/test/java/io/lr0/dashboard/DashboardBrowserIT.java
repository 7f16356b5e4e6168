package io.lr0.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.cli.Lr0;
import io.lr0.contract.Sources;
import io.lr0.local.LocalStack;
import io.lr0.producers.CounterAnimalStyle;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.testing.AppConfig;
import io.lr0.testing.Browser;
import io.lr0.testing.TestCamera;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine;

/** The dashboard in Debian's headless Chromium, against a running topology fed with Fashion-MNIST images. */
class DashboardBrowserIT {
    private static final String CHART = "accuracy:lr0-demo-fmnist/fashion-mnist";
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final int CAMERA_FRAMES = 20;

    /**
     * The page from before the first prediction to the end of a run, with a screenshot at each (target/dashboard-
     * start.png, -mid.png, -end.png): first it says what it waits for; then every chart shows what the API has,
     * Gamma told from gamma, SAR and WAR at one chosen resolution in colours of their own, the strip live.
     */
    @Test
    void chartsShowTheMetricsAndThePredictionStripUpdates(@TempDir Path dataDir) throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0);
                Lr0App app = Lr0App.start(AppConfig.on(stack, dataDir.resolve("streams")));
                ImagePublisher publisher = publisher(stack)) {
            ChromeDriver browser = Browser.chrome();
            try {
                browser.get(app.dashboardUrl());
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                JavascriptExecutor js = browser;
                wait.until(d -> ((Number) js.executeScript("return window.lr0.updates")).intValue() > 0);
                assertTrue(browser.findElement(By.id("waiting")).isDisplayed(), "the waiting note");
                assertTrue(browser.findElement(By.id("waiting")).getText().contains("./lr0 produce dataset"));
                assertTrue(
                        browser.findElement(By.id("status")).getText().contains("waiting for the first predictions"));
                screenshot(browser, "dashboard-start.png");

                DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "browser-it", 30, 0, null);
                wait.until(d -> Boolean.TRUE.equals(
                        js.executeScript("return !!(window.lr0 && window.lr0.charts['" + CHART + "'])")));
                assertTrue(!browser.findElement(By.id("waiting")).isDisplayed(), "the note goes with the first data");
                screenshot(browser, "dashboard-mid.png");
                DatasetProducer.run(
                        CounterAnimalStyle.derive(
                                Datasets.defaultFashionMnist("test"),
                                "fashion-groups",
                                List.of("Bag", "Sneaker", "Trouser"),
                                4),
                        publisher,
                        "browser-it-groups",
                        0,
                        0,
                        null);
                // Wait for the final counts: every fashion-mnist resolution at 30, the grouped native cell at 24.
                JsonNode metrics = awaitApi(
                        app.dashboardUrl() + "/api/metrics",
                        m -> allTotals(m, "fashion-mnist", 30)
                                && allTotals(m, "fashion-groups", 24)
                                && groupAccuracy(m) != null
                                && groupAccuracy(m).size() == 2);

                // The page polls every second: wait for a poll after the final counts.
                String labels = "return window.lr0.charts['" + CHART + "'].data.labels";
                List<String> resolutions = List.of("7", "10", "14", "21", "native");
                try {
                    wait.until(d -> resolutions.equals(js.executeScript(labels)));
                } finally {
                    assertEquals(resolutions, js.executeScript(labels));
                }
                for (JsonNode metric : metrics) {
                    if (!metric.path("dataset").asText().equals("fashion-mnist")) {
                        continue;
                    }
                    String resolution = metric.path("resolution").isNull()
                            ? "native"
                            : metric.path("resolution").asText();
                    String plotted = "const c = window.lr0.charts['" + CHART + "'];"
                            + "return c.data.datasets[0].data[c.data.labels.indexOf('" + resolution + "')]";
                    double expected = metric.path("accuracyTop1").asDouble();
                    // The page polls every second: wait for the poll that shows the final counts.
                    wait.until(d -> Math.abs(((Number) js.executeScript(plotted)).doubleValue() - expected) < 1e-9);
                }
                JsonNode groups = groupAccuracy(metrics);
                String counterChart = "window.lr0.charts['counter:lr0-demo-fmnist/fashion-groups']";
                wait.until(d -> Boolean.TRUE.equals(js.executeScript("return !!" + counterChart)));
                for (String group : List.of("common", "counter")) {
                    String bar = "const c = " + counterChart + "; return c.data.datasets.find(x => x.label === '"
                            + group + "').data[c.data.labels.indexOf('native')]";
                    double expected = groups.path(group).asDouble();
                    wait.until(d -> Math.abs(((Number) js.executeScript(bar)).doubleValue() - expected) < 1e-9);
                }

                wait.until(d -> ((Number) js.executeScript("return window.lr0.strip.length")).intValue() == 24);
                String firstBefore = (String) js.executeScript("return window.lr0.strip[0]");
                assertTrue(
                        ((Number)
                                                js.executeScript(
                                                        "return document.querySelectorAll('#strip .prediction img[src^=\"data:image/png\"]').length"))
                                        .intValue()
                                > 0,
                        "thumbnails shown");

                DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "browser-it-more", 60, 0, null);
                wait.until(d -> !firstBefore.equals(js.executeScript("return window.lr0.strip[0]")));
                assertNotEquals(firstBefore, js.executeScript("return window.lr0.strip[0]"), "the strip updates live");
                assertEquals(0L, ((Number) js.executeScript("return window.lr0.errors")).longValue());

                checkGammaCanBeToldFromGamma(js, wait, metrics);
                checkSarAndWarAtOneResolution(js, wait);
                screenshot(browser, "dashboard-end.png");
            } finally {
                browser.quit();
            }
        }
    }

    /**
     * The camera view against a live camera: {@code lr0 produce camera} reads a second ffmpeg's test pattern into the
     * running app. The page lists the camera before the dataset's source, draws the camera's agreement per resolution
     * as the API reports it, its agreement and confidence per window over time, and its latest frames at every
     * resolution, each marked against its native prediction; the labelled dataset beside it is not listed as a camera.
     */
    @Test
    void cameraViewShowsALiveCamerasAgreementWithoutLabels(@TempDir Path dataDir) throws Exception {
        int port = TestCamera.freePort();
        Process camera = TestCamera.serve(port);
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0);
                Lr0App app = Lr0App.start(AppConfig.on(
                        stack,
                        dataDir.resolve("streams"),
                        Lr0Config.METRICS_WINDOW_MS,
                        String.valueOf(WINDOW.toMillis())));
                ImagePublisher publisher = publisher(stack)) {
            DatasetProducer.run(
                    Datasets.defaultFashionMnist("test"), publisher, Sources.dataset("fashion-mnist"), 10, 0, null);
            StringWriter err = new StringWriter();
            CommandLine lr0 = Lr0.commandLine();
            lr0.setErr(new PrintWriter(err));
            int exit = lr0.execute(
                    "produce",
                    "camera",
                    "--name",
                    "door",
                    "--url",
                    TestCamera.url(port),
                    "--fps",
                    "5",
                    "--classes",
                    "Bag,Sneaker,Trouser,Coat",
                    "--max-frames",
                    String.valueOf(CAMERA_FRAMES),
                    "--bootstrap-servers",
                    stack.bootstrapServers(),
                    "--schema-registry-url",
                    stack.registryUrl());
            assertEquals(0, exit, err.toString());
            String door = URLEncoder.encode(Sources.camera("door"), StandardCharsets.UTF_8);
            // 160x120 frames: 16, 32 and 64 px variants (128 is not below the short side), each against native.
            JsonNode agreement = awaitApi(
                    app.dashboardUrl() + "/api/agreement?source=" + door,
                    a -> a.size() == 3 && allSamples(a, CAMERA_FRAMES));
            JsonNode windows = awaitApi(
                    app.dashboardUrl() + "/api/agreement/windowed?source=" + door,
                    w -> windowedSamples(w) == 3L * CAMERA_FRAMES);
            long windowCount = StreamSupport.stream(windows.spliterator(), false)
                    .map(w -> w.path("windowStart").asLong())
                    .distinct()
                    .count();
            assertTrue(windowCount >= 2, "frames over " + CAMERA_FRAMES / 5 + " s span several windows of " + WINDOW);

            ChromeDriver browser = Browser.chrome();
            try {
                browser.get(app.dashboardUrl());
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                JavascriptExecutor js = browser;
                wait.until(d -> "camera:door".equals(js.executeScript("return window.lr0.source")));
                @SuppressWarnings("unchecked")
                List<Object> options = (List<Object>)
                        js.executeScript("return [...document.querySelectorAll('#source option')].map(o => o.value)");
                assertEquals(List.of("camera:door"), options, "cameras only: the dataset has the view above");
                wait.until(d -> Boolean.TRUE.equals(
                        js.executeScript("return !!window.lr0.charts['accuracy:lr0-demo-fmnist/fashion-mnist']")));
                assertEquals(
                        Boolean.FALSE,
                        js.executeScript("return !!window.lr0.charts['accuracy:lr0-demo-fmnist/camera']"),
                        "the camera's unlabelled frames have no accuracy card");

                for (JsonNode metric : agreement) {
                    String plotted = "const c = window.lr0.charts['camera-agreement'];"
                            + " if (!c) { return -1; }"
                            + " return c.data.datasets.find(x => x.label === 'top-1 agreement (bicubic)')"
                            + ".data[c.data.labels.indexOf('"
                            + metric.path("resolution").asInt() + "')]";
                    double expected = metric.path("agreementTop1").asDouble();
                    wait.until(d -> {
                        Object value = js.executeScript(plotted);
                        return value instanceof Number n && Math.abs(n.doubleValue() - expected) < 1e-9;
                    });
                }
                wait.until(d -> ((Number) js.executeScript("const c = window.lr0.charts['camera-agreement-series'];"
                                        + " return c ? c.data.labels.length : 0"))
                                .longValue()
                        == windowCount);
                // Across resolutions: the headline as the API has it, and its line over time.
                JsonNode summary = awaitApi(
                                app.dashboardUrl() + "/api/agreement/summary?source=" + door, a -> a.size() == 1)
                        .get(0);
                double expectedMean = summary.path("meanAgreementTop1").asDouble();
                wait.until(d -> {
                    Object shown = js.executeScript("const s = window.lr0.summary;"
                            + " return s.length === 1 && s[0].key === 'lr0-demo-fmnist/bicubic' ? s[0].agreement : -1");
                    return shown instanceof Number n && Math.abs(n.doubleValue() - expectedMean) < 1e-9;
                });
                assertTrue(((String) js.executeScript("return document.getElementById('camera-summary').textContent"))
                        .contains("across 16/32/64 px"));
                @SuppressWarnings("unchecked")
                List<Object> meanLine = (List<Object>)
                        js.executeScript("return window.lr0.charts['camera-agreement-series'].data.datasets"
                                + ".find(x => x.label === 'mean bicubic').data");
                assertEquals(
                        windowCount,
                        meanLine.stream().filter(Number.class::isInstance).count());
                // The native confidence per window: one point per window, each a softmax score.
                @SuppressWarnings("unchecked")
                List<Object> nativeConfidence = (List<Object>)
                        js.executeScript("return window.lr0.charts['camera-confidence-series'].data.datasets"
                                + ".find(x => x.label === 'native').data");
                assertEquals(windowCount, nativeConfidence.size());
                for (Object point : nativeConfidence) {
                    double value = ((Number) point).doubleValue();
                    assertTrue(value > 0 && value <= 1, "a mean softmax score: " + value);
                }

                // The latest frames: the native prediction and the three low-resolution ones, each with its image.
                wait.until(d -> ((Number) js.executeScript("return window.lr0.frames.length")).intValue() == 4);
                assertEquals(
                        4L,
                        js.executeScript(
                                "return document.querySelectorAll('#frames .frame .prediction.native').length"));
                assertEquals(
                        12L,
                        js.executeScript("return document.querySelectorAll('#frames .frame .prediction.agree,"
                                + " #frames .frame .prediction.disagree').length"));
                assertEquals(
                        16L,
                        js.executeScript("return document.querySelectorAll("
                                + "'#frames .prediction img[src^=\"data:image/png\"]').length"));
                @SuppressWarnings("unchecked")
                List<Object> frames = (List<Object>) js.executeScript("return window.lr0.frames");
                assertTrue(frames.stream().allMatch(id -> ((String) id).startsWith("door/")), frames.toString());
                screenshot(browser, "dashboard-camera.png");

                assertEquals(0L, ((Number) js.executeScript("return window.lr0.errors")).longValue());
            } finally {
                browser.quit();
            }
        } finally {
            camera.destroyForcibly();
        }
    }

    /**
     * Per method, gamma and Gamma as two lines told apart (Gamma dashed, with triangles) where they differ, or one
     * line named for both where they are equal (it was two lines drawn one on the other, a legend entry pointing at
     * nothing visible).
     */
    private static void checkGammaCanBeToldFromGamma(JavascriptExecutor js, WebDriverWait wait, JsonNode metrics) {
        Set<String> methods = new TreeSet<>();
        metrics.forEach(metric -> methods.add(metric.path("srMethod").asText()));
        for (String method : methods) {
            boolean equal = true;
            for (JsonNode metric : metrics) {
                if (metric.path("dataset").asText().equals("fashion-mnist")
                        && method.equals(metric.path("srMethod").asText())
                        && Math.abs(metric.path("gamma").asDouble()
                                        - metric.path("improvedGamma").asDouble())
                                >= 5e-5) {
                    equal = false;
                }
            }
            String labels = "return window.lr0.charts['robustness:lr0-demo-fmnist/fashion-mnist'].data.datasets"
                    + ".filter(x => x.label.endsWith('(" + method + ")')).map(x => x.label + (x.borderDash ? ' dashed'"
                    + " : ''))";
            List<String> expected = equal
                    ? List.of("\u03b3 = \u0393 (" + method + ")")
                    : List.of("\u03b3 (" + method + ")", "\u0393 (" + method + ") dashed");
            wait.withMessage(() -> "expected " + expected + ", the chart has " + js.executeScript(labels))
                    .until(d -> expected.equals(js.executeScript(labels)));
        }
    }

    /** SAR and WAR over time: at the lowest resolution first, a colour per line, points joined across gaps. */
    private static void checkSarAndWarAtOneResolution(JavascriptExecutor js, WebDriverWait wait) {
        wait.until(d ->
                ((Number) js.executeScript("return window.lr0.charts.series.data.datasets.length")).intValue() > 0);
        assertEquals("7", js.executeScript("return document.getElementById('series-resolution').value"));
        @SuppressWarnings("unchecked")
        List<Object> resolutions = (List<Object>) js.executeScript(
                "return [...document.querySelectorAll('#series-resolution option')].map(o => o.value)");
        assertEquals(List.of("7", "10", "14", "16", "21"), resolutions, "fashion-groups adds 16 px");
        @SuppressWarnings("unchecked")
        List<Object> colours = (List<Object>)
                js.executeScript("return [...new Set(window.lr0.charts.series.data.datasets.filter(x => !x.borderDash)"
                        + ".map(x => x.borderColor))]");
        long solid = ((Number) js.executeScript(
                        "return window.lr0.charts.series.data.datasets.filter(x => !x.borderDash).length"))
                .longValue();
        assertEquals(solid, colours.size(), "a colour per line: " + colours);
        assertEquals(
                Boolean.TRUE,
                js.executeScript("return window.lr0.charts.series.data.datasets.every(x => x.spanGaps === true)"));
        assertTrue(((String) js.executeScript("return window.lr0.charts.series.options.plugins.title.text"))
                .startsWith("at 7 px"));
    }

    private static void screenshot(ChromeDriver browser, String name) throws IOException {
        Path screenshot = Path.of("target", name);
        Files.createDirectories(screenshot.getParent());
        Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));
    }

    private static boolean allSamples(JsonNode metrics, long samples) {
        for (JsonNode metric : metrics) {
            if (metric.path("samples").asLong() != samples) {
                return false;
            }
        }
        return true;
    }

    private static long windowedSamples(JsonNode windows) {
        long samples = 0;
        for (JsonNode window : windows) {
            samples += window.path("samples").asLong();
        }
        return samples;
    }

    private static ImagePublisher publisher(LocalStack stack) {
        return new ImagePublisher(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                Map.of("schema.registry.url", stack.registryUrl()),
                "images",
                "datasets");
    }

    /** Whether every metric of {@code dataset} counts {@code total} labelled predictions. */
    private static boolean allTotals(JsonNode metrics, String dataset, long total) {
        int seen = 0;
        for (JsonNode metric : metrics) {
            if (metric.path("dataset").asText().equals(dataset)) {
                seen++;
                if (metric.path("total").asLong() != total) {
                    return false;
                }
            }
        }
        return seen > 0;
    }

    private static JsonNode groupAccuracy(JsonNode metrics) {
        for (JsonNode metric : metrics) {
            if (metric.path("dataset").asText().equals("fashion-groups")
                    && metric.path("resolution").isNull()) {
                return metric.path("groupAccuracy");
            }
        }
        return null;
    }

    private static JsonNode awaitApi(String url, Predicate<JsonNode> done) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response =
                    http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                last = new ObjectMapper().readTree(response.body());
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("API at " + url + " did not reach the expected state: " + last);
    }
}
