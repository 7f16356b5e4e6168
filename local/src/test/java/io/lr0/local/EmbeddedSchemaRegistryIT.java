package io.lr0.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.http.HttpSecurity;
import io.lr0.registry.RegisteredSchema;
import io.lr0.registry.RegistryConfig;
import io.lr0.registry.RestSchemaRegistryClient;
import io.lr0.registry.SchemaRegistryException;
import io.lr0.schema.ImageRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry server over HTTP, persisting to _schemas on a real broker. */
class EmbeddedSchemaRegistryIT {
    private static final String USER_V1 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\",\"fields\":"
            + "[{\"name\":\"name\",\"type\":\"string\"}]}";
    private static final String USER_V2_COMPATIBLE = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\","
            + "\"fields\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\",\"default\":0}]}";
    private static final String USER_V2_INCOMPATIBLE = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":"
            + "\"test\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"email\",\"type\":\"string\"}]}";

    @TempDir
    static Path dataDir;

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(dataDir, 0, 0);
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private static EmbeddedSchemaRegistry startRegistry() {
        return EmbeddedSchemaRegistry.start(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), "127.0.0.1", 0, HttpSecurity.NONE);
    }

    private static RestSchemaRegistryClient client(EmbeddedSchemaRegistry registry) {
        return new RestSchemaRegistryClient(
                RegistryConfig.from(Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, registry.url())));
    }

    /**
     * Every method of Confluent's own Python registry clients (Debian python3-confluent-kafka, which .ci/run installs)
     * against this registry: results and Confluent's error codes (local/src/test/python/registry_client_check.py).
     * Then a restart: the soft deletes the script made are still there.
     */
    @Test
    void confluentsPythonClientsWorkUnchanged() throws Exception {
        try (EmbeddedSchemaRegistry registry = startRegistry()) {
            Process check = new ProcessBuilder(
                            "/usr/bin/python3", "src/test/python/registry_client_check.py", registry.url())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(
                    0,
                    check.waitFor(),
                    "Confluent's client against the registry:\n" + output
                            + "\n(needs Debian's python3-confluent-kafka and python3-avro)");
            assertTrue(output.contains("all checks passed"), output);
        }
        try (EmbeddedSchemaRegistry restarted = startRegistry()) {
            HttpResponse<String> listed = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(restarted.url() + "/subjects?deleted=true"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> live = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(restarted.url() + "/subjects"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertTrue(listed.body().contains("py-check-"), listed.body());
            assertTrue(!live.body().contains("py-check-"), "soft deletes survive a restart: " + live.body());
        }
    }

    @Test
    void registersLooksUpAndEvolvesWithConfluentSemantics() {
        try (EmbeddedSchemaRegistry registry = startRegistry();
                RestSchemaRegistryClient client = client(registry)) {
            Schema v1 = new Schema.Parser().parse(USER_V1);
            int id = client.register("users-value", v1);
            assertEquals(id, client.register("users-value", v1), "registering again is idempotent");
            assertEquals(id, client.register("other-value", v1), "same schema, same global id in any subject");
            assertEquals(v1, client.schemaById(id));
            assertEquals(1, client.lookup("users-value", v1).version());

            int id2 = client.register("users-value", new Schema.Parser().parse(USER_V2_COMPATIBLE));
            assertNotEquals(id, id2);
            RegisteredSchema latest = client.latest("users-value");
            assertEquals(2, latest.version());
            assertEquals(id2, latest.id());

            SchemaRegistryException.Incompatible refused = assertThrows(
                    SchemaRegistryException.Incompatible.class,
                    () -> client.register("users-value", new Schema.Parser().parse(USER_V2_INCOMPATIBLE)));
            assertEquals(409, refused.errorCode());
            assertTrue(refused.getMessage().contains("email"), refused.getMessage());

            assertEquals(
                    40401,
                    assertThrows(SchemaRegistryException.NotFound.class, () -> client.latest("no-such-subject"))
                            .errorCode());
            assertEquals(
                    40403,
                    assertThrows(SchemaRegistryException.NotFound.class, () -> client.schemaById(987654))
                            .errorCode());
            assertEquals(
                    40403,
                    assertThrows(
                                    SchemaRegistryException.NotFound.class,
                                    () -> client.lookup("users-value", ImageRecord.getClassSchema()))
                            .errorCode());
        }
    }

    @Test
    void answersWithConfluentContentTypeAndErrorBodies() throws Exception {
        try (EmbeddedSchemaRegistry registry = startRegistry()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> invalid = http.send(
                    HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/broken-value/versions"))
                            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(422, invalid.statusCode());
            assertTrue(invalid.body().contains("\"error_code\":42201"), invalid.body());
            assertEquals(
                    "application/vnd.schemaregistry.v1+json",
                    invalid.headers().firstValue("Content-Type").orElseThrow());

            HttpResponse<String> config = http.send(
                    HttpRequest.newBuilder(URI.create(registry.url() + "/config"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", config.body());
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsReadWhole() throws Exception {
        try (EmbeddedSchemaRegistry registry = startRegistry()) {
            // A client of its own for each request: the server closes the connection after each refusal here
            // ("Connection: close"), and the JDK's client may still hand that closing connection to its next request.
            URI versions = URI.create(registry.url() + "/subjects/big-value/versions");
            byte[] twoMegabytes = ("{\"schema\":\"" + "x".repeat(2_000_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            // Announced by Content-Length, and streamed without one (chunked): 413 either way.
            for (HttpRequest.BodyPublisher body : List.of(
                    HttpRequest.BodyPublishers.ofByteArray(twoMegabytes),
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(twoMegabytes)))) {
                HttpResponse<String> refused = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(versions)
                                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                        .POST(body)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertEquals(413, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("\"error_code\":41301"), refused.body());
            }
            // Subject names with control characters, or of 300 characters, are refused too: by the registry (422,
            // 42208), or already by the HTTP server (Jetty refuses encoded control characters in a path, 400), in
            // Confluent's error format either way.
            for (String subject : List.of("nul%00value", "line%0Abreak", "s".repeat(300))) {
                HttpResponse<String> invalid = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(registry.url() + "/subjects/" + subject + "/versions"))
                                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                        .POST(HttpRequest.BodyPublishers.ofString(
                                                "{\"schema\":\"" + USER_V1.replace("\"", "\\\"") + "\"}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                int expected = subject.length() == 300 ? 422 : 400;
                assertEquals(expected, invalid.statusCode(), invalid.body());
                assertTrue(
                        invalid.body().contains("\"error_code\":" + (expected == 422 ? 42208 : 400)), invalid.body());
            }
            // A request line of 100 KB is over the server's 8 KiB: answered 414 and the connection closed, which the
            // client may see as the close alone (the rest of its request unread). Either way nothing is stored.
            try {
                HttpResponse<String> tooLong = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/" + "s".repeat(100_000)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertEquals(414, tooLong.statusCode(), tooLong.body());
            } catch (IOException closed) {
                // The server closed the connection after its 414.
            }
            assertFalse(
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body()
                            .contains("sss"),
                    "no such subject stored");
            // The registry goes on.
            try (RestSchemaRegistryClient client = client(registry)) {
                assertTrue(client.register("big-value", new Schema.Parser().parse(USER_V1)) > 0);
            }
        }
    }

    @Test
    void idsSurviveARestartOfTheRegistry() {
        int id;
        Schema schema = ImageRecord.getClassSchema();
        try (EmbeddedSchemaRegistry registry = startRegistry();
                RestSchemaRegistryClient client = client(registry)) {
            id = client.register("restart-value", schema);
        }
        try (EmbeddedSchemaRegistry registry = startRegistry();
                RestSchemaRegistryClient client = client(registry)) {
            assertEquals(schema, client.schemaById(id), "schema read back by id after the restart");
            assertEquals(id, client.register("restart-value", schema), "same id, no new version");
            assertEquals(1, client.latest("restart-value").version());
            int next =
                    client.register("restart-other-value", new Schema.Parser().parse(USER_V1.replace("User", "Fresh")));
            assertTrue(next > id, "new ids continue after the restored ones");
        }
    }
}
