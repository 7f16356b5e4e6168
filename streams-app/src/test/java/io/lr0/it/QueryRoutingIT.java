package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two instances share one application id: lists are gathered from both, keyed queries routed to the owner. */
class QueryRoutingIT {

    @Test
    void keyedQueriesAreRoutedAndListsGathered(@TempDir Path dataDir) throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0);
                Lr0App first = Lr0App.start(config(stack, dataDir.resolve("a")));
                Lr0App second = Lr0App.start(config(stack, dataDir.resolve("b")))) {
            try (ImagePublisher publisher = new ImagePublisher(
                    Map.of("bootstrap.servers", stack.bootstrapServers()),
                    Map.of("schema.registry.url", stack.registryUrl()),
                    "images",
                    "datasets")) {
                DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "routing-it", 40, 0, null);
            }
            HttpClient http = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            String key = "/api/metrics/lr0-demo-fmnist%2Ffashion-mnist";
            HttpResponse<String> a = awaitAnswer(http, first.dashboardUrl() + key);
            HttpResponse<String> b = awaitAnswer(http, second.dashboardUrl() + key);

            List<Integer> statuses = List.of(a.statusCode(), b.statusCode());
            assertTrue(
                    statuses.contains(200) && statuses.contains(307),
                    "one owner answers, the other redirects: " + statuses);
            HttpResponse<String> redirect = a.statusCode() == 307 ? a : b;
            String owner = a.statusCode() == 200 ? first.dashboardUrl() : second.dashboardUrl();
            assertEquals(owner + key, redirect.headers().firstValue("Location").orElseThrow());

            // Either instance lists everything: its own part plus the other's.
            for (String base : List.of(first.dashboardUrl(), second.dashboardUrl())) {
                HttpResponse<String> list = awaitAnswer(http, base + "/api/metrics");
                assertEquals(200, list.statusCode(), list.body());
                JsonNode metrics = new ObjectMapper().readTree(list.body());
                assertEquals(5, metrics.size(), base + ": " + metrics);
                JsonNode instances = new ObjectMapper()
                        .readTree(http.send(
                                        HttpRequest.newBuilder(URI.create(base + "/api/instances"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body());
                assertEquals(2, instances.size());
            }
        }
    }

    private static Lr0Config config(LocalStack stack, Path stateDir) {
        return Lr0Config.of(Map.of(
                Lr0Config.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                Lr0Config.STATE_DIR, stateDir.toString(),
                Lr0Config.TOPIC_PARTITIONS, "2",
                Lr0Config.DASHBOARD_PORT, "0"));
    }

    /** Waits until the answer is final: a redirect, or 200 with the 5 metrics (not 404/503 while rebalancing). */
    private static HttpResponse<String> awaitAnswer(HttpClient http, String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            HttpResponse<String> response =
                    http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            boolean ready = response.statusCode() == 307
                    || (response.statusCode() == 200
                            && new ObjectMapper().readTree(response.body()).size() == 5);
            if (ready || System.nanoTime() > deadline) {
                return response;
            }
            Thread.sleep(250);
        }
    }
}
