package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.http.HttpSecurity;
import io.lr0.http.TlsContexts;
import io.lr0.local.EmbeddedKafka;
import io.lr0.local.EmbeddedSchemaRegistry;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.testing.Consume;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security defaults and options against the real embedded broker and registry: the registry and the dashboard on
 * 127.0.0.1, with basic auth and TLS; Kafka clients over a SASL listener (PLAIN and SCRAM) configured through
 * {@code kafka.*}; and none of the secrets in anything logged at INFO, Kafka's own client logs included.
 */
class SecurityIT {
    private static final String REGISTRY_SECRET = "registry-pw-4f1d";
    private static final String DASHBOARD_SECRET = "dashboard-pw-9c2e";
    private static final String KAFKA_SECRET = "kafka-pw-7a3b";
    private static final String KEYSTORE_SECRET = "keystore-pw-2b8c";

    private final StringWriter logs = new StringWriter();
    private WriterAppender capture;

    @BeforeEach
    void captureLogsAtInfo() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        capture = WriterAppender.newBuilder()
                .setName("security-it")
                .setTarget(logs)
                .setLayout(PatternLayout.newBuilder().withPattern("%c %m %ex%n").build())
                .build();
        capture.start();
        context.getConfiguration().addAppender(capture);
        context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        // Kafka clients print their whole configuration at INFO: the place a secret would show first.
        Configurator.setLevel("org.apache.kafka", Level.INFO);
        Configurator.setLevel("io.lr0", Level.INFO);
        context.updateLoggers();
    }

    @AfterEach
    void stopCapturing() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender("security-it");
        Configurator.setLevel("org.apache.kafka", Level.WARN);
        context.updateLoggers();
        capture.stop();
    }

    @Test
    void registryAndDashboardWithBasicAuthAndTls(@TempDir Path dir) throws Exception {
        Path keyStore = selfSignedKeyStore(dir);
        HttpSecurity registrySecurity =
                HttpSecurity.of("registry", "lr0:" + REGISTRY_SECRET, keyStore.toString(), KEYSTORE_SECRET, "", "");
        try (LocalStack stack = LocalStack.start(dir, 0, 0, 0, registrySecurity)) {
            assertTrue(stack.registryUrl().startsWith("https://127.0.0.1:"), stack.registryUrl());
            HttpClient trusting = HttpClient.newBuilder()
                    .sslContext(TlsContexts.trusting(keyStore, KEYSTORE_SECRET))
                    .build();
            assertEquals(
                    401, get(trusting, stack.registryUrl() + "/subjects", null).statusCode(), "no credentials");
            assertEquals(
                    401,
                    get(trusting, stack.registryUrl() + "/subjects", "lr0:wrong")
                            .statusCode());
            assertEquals(
                    200,
                    get(trusting, stack.registryUrl() + "/subjects", "lr0:" + REGISTRY_SECRET)
                            .statusCode());
            assertThrows(
                    IOException.class,
                    () -> get(trusting, stack.registryUrl().replace("https:", "http:") + "/subjects", null),
                    "no plain HTTP on the TLS port");
            assertThrows(
                    IOException.class,
                    () -> get(HttpClient.newHttpClient(), stack.registryUrl() + "/subjects", null),
                    "the JVM's default trust does not know a self-signed certificate");

            Map<String, String> settings = new HashMap<>(Map.of(
                    Lr0Config.BOOTSTRAP_SERVERS,
                    stack.bootstrapServers(),
                    Lr0Config.SCHEMA_REGISTRY_URL,
                    stack.registryUrl(),
                    Lr0Config.STATE_DIR,
                    dir.resolve("streams").toString(),
                    Lr0Config.DASHBOARD_PORT,
                    "0",
                    Lr0Config.DASHBOARD_BASIC_AUTH_USER_INFO,
                    "viewer:" + DASHBOARD_SECRET,
                    Lr0Config.DASHBOARD_SSL_KEYSTORE_LOCATION,
                    keyStore.toString(),
                    Lr0Config.DASHBOARD_SSL_KEYSTORE_PASSWORD,
                    KEYSTORE_SECRET,
                    Lr0Config.EMBEDDED_REGISTRY_BASIC_AUTH_USER_INFO,
                    "lr0:" + REGISTRY_SECRET,
                    Lr0Config.EMBEDDED_REGISTRY_SSL_KEYSTORE_LOCATION,
                    keyStore.toString(),
                    Lr0Config.EMBEDDED_REGISTRY_SSL_KEYSTORE_PASSWORD,
                    KEYSTORE_SECRET));
            // The client settings that reach the protected registry, as lr0 demo derives them.
            settings.putAll(Lr0Config.of(settings).embeddedRegistryClientSettings());
            Lr0Config config = Lr0Config.of(settings);
            try (Lr0App app = Lr0App.start(config)) {
                produce(config, 3);
                assertEquals(
                        15,
                        Consume.until(
                                        stack.bootstrapServers(),
                                        "predictions",
                                        new StringDeserializer(),
                                        new ByteArrayDeserializer(),
                                        read -> read.size() >= 15,
                                        Duration.ofSeconds(90))
                                .size(),
                        "the pipeline works through the protected registry");

                String dashboard = app.dashboardUrl();
                assertTrue(dashboard.startsWith("https://127.0.0.1:"), "binds 127.0.0.1 by default: " + dashboard);
                for (String path : List.of("/", "/api/summary", "/metrics")) {
                    assertEquals(
                            401, get(trusting, dashboard + path, null).statusCode(), path + " without credentials");
                    assertEquals(
                            401, get(trusting, dashboard + path, "viewer:wrong").statusCode(), path);
                    assertEquals(
                            200,
                            get(trusting, dashboard + path, "viewer:" + DASHBOARD_SECRET)
                                    .statusCode(),
                            path);
                }
                assertThrows(IOException.class, () -> get(trusting, dashboard.replace("https:", "http:") + "/", null));
            }
        }
        assertSecretsNotLogged(REGISTRY_SECRET, DASHBOARD_SECRET, KEYSTORE_SECRET);
    }

    @Test
    void kafkaClientSecurityPassesThroughToASaslListener(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0, 0, Map.of("lr0", KAFKA_SECRET));
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()), "127.0.0.1", 0, HttpSecurity.NONE)) {
            Map<String, String> scram = Map.of(
                    Lr0Config.BOOTSTRAP_SERVERS,
                    kafka.saslBootstrapServers(),
                    Lr0Config.SCHEMA_REGISTRY_URL,
                    registry.url(),
                    Lr0Config.STATE_DIR,
                    dir.resolve("streams").toString(),
                    Lr0Config.DASHBOARD_PORT,
                    "0",
                    "kafka.security.protocol",
                    "SASL_PLAINTEXT",
                    "kafka.sasl.mechanism",
                    "SCRAM-SHA-256",
                    "kafka.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required " + "username=\"lr0\" password=\""
                            + KAFKA_SECRET + "\";");
            Map<String, String> wrongPassword = new HashMap<>(scram);
            wrongPassword.put(
                    "kafka.sasl.jaas.config",
                    scram.get("kafka.sasl.jaas.config").replace(KAFKA_SECRET, "not-the-password"));
            Exception refused = assertThrows(
                    Exception.class,
                    () -> Lr0App.start(Lr0Config.of(wrongPassword)).close());
            assertTrue(String.valueOf(refused.getMessage()).contains("Authentication failed"), refused.toString());

            try (Lr0App app = Lr0App.start(Lr0Config.of(scram))) {
                // The producer authenticates with SASL/PLAIN, the app with SCRAM-SHA-256: both pass through.
                Map<String, String> plain = new HashMap<>(scram);
                plain.put("kafka.sasl.mechanism", "PLAIN");
                plain.put(
                        "kafka.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule "
                                + "required username=\"lr0\" password=\"" + KAFKA_SECRET + "\";");
                produce(Lr0Config.of(plain), 2);
                assertEquals(
                        10,
                        Consume.until(
                                        kafka.bootstrapServers(),
                                        "predictions",
                                        new StringDeserializer(),
                                        new ByteArrayDeserializer(),
                                        read -> read.size() >= 10,
                                        Duration.ofSeconds(90))
                                .size());
            }
        }
        assertSecretsNotLogged(KAFKA_SECRET);
        assertTrue(
                logs.toString().contains("sasl.jaas.config = [hidden]"),
                "Kafka's config dump was captured, with the secret hidden");
    }

    private void assertSecretsNotLogged(String... secrets) {
        String logged = logs.toString();
        assertTrue(logged.length() > 1000, "logs were captured (" + logged.length() + " chars)");
        for (String secret : secrets) {
            assertFalse(logged.contains(secret), "a secret appears in the logs");
            assertFalse(
                    logged.contains(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8))),
                    "an encoded secret appears in the logs");
        }
    }

    private static void produce(Lr0Config config, int images) throws Exception {
        try (ImagePublisher publisher = new ImagePublisher(
                config.kafkaClientConfig(),
                config.serdeConfig(),
                config.topics().images(),
                config.topics().datasets())) {
            DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "security-it", images, 0, null);
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url, String userInfo)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (userInfo != null) {
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A PKCS12 key store with a self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    private static Path selfSignedKeyStore(Path dir) throws Exception {
        Path keyStore = dir.resolve("lr0.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "lr0",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=IP:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keyStore.toString(),
                        "-storepass",
                        KEYSTORE_SECRET,
                        "-keypass",
                        KEYSTORE_SECRET)
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), output);
        return keyStore;
    }
}
