package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.cli.Lr0;
import io.lr0.contract.DeadLetterHeaders;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.DatasetSource;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.registry.AvroDeserializer;
import io.lr0.registry.RegistryConfig;
import io.lr0.registry.RestSchemaRegistryClient;
import io.lr0.schema.AgreementMetric;
import io.lr0.schema.AgreementSummary;
import io.lr0.schema.Calibration;
import io.lr0.schema.EstimatedAccuracy;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import io.lr0.testing.Consume;
import io.lr0.testing.HostileAvro;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vertical slice on the real embedded broker and registry: producer -> images -> degrade -> image-variants. */
class PipelineIT {
    private static final int IMAGES = 150;

    @TempDir
    static Path dataDir;

    private static LocalStack stack;
    private static Lr0Config config;
    private static Lr0App app;
    private static DatasetProducer.Result produced;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(dataDir, 0, 0, 0);
        config = Lr0Config.of(Map.of(
                Lr0Config.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                Lr0Config.STATE_DIR, dataDir.resolve("streams").toString(),
                Lr0Config.TOPIC_PARTITIONS, "3",
                Lr0Config.DASHBOARD_PORT, "0"));
        app = Lr0App.start(config);
        try (ImagePublisher publisher = new ImagePublisher(
                config.kafkaClientConfig(),
                config.serdeConfig(),
                config.topics().images(),
                config.topics().datasets())) {
            produced = DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "it", IMAGES, 0, null);
        }
    }

    @AfterAll
    static void stop() {
        app.close();
        stack.close();
    }

    @Test
    void everyImageGetsExactlyOneVariantPerResolution() throws Exception {
        DatasetSource dataset = Datasets.defaultFashionMnist("test");
        assertEquals(IMAGES, produced.sent());
        int perImage = config.degradeSettings().resolutionsFor("fashion-mnist").size() + 1;

        List<ConsumerRecord<String, ImageVariant>> variants = Consume.until(
                stack.bootstrapServers(),
                config.topics().variants(),
                new StringDeserializer(),
                specificReader(),
                records -> records.size() >= IMAGES * perImage,
                Duration.ofSeconds(90));
        // Give a duplicate the chance to show up before counting.
        variants = Consume.until(
                stack.bootstrapServers(),
                config.topics().variants(),
                new StringDeserializer(),
                specificReader(),
                records -> false,
                Duration.ofSeconds(2));

        Map<String, Long> copiesByKey =
                variants.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertEquals(IMAGES * perImage, variants.size(), "variants read (read_committed)");
        assertEquals(IMAGES * perImage, copiesByKey.size(), "distinct variant keys: none lost");
        assertTrue(copiesByKey.values().stream().allMatch(count -> count == 1), "none duplicated");
        Set<String> resolutions = variants.stream()
                .map(r -> r.key().substring(r.key().indexOf('@') + 1))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("7", "10", "14", "21", "native"), resolutions);
        ImageVariant sample = variants.stream()
                .map(ConsumerRecord::value)
                .filter(v -> v.getResolution() != null && v.getResolution() == 14)
                .findFirst()
                .orElseThrow();
        assertEquals(14, sample.getImage().getWidth());
        assertTrue(sample.getLabel() != null && dataset.labelSpace().classes().contains(sample.getLabel()));
    }

    @Test
    void everyVariantGetsOnePredictionAndNativeAccuracyIsHigh() {
        int expected = IMAGES
                * (config.degradeSettings().resolutionsFor("fashion-mnist").size() + 1);
        AvroDeserializer<Prediction> reader = new AvroDeserializer<>();
        Map<String, Object> serde = new HashMap<>(config.serdeConfig());
        serde.put(RegistryConfig.SPECIFIC_AVRO_READER, "true");
        reader.configure(serde, false);

        List<ConsumerRecord<String, Prediction>> predictions = Consume.until(
                stack.bootstrapServers(),
                config.topics().predictions(),
                new StringDeserializer(),
                reader,
                read -> read.size() >= expected,
                Duration.ofSeconds(90));

        Map<String, Long> copies =
                predictions.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertEquals(expected, copies.size(), "one prediction per variant");
        assertTrue(copies.values().stream().allMatch(n -> n == 1));
        List<Prediction> nativePredictions = predictions.stream()
                .map(ConsumerRecord::value)
                .filter(p -> p.getResolution() == null)
                .toList();
        long correct = nativePredictions.stream()
                .filter(p -> Boolean.TRUE.equals(p.getCorrect()))
                .count();
        assertEquals(IMAGES, nativePredictions.size());
        assertTrue(correct >= 0.8 * IMAGES, "native top-1 through the stream: " + correct + "/" + IMAGES);
    }

    @Test
    void metricTopicsFollowThePredictions() {
        String nativeKey = "lr0-demo-fmnist/fashion-mnist/native/bicubic";
        Map<String, RobustnessMetric> metrics = latest(
                config.topics().metrics(),
                read -> read.containsKey(nativeKey)
                        && read.get(nativeKey).getTotal() == IMAGES
                        && read.containsKey("lr0-demo-fmnist/fashion-mnist/7/bicubic")
                        && read.get("lr0-demo-fmnist/fashion-mnist/7/bicubic").getTotal() == IMAGES);
        RobustnessMetric reference = metrics.get(nativeKey);
        RobustnessMetric seven = metrics.get("lr0-demo-fmnist/fashion-mnist/7/bicubic");
        assertEquals(IMAGES, reference.getTotal(), "metric counts equal the prediction counts");
        assertEquals(1.0, reference.getGamma(), 1e-12);
        assertEquals(10, seven.getClasses());
        assertEquals(seven.getAccuracyTop1() / reference.getAccuracyTop1(), seven.getGamma(), 1e-12);

        Map<String, RobustnessSummary> summaries = latest(
                config.topics().summary(),
                read -> read.containsKey("lr0-demo-fmnist/7/bicubic")
                        && read.get("lr0-demo-fmnist/7/bicubic").getTotal() == IMAGES);
        RobustnessSummary summary = summaries.get("lr0-demo-fmnist/7/bicubic");
        assertEquals(List.of("fashion-mnist"), summary.getDatasets());
        assertEquals(seven.getGamma(), summary.getSar(), 1e-12, "one dataset: SAR = gamma");
        assertEquals(seven.getImprovedGamma(), summary.getWar(), 1e-12, "one dataset: WAR = Gamma");

        // lr0 report prints the same numbers, read from the same topics.
        String csv = report("--format", "csv");
        assertTrue(
                csv.contains(String.format(
                        Locale.ROOT,
                        "%nlr0-demo-fmnist,fashion-mnist,%.2f,%.4f,%.4f,%.2f,%.4f,%.4f,",
                        100 * reference.getAccuracyTop1(),
                        reference.getGamma(),
                        reference.getImprovedGamma(),
                        100 * seven.getAccuracyTop1(),
                        seven.getGamma(),
                        seven.getImprovedGamma())),
                csv);
        assertTrue(
                csv.contains(String.format(Locale.ROOT, "%nlr0-demo-fmnist,SAR,,1.00000,,,%.5f,", summary.getSar())),
                csv);
    }

    /**
     * {@code lr0 report} over a metrics topic holding, before a real metric, a record whose writer schema is recursive
     * and whose body nests 200,000 levels: the report leaves that one out, by name, and prints the rest.
     */
    @Test
    void reportGoesOnPastARecordThatCannotBeDecoded() throws Exception {
        String nativeKey = "lr0-demo-fmnist/fashion-mnist/native/bicubic";
        List<ConsumerRecord<byte[], byte[]>> metrics = Consume.until(
                stack.bootstrapServers(),
                config.topics().metrics(),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                records ->
                        records.stream().anyMatch(r -> nativeKey.equals(new String(r.key(), StandardCharsets.UTF_8))),
                Duration.ofSeconds(60));
        String topic = "report-hostile";
        createTopic(topic);
        byte[] nested = HostileAvro.deeplyNestedRecord(stack.registryUrl());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, bytes("nested"), nested));
            for (ConsumerRecord<byte[], byte[]> metric : metrics) {
                producer.send(new ProducerRecord<>(topic, metric.key(), metric.value()));
            }
            producer.flush();
        }
        String csv = report("--format", "csv", "--set", Lr0Config.TOPIC_METRICS + "=" + topic);
        assertTrue(csv.contains("\nlr0-demo-fmnist,fashion-mnist,"), "the real metrics are reported: " + csv);
    }

    /**
     * Without labels: every low-resolution prediction met its image's native one (keyed by the images' source), and
     * the agreement with native falls with the resolution as accuracy does.
     */
    @Test
    void agreementWithNativeFollowsThePredictions() {
        Map<String, AgreementMetric> agreement = latest(
                config.topics().agreement(),
                read -> read.containsKey("lr0-demo-fmnist/it/7/bicubic")
                        && read.get("lr0-demo-fmnist/it/7/bicubic").getSamples() == IMAGES
                        && read.containsKey("lr0-demo-fmnist/it/21/bicubic")
                        && read.get("lr0-demo-fmnist/it/21/bicubic").getSamples() == IMAGES);
        AgreementMetric seven = agreement.get("lr0-demo-fmnist/it/7/bicubic");
        AgreementMetric twentyOne = agreement.get("lr0-demo-fmnist/it/21/bicubic");
        assertTrue(seven.getAgreementTop1() < twentyOne.getAgreementTop1(), seven + " / " + twentyOne);
        assertTrue(twentyOne.getAgreementTop1() > 0.8, twentyOne.toString());
        assertTrue(seven.getMeanEntropy() > twentyOne.getMeanEntropy(), "less sure at 7 px");
    }

    /**
     * Estimated accuracy on the real broker: the calibration went through its topic and was read back, and on the
     * labelled source it was calibrated on, ATC's estimate is that source's measured accuracy (by construction).
     */
    @Test
    void estimatedAccuracyMeetsTheMeasuredOneOnItsCalibrationData() throws Exception {
        String seven = "lr0-demo-fmnist/fashion-mnist/it/7/bicubic";
        String twentyOne = "lr0-demo-fmnist/fashion-mnist/it/21/bicubic";
        Map<String, EstimatedAccuracy> estimates = latest(
                config.topics().estimated(),
                read -> read.containsKey(seven)
                        && read.get(seven).getCalibrationVersion() == IMAGES
                        && read.get(seven).getSamples() == IMAGES
                        && read.containsKey(twentyOne)
                        && read.get(twentyOne).getCalibrationVersion() == IMAGES
                        && read.get(twentyOne).getSamples() == IMAGES);
        for (String key : List.of(seven, twentyOne)) {
            EstimatedAccuracy estimate = estimates.get(key);
            assertEquals(estimate.getMeasuredTop1(), estimate.getEstimatedTop1(), 1e-9, estimate.toString());
        }
        assertTrue(estimates.get(seven).getEstimatedTop1()
                < estimates.get(twentyOne).getEstimatedTop1());
        // The query API answers the same from the join's store.
        JsonNode served = get(HttpClient.newHttpClient(), "/api/estimated?source=it");
        boolean sevenServed = false;
        for (JsonNode estimate : served) {
            assertEquals("it", estimate.path("source").asText());
            if (estimate.path("resolution").asInt() == 7
                    && "bicubic".equals(estimate.path("srMethod").asText())) {
                assertEquals(
                        estimates.get(seven).getEstimatedTop1(),
                        estimate.path("estimatedTop1").asDouble(),
                        1e-12);
                sevenServed = true;
            }
        }
        assertTrue(sevenServed, served.toString());
        assertEquals(
                0,
                get(HttpClient.newHttpClient(), "/api/estimated?source=no-such-camera")
                        .size());
        // lr0 report --estimated prints the same, beside the measured top-1; csv it refuses, saying so.
        String table = report("--estimated");
        assertTrue(
                table.contains("estimated top-1")
                        && table.lines()
                                .anyMatch(line ->
                                        line.contains(" it ") && line.contains("7px") && line.contains("+0.00")),
                table);
        assertNotEquals(0, Lr0.commandLine().execute("report", "--estimated", "--format", "csv"));
        Calibration calibration = PipelineIT.<Calibration>latest(
                        config.topics().calibration(),
                        read -> read.containsKey("lr0-demo-fmnist/fashion-mnist/7/bicubic")
                                && read.get("lr0-demo-fmnist/fashion-mnist/7/bicubic")
                                                .getVersion()
                                        == IMAGES)
                .get("lr0-demo-fmnist/fashion-mnist/7/bicubic");
        assertEquals(IMAGES, calibration.getVersion(), calibration.toString());
        assertEquals(estimates.get(seven).getMeasuredTop1(), calibration.getAccuracyTop1(), 1e-12);
    }

    /** The query API answers the same agreement from the state store, per source. */
    @Test
    void agreementApiPerSource() throws Exception {
        agreementWithNativeFollowsThePredictions();
        HttpClient http = HttpClient.newHttpClient();
        JsonNode mine = get(http, "/api/agreement?source=it");
        assertEquals(4, mine.size(), "the 4 low resolutions (bicubic): " + mine);
        for (JsonNode metric : mine) {
            assertEquals("it", metric.path("source").asText());
        }
        JsonNode seven = null;
        for (JsonNode metric : get(http, "/api/agreement")) {
            if (metric.path("resolution").asInt() == 7
                    && metric.path("srMethod").asText().equals("bicubic")) {
                seven = metric;
            }
        }
        assertEquals(IMAGES, seven.path("samples").asInt());
        assertEquals(0, get(http, "/api/agreement?source=no-such-camera").size());

        // Per window: the windows partition the stream, so their samples add up to the cumulative count.
        Map<String, Long> windowed = new TreeMap<>();
        for (JsonNode window : get(http, "/api/agreement/windowed?source=it")) {
            assertTrue(
                    window.path("windowEnd").asLong()
                            > window.path("windowStart").asLong(),
                    window.toString());
            windowed.merge(
                    window.path("resolution").asText() + "/"
                            + window.path("srMethod").asText(),
                    window.path("samples").asLong(),
                    Long::sum);
        }
        assertEquals(
                Map.of(
                        "7/bicubic",
                        (long) IMAGES,
                        "10/bicubic",
                        (long) IMAGES,
                        "14/bicubic",
                        (long) IMAGES,
                        "21/bicubic",
                        (long) IMAGES),
                windowed);
        // Across resolutions: the mean of the four cells, on the API as on the topic; per window, every sample.
        double meanOfCells = 0;
        for (JsonNode metric : mine) {
            meanOfCells += metric.path("agreementTop1").asDouble() / mine.size();
        }
        JsonNode summaries = get(http, "/api/agreement/summary?source=it");
        assertEquals(1, summaries.size(), summaries.toString());
        JsonNode summary = summaries.get(0);
        assertEquals("[7,10,14,21]", summary.path("resolutions").toString());
        assertEquals(4L * IMAGES, summary.path("samples").asLong());
        assertEquals(meanOfCells, summary.path("meanAgreementTop1").asDouble(), 1e-12);
        AgreementSummary onTopic = PipelineIT.<AgreementSummary>latest(
                        config.topics().agreementSummary(),
                        read -> read.containsKey("lr0-demo-fmnist/it/bicubic")
                                && read.get("lr0-demo-fmnist/it/bicubic").getSamples() == 4L * IMAGES)
                .get("lr0-demo-fmnist/it/bicubic");
        assertEquals(meanOfCells, onTopic.getMeanAgreementTop1(), 1e-12);
        long windowedSamples = 0;
        for (JsonNode window : get(http, "/api/agreement/summary/windowed?source=it")) {
            windowedSamples += window.path("samples").asLong();
        }
        assertEquals(4L * IMAGES, windowedSamples);
        assertEquals(404, status(http, "/api/agreement/nonsense"));
        // The recent predictions of one source, for the camera view.
        JsonNode recent = get(http, "/api/predictions/recent?limit=20&source=it");
        assertEquals(20, recent.size());
        for (JsonNode prediction : recent) {
            assertEquals("it", prediction.path("source").asText());
        }
        assertEquals(
                0, get(http, "/api/predictions/recent?source=no-such-camera").size());
    }

    /**
     * {@code lr0 consume} prints records as JSON lines decoded through the registry (bytes as their size), a record
     * that is not Avro or whose writer schema is refused (recursive, with a body 200,000 levels deep) with the reason, a tombstone as a null value, and goes on; --key and --max select.
     */
    @Test
    void consumePrintsDecodedRecordsAndGoesOnPastBadOnes() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> images = Consume.until(
                stack.bootstrapServers(),
                config.topics().images(),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                records -> records.size() >= 2,
                Duration.ofSeconds(60));
        String topic = "consume-check";
        createTopic(topic);
        byte[] nested = HostileAvro.deeplyNestedRecord(stack.registryUrl());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(
                    new ProducerRecord<>(topic, bytes("img-a"), images.get(0).value()));
            producer.send(new ProducerRecord<>(topic, bytes("junk"), bytes("not avro")));
            // A recursive writer schema and a body 200,000 levels deep: it once ended the command (exit 1, nothing
            // printed) on a StackOverflowError.
            producer.send(new ProducerRecord<>(topic, bytes("nested"), nested));
            producer.send(
                    new ProducerRecord<>(topic, bytes("img-b"), images.get(1).value()));
            producer.send(new ProducerRecord<>(topic, bytes("gone"), null));
            producer.flush();
        }
        ObjectMapper json = new ObjectMapper();
        List<String> lines =
                command("consume", topic, "--from-beginning").lines().toList();
        assertEquals(5, lines.size(), lines.toString());
        JsonNode first = json.readTree(lines.get(0));
        assertEquals("img-a", first.path("key").asText());
        assertEquals(0, first.path("offset").asLong());
        assertEquals("fashion-mnist", first.path("value").path("dataset").asText());
        assertEquals("784 bytes", first.path("value").path("image").path("data").asText(), "bytes as their size");
        JsonNode junk = json.readTree(lines.get(1));
        assertEquals(1, junk.path("offset").asLong());
        assertTrue(junk.path("error").asText().startsWith("not decoded (8 bytes): "), junk.toString());
        JsonNode nestedLine = json.readTree(lines.get(2));
        assertTrue(nestedLine.path("error").asText().contains("Node contains itself"), nestedLine.toString());
        assertEquals("img-b", json.readTree(lines.get(3)).path("key").asText(), "the command went on");
        assertTrue(json.readTree(lines.get(4)).path("value").isNull(), "a tombstone");

        assertEquals(
                2,
                command("consume", topic, "--from-beginning", "--key", "img-.*")
                        .lines()
                        .count());
        assertEquals(
                1,
                command("consume", topic, "--from-beginning", "--max", "1")
                        .lines()
                        .count());
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    /** {@code lr0 report ARGS} against this test's stack; its standard output. */
    private static String report(String... args) {
        List<String> all = new ArrayList<>(List.of("report"));
        all.addAll(List.of(args));
        return command(all.toArray(String[]::new));
    }

    /** {@code lr0 COMMAND ARGS} against this test's stack; its standard output. */
    private static String command(String... commandAndArgs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            List<String> all = new ArrayList<>(List.of(commandAndArgs));
            all.addAll(List.of(
                    "--set",
                    Lr0Config.BOOTSTRAP_SERVERS + "=" + stack.bootstrapServers(),
                    "--set",
                    Lr0Config.SCHEMA_REGISTRY_URL + "=" + stack.registryUrl()));
            exit = Lr0.commandLine().execute(all.toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        assertEquals(0, exit);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void queryApiAnswersFromTheStateStores() throws Exception {
        metricTopicsFollowThePredictions();
        HttpClient http = HttpClient.newHttpClient();
        JsonNode metrics = get(http, "/api/metrics");
        JsonNode reference = null;
        for (JsonNode metric : metrics) {
            if (metric.path("dataset").asText().equals("fashion-mnist")
                    && metric.path("resolution").isNull()) {
                reference = metric;
            }
        }
        assertTrue(reference != null, "native metric in " + metrics);
        assertEquals(IMAGES, reference.path("total").asLong());
        assertEquals(1.0, reference.path("gamma").asDouble(), 1e-12);

        JsonNode keyed = get(http, "/api/metrics/lr0-demo-fmnist%2Ffashion-mnist");
        assertEquals(5, keyed.size(), "one metric per resolution, answered by the owning instance (this one)");
        JsonNode summary = get(http, "/api/summary");
        assertTrue(summary.size() >= 5, summary.toString());
        JsonNode recent = get(http, "/api/predictions/recent?limit=7");
        assertEquals(7, recent.size());
        assertTrue(recent.get(0).path("predictionTimestamp").asLong()
                >= recent.get(6).path("predictionTimestamp").asLong());
        JsonNode series = get(http, "/api/summary/windowed");
        assertTrue(series.size() > 0 && series.get(0).has("windowStart"), series.toString());
        HttpResponse<String> missing = http.send(
                HttpRequest.newBuilder(URI.create(app.dashboardUrl() + "/api/nope"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        // A limit out of range is the client's error, said so; not a 500 with an internal message, nor 7 MB.
        for (String limit : List.of("-1", "0", "1000000")) {
            HttpResponse<String> refused = http.send(
                    HttpRequest.newBuilder(URI.create(app.dashboardUrl() + "/api/predictions/recent?limit=" + limit))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("limit must be 1 to 1000, was " + limit), refused.body());
        }
    }

    @Test
    void prometheusEndpointExposesThePipeline() throws Exception {
        everyVariantGetsOnePredictionAndNativeAccuracyIsHigh();
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(config.topics().images(), bytes("prometheus"), bytes("not avro")))
                    .get();
        }
        HttpClient http = HttpClient.newHttpClient();
        String text = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!text.contains("reason=\"NOT_WIRE_FORMAT\"") && System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(app.dashboardUrl() + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            text = response.body();
            Thread.sleep(200);
        }
        for (String expected : List.of(
                "lr0_dead_letters_total{",
                "topic=\"images-dlq\"",
                "lr0_predictions_total{",
                "lr0_prediction_latency_seconds{",
                "quantile=\"0.99\"",
                "lr0_inference_batch_size_count",
                "lr0_inference_model_seconds_count",
                "lr0_inference_model_cpu_seconds_count",
                "lr0_variants_total{",
                "lr0_stage_seconds_count{stage=\"degrade\"",
                "kafka_consumer_fetch_manager_records_lag",
                "kafka_stream_",
                "jvm_memory_used_bytes")) {
            assertTrue(text.contains(expected), "/metrics lacks " + expected);
        }
    }

    private static JsonNode get(HttpClient http, String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(app.dashboardUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return new ObjectMapper().readTree(response.body());
    }

    private static int status(HttpClient http, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(app.dashboardUrl() + path))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The latest value per key of a (compacted) topic, read until {@code done} holds. */
    private static <V extends SpecificRecord> Map<String, V> latest(String topic, Predicate<Map<String, V>> done) {
        AvroDeserializer<V> reader = new AvroDeserializer<>();
        Map<String, Object> serde = new HashMap<>(config.serdeConfig());
        serde.put(RegistryConfig.SPECIFIC_AVRO_READER, "true");
        reader.configure(serde, false);
        Map<String, V> latest = new HashMap<>();
        Consume.until(
                stack.bootstrapServers(),
                topic,
                new StringDeserializer(),
                reader,
                read -> {
                    latest.clear();
                    read.forEach(record -> latest.put(record.key(), record.value()));
                    return done.test(latest);
                },
                Duration.ofSeconds(60));
        return latest;
    }

    @Test
    void undecodableRecordsAreDeadLetteredOnTheRealBroker() throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(config.topics().images(), bytes("not-avro"), bytes("{\"json\": true}")))
                    .get();
            raw.send(new ProducerRecord<>(config.topics().images(), bytes("unknown-id"), new byte[] {
                        0, 0x12, 0x34, 0x56, 0x78, 1, 2, 3
                    }))
                    .get();
            int imageRecordId;
            try (RestSchemaRegistryClient client =
                    new RestSchemaRegistryClient(RegistryConfig.from(config.serdeConfig()))) {
                imageRecordId = client.register("images-value", ImageRecord.getClassSchema());
            }
            // The right header and schema id, then a body that is not an ImageRecord.
            raw.send(new ProducerRecord<>(
                            config.topics().images(),
                            bytes("bad-body"),
                            ByteBuffer.allocate(9)
                                    .put((byte) 0)
                                    .putInt(imageRecordId)
                                    .putInt(-1)
                                    .array()))
                    .get();
        }

        // Other tests dead-letter records of their own: look at this test's keys only.
        Set<String> mine = Set.of("not-avro", "unknown-id", "bad-body");
        List<ConsumerRecord<byte[], byte[]>> deadLetters = Consume.until(
                        stack.bootstrapServers(),
                        DeadLetterHeaders.topicFor(config.topics().images()),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer(),
                        records -> records.stream()
                                        .filter(r -> mine.contains(new String(r.key(), StandardCharsets.UTF_8)))
                                        .count()
                                >= 3,
                        Duration.ofSeconds(60))
                .stream()
                .filter(r -> mine.contains(new String(r.key(), StandardCharsets.UTF_8)))
                .toList();

        Map<String, String> reasonByKey = deadLetters.stream()
                .collect(Collectors.toMap(
                        r -> new String(r.key(), StandardCharsets.UTF_8), r -> header(r, DeadLetterHeaders.REASON)));
        assertEquals(
                Map.of("not-avro", "NOT_WIRE_FORMAT", "unknown-id", "UNKNOWN_SCHEMA_ID", "bad-body", "AVRO_DECODE"),
                reasonByKey);
        ConsumerRecord<byte[], byte[]> first = deadLetters.stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("not-avro"))
                .findFirst()
                .orElseThrow();
        assertEquals("{\"json\": true}", new String(first.value(), StandardCharsets.UTF_8));
        assertEquals(config.topics().images(), header(first, DeadLetterHeaders.SOURCE_TOPIC));
        assertTrue(Integer.parseInt(header(first, DeadLetterHeaders.SOURCE_PARTITION)) >= 0);
        assertTrue(Long.parseLong(header(first, DeadLetterHeaders.SOURCE_OFFSET)) >= 0);
    }

    private static AvroDeserializer<ImageVariant> specificReader() {
        AvroDeserializer<ImageVariant> deserializer = new AvroDeserializer<>();
        Map<String, Object> serde = new HashMap<>(config.serdeConfig());
        serde.put(RegistryConfig.SPECIFIC_AVRO_READER, "true");
        deserializer.configure(serde, false);
        return deserializer;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
