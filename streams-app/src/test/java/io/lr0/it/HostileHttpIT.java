package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.contract.TopicSetup;
import io.lr0.contract.Topics;
import io.lr0.http.HttpSecurity;
import io.lr0.local.LocalStack;
import io.lr0.producers.HttpIngest;
import io.lr0.producers.ImagePublisher;
import io.lr0.registry.RegistryConfig;
import io.lr0.testing.AppConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lr0's three HTTP servers (schema registry, dashboard, push endpoint) against what an attacker or a buggy client
 * sends: clients that trickle a byte a second, a multipart body built to make a naive boundary search quadratic,
 * Authorization headers that are not base64, invalid Avro, ids past an int, a '+' in a subject. Each was seen to
 * stop a server, or get a wrong answer, before Jetty served them.
 */
class HostileHttpIT {
    /** How long a normal request may wait for its answer while the hostile ones go on. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    @TempDir
    static Path dataDir;

    private static LocalStack stack;
    private static Lr0App app;
    private static ImagePublisher publisher;
    private static HttpIngest ingest;
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();
    private static final String AUTH =
            "Basic " + Base64.getEncoder().encodeToString("cam:secret".getBytes(StandardCharsets.UTF_8));

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(dataDir, 0, 0, 0);
        TopicSetup.ensure(Map.of("bootstrap.servers", stack.bootstrapServers()), Topics.DEFAULTS.specs(1));
        app = Lr0App.start(AppConfig.on(stack, dataDir.resolve("streams"), "inference.enabled", "false"));
        publisher = new ImagePublisher(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()),
                "images",
                "datasets");
        ingest = HttpIngest.start(
                "127.0.0.1",
                0,
                HttpSecurity.of("test", "cam:secret", null, null, null, null),
                publisher,
                "camera",
                1_000_000);
    }

    @AfterAll
    static void stop() {
        ingest.close();
        publisher.close();
        app.close();
        stack.close();
    }

    /**
     * 50 connections sending a byte a second, some still in their headers and some in a body, then three normal
     * requests to each server: all answered (before, 50 stopped the push endpoint and 10 the dashboard and the
     * registry, whose fixed pools of blocking threads the slow clients held).
     */
    @Test
    void slowClientsDoNotStopAnyServer() throws Exception {
        check("the schema registry", stack.registryUrl(), () -> get(stack.registryUrl() + "/subjects"));
        check("the dashboard", app.dashboardUrl(), () -> get(app.dashboardUrl() + "/api/instances"));
        check("the push endpoint", ingest.url(), () -> pushPng("slow-check"));
    }

    private static void check(String server, String url, Request normal) throws Exception {
        URI target = URI.create(url);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket socket = new Socket(target.getHost(), target.getPort());
                slow.add(socket);
                OutputStream out = socket.getOutputStream();
                String start = i % 2 == 0
                        ? "GET /x HTTP/1.1\r\nHost: x\r\nX-Slow: "
                        : "POST /images?camera=slow HTTP/1.1\r\nHost: x\r\nAuthorization: " + AUTH
                                + "\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n";
                out.write(start.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                trickle.scheduleAtFixedRate(() -> send(out), 1, 1, TimeUnit.SECONDS);
            }
            Thread.sleep(2_000);
            for (int i = 0; i < 3; i++) {
                int status = normal.send();
                assertTrue(status == 200 || status == 202, server + " answered " + status + " to a normal request");
            }
        } finally {
            trickle.shutdownNow();
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    private static void send(OutputStream out) {
        try {
            out.write('a');
            out.flush();
        } catch (IOException e) {
            // The server closed a slow connection: what it may do.
        }
    }

    /**
     * Eight POSTs at once of a 1 MB body of '-' with a 30,000-character boundary of '-' then 'x' (a naive search
     * took 55 s of CPU for one), then a normal POST: every one answered.
     */
    @Test
    void aMultipartBodyBuiltForAQuadraticSearchIsAnsweredAtOnce() throws Exception {
        String boundary = "-".repeat(29_999) + "x";
        byte[] body = "-".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII);
        List<CompletableFuture<HttpResponse<String>>> hostile = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            hostile.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create(ingest.url() + "/images?camera=multipart"))
                            .header("Authorization", AUTH)
                            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        assertEquals(202, pushPng("after-multipart"), "a normal push meanwhile");
        for (CompletableFuture<HttpResponse<String>> answer : hostile) {
            int status = answer.get(30, TimeUnit.SECONDS).statusCode();
            assertTrue(status >= 400 && status < 500, "refused as the client's error: " + status);
        }
    }

    /** An Authorization header that is not base64, or whose credentials have no colon: 401, not a dropped connection. */
    @Test
    void malformedBasicAuthIsAnswered401() throws Exception {
        for (String authorization : List.of(
                "Basic !!!not-base64!!!",
                "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8)),
                "Bearer token",
                "Basic")) {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(ingest.url() + "/images?camera=door"))
                            .header("Authorization", authorization)
                            .timeout(ANSWER_WITHIN)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(png()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, answer.statusCode(), authorization);
            assertTrue(answer.headers().firstValue("WWW-Authenticate").isPresent(), authorization);
        }
    }

    /**
     * What the stream would refuse later is refused at the door: a label of 2,000 characters, markup, NUL or a
     * newline; a dataset id that is no label space's (they were answered 202, then dead-lettered).
     */
    @Test
    void labelsAndDatasetsTheStreamWouldRefuseAre400AtTheDoor() throws Exception {
        for (String query : List.of(
                "label=" + "x".repeat(2_000),
                "label=%3Cb%3Ecat%3C%2Fb%3E",
                "label=a%00b",
                "label=a%0Ab",
                "dataset=%3Cscript%3E",
                "dataset=a%0Ab",
                "dataset=" + "d".repeat(2_000))) {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(ingest.url() + "/images?camera=door&" + query))
                            .header("Authorization", AUTH)
                            .header("Content-Type", "image/png")
                            .timeout(ANSWER_WITHIN)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(png()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, answer.statusCode(), query.substring(0, Math.min(40, query.length())) + answer.body());
        }
        assertEquals(202, pushPng("door"), "a plain push still goes");
    }

    /** Invalid Avro is 422 (42201) as Confluent answers, never 500; an id past an int is not found (404). */
    @Test
    void theRegistryAnswersInvalidSchemasAndIdsAsConfluentDoes() throws Exception {
        for (String invalid : List.of(
                "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\",\"default\":\"no\"}]}",
                "{\"type\":\"fixed\",\"name\":\"F\",\"size\":-1}",
                "{\"type\":\"fixed\",\"name\":\"F\",\"size\":2147483647}",
                "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"},"
                        + "{\"name\":\"x\",\"type\":\"int\"}]}",
                "[\"int\",\"int\"]",
                "[\"null\",[\"int\",\"string\"]]")) {
            HttpResponse<String> answer = post(
                    stack.registryUrl() + "/subjects/invalid-value/versions",
                    "{\"schema\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(invalid)
                            + "}");
            assertEquals(422, answer.statusCode(), invalid + " -> " + answer.body());
            assertTrue(answer.body().contains("\"error_code\":42201"), answer.body());
        }
        for (String path : List.of("/schemas/ids/99999999999", "/schemas/ids/2147483648/versions")) {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(stack.registryUrl() + path))
                            .timeout(ANSWER_WITHIN)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, answer.statusCode(), path + " -> " + answer.body());
            assertTrue(answer.body().contains("\"error_code\":40403"), answer.body());
        }
    }

    /** A '+' in a subject's path is a '+' (paths are not form-encoded): {@code a+b} was stored as {@code a b}. */
    @Test
    void aPlusInASubjectPathStaysAPlus() throws Exception {
        String schema = "{\"type\":\"record\",\"name\":\"P\",\"fields\":[]}";
        HttpResponse<String> registered = post(
                stack.registryUrl() + "/subjects/plus-a+b-value/versions",
                "{\"schema\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(schema) + "}");
        assertEquals(200, registered.statusCode(), registered.body());
        String subjects = http.send(
                        HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/subjects"))
                                .timeout(ANSWER_WITHIN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertTrue(subjects.contains("\"plus-a+b-value\""), subjects);
    }

    @FunctionalInterface
    private interface Request {
        int send() throws Exception;
    }

    private static int get(String url) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(ANSWER_WITHIN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static HttpResponse<String> post(String url, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .timeout(ANSWER_WITHIN)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int pushPng(String camera) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(ingest.url() + "/images?camera=" + camera))
                                .header("Authorization", AUTH)
                                .header("Content-Type", "image/png")
                                .timeout(ANSWER_WITHIN)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(png()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static byte[] png() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }
}
