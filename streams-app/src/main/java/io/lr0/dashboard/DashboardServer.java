package io.lr0.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lr0.contract.Keys;
import io.lr0.contract.StoreNames;
import io.lr0.http.HttpAnswer;
import io.lr0.http.HttpCall;
import io.lr0.http.HttpSecurity;
import io.lr0.http.HttpService;
import io.lr0.metrics.Agreement;
import io.lr0.metrics.AlertRule;
import io.lr0.metrics.MetricsSettings;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.records.AvroJson;
import io.lr0.schema.AlertSample;
import io.lr0.schema.AlertState;
import io.lr0.schema.RobustnessSummary;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's HTTP face: a JSON API over its state stores (interactive queries) and the dashboard page. Lists are
 * gathered from every instance (each answers its own part with {@code ?local=true}); a keyed query is answered here
 * when this instance holds the key, else redirected (307) to the one that does.
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);
    private static final Duration WINDOWED_HISTORY = Duration.ofHours(6);

    /** The most recent predictions one instance returns for a query: each carries a thumbnail. */
    private static final int MAX_RECENT = 1000;

    /** The dashboard and API take no request bodies: only GET. */
    private static final int MAX_BODY_BYTES = 0;

    private final HttpService server;
    private final HostInfo self;
    private final HttpSecurity security;
    private final HttpClient http;
    private volatile KafkaStreams streams;
    private volatile QueryService queries;
    private volatile Map<String, AlertRule> rules;
    private volatile RobustnessGauges gauges;
    private volatile OperationalMetrics meters;

    private DashboardServer(String host, int port, String advertisedHost, HttpSecurity security) {
        this.security = security;
        this.http = security.client(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)))
                .build();
        this.server = HttpService.start("lr0-dashboard", host, port, security, MAX_BODY_BYTES, this::answer);
        String announced = advertisedHost == null || advertisedHost.isBlank() ? host : advertisedHost;
        this.self = new HostInfo(announced, server.port());
    }

    /**
     * Binds {@code host:port} (0: any free port) before Kafka Streams starts, so the instance can announce the
     * address ({@code application.server}) that other instances route queries to; it answers 503 until
     * {@link #start}. {@code security} (basic auth, TLS) protects every path, and is what this instance uses to
     * reach the others.
     */
    public static DashboardServer bind(String host, int port, String advertisedHost, HttpSecurity security) {
        return new DashboardServer(host, port, advertisedHost, security);
    }

    /** {@code host:port} for Kafka Streams' {@code application.server}. */
    public String applicationServer() {
        return self.host() + ":" + self.port();
    }

    public String url() {
        return security.scheme() + "://" + applicationServer();
    }

    /**
     * Starts answering, over {@code streams}' stores: the API, the page, and on {@code /metrics} the instance's
     * operational meters with its robustness gauges ({@link RobustnessGauges}, at most {@code maxSources} sources).
     */
    public void start(KafkaStreams streams, MetricsSettings settings, int maxSources, OperationalMetrics meters) {
        this.queries = new QueryService(
                streams,
                settings.alpha(),
                settings.warWeights(),
                !settings.alertRules().isEmpty());
        this.rules = settings.alertRules().stream().collect(Collectors.toMap(AlertRule::name, rule -> rule));
        this.gauges = new RobustnessGauges(queries, settings.window(), maxSources, meters.registry());
        this.meters = meters;
        this.streams = streams;
        log.info("Dashboard and query API on {}", url());
    }

    private HttpAnswer answer(HttpCall call) throws IOException {
        if (streams == null) {
            return HttpAnswer.error(503, "starting: the streams application is not running yet");
        }
        String path = call.path();
        if (path.startsWith("/api/")) {
            return api(call, path);
        }
        if (path.equals("/metrics")) {
            return HttpAnswer.text(200, "text/plain; version=0.0.4; charset=utf-8", scrape());
        }
        return asset(path);
    }

    /**
     * The Prometheus text: the robustness gauges as the stores have them now (while they cannot be read, during a
     * rebalance, as the last scrape had them) and the operational meters.
     */
    private String scrape() {
        try {
            gauges.refresh(Instant.now());
        } catch (InvalidStateStoreException e) {
            log.debug("Robustness gauges not refreshed: {}", e.getMessage());
        }
        return meters.scrape();
    }

    private HttpAnswer api(HttpCall call, String path) throws IOException {
        Map<String, String> query = call.query();
        boolean local = "true".equals(query.get("local"));
        try {
            if (!call.method().equals("GET")) {
                return send(405, error("only GET is supported"));
            } else if (path.equals("/api/metrics")) {
                return send(
                        200,
                        gather(
                                "/api/metrics",
                                local,
                                StoreNames.ACCURACY_BY_DATASET,
                                () -> AvroJson.array(queries.localMetrics())));
            } else if (path.startsWith("/api/metrics/")) {
                return keyed(call, path.substring("/api/metrics/".length()));
            } else if (path.equals("/api/summary")) {
                return send(
                        200,
                        gather(
                                "/api/summary",
                                local,
                                StoreNames.ACCURACY_BY_MODEL,
                                () -> AvroJson.array(queries.localSummaries())));
            } else if (path.startsWith("/api/agreement")) {
                return agreement(path, query.get("source"), local);
            } else if (path.equals("/api/estimated")) {
                String source = query.get("source");
                return send(
                        200,
                        gather(
                                withSource("/api/estimated", source),
                                local,
                                StoreNames.ESTIMATES,
                                () -> AvroJson.array(queries.localEstimates(source))));
            } else if (path.equals("/api/alerts")) {
                return send(200, gather("/api/alerts", local, StoreNames.ALERT_STATE, this::localAlerts));
            } else if (path.equals("/api/summary/windowed")) {
                return send(
                        200,
                        gather(
                                "/api/summary/windowed",
                                local,
                                StoreNames.ACCURACY_BY_DATASET_WINDOWED,
                                this::localSeries));
            } else if (path.equals("/api/predictions/recent")) {
                int limit = Integer.parseInt(query.getOrDefault("limit", "50"));
                if (limit < 1 || limit > MAX_RECENT) {
                    return send(400, error("limit must be 1 to " + MAX_RECENT + ", was " + limit));
                }
                String source = query.get("source");
                return send(
                        200,
                        gather(
                                withSource("/api/predictions/recent?limit=" + limit, source),
                                local,
                                StoreNames.RECENT_PREDICTIONS,
                                () -> AvroJson.array(queries.localRecentPredictions(limit, source))));
            } else if (path.equals("/api/instances")) {
                ArrayNode instances = AvroJson.MAPPER.createArrayNode();
                for (StreamsMetadata metadata : streams.metadataForAllStreamsClients()) {
                    instances.add(AvroJson.MAPPER
                            .createObjectNode()
                            .put("instance", metadata.host() + ":" + metadata.port())
                            .put("self", metadata.hostInfo().equals(self))
                            .set("stores", AvroJson.MAPPER.valueToTree(metadata.stateStoreNames())));
                }
                return send(200, instances);
            } else {
                return send(404, error("no such endpoint: " + path));
            }
        } catch (InvalidStateStoreException e) {
            // Rebalancing or restoring: the caller should try again shortly.
            return send(503, error("state not queryable right now: " + e.getMessage()));
        } catch (NumberFormatException e) {
            return send(400, error("bad number: " + e.getMessage()));
        } catch (RuntimeException e) {
            // The cause stays in the log: an internal message is no answer for a client.
            log.warn("Query {} failed", path, e);
            return send(500, error("internal error; the instance's log has the cause"));
        }
    }

    /**
     * Label-free agreement, optionally of one source: per resolution ({@code /api/agreement}) or across resolutions
     * ({@code /summary}), cumulative or per window ({@code /windowed}, the last {@link #WINDOWED_HISTORY}).
     */
    private HttpAnswer agreement(String path, String source, boolean local) throws IOException {
        QueryService.AgreementView<IndexedRecord> view;
        String rest;
        if (path.startsWith("/api/agreement/summary")) {
            view = Agreement::summaries;
            rest = path.substring("/api/agreement/summary".length());
        } else {
            view = Agreement::metrics;
            rest = path.substring("/api/agreement".length());
        }
        Instant now = Instant.now();
        Supplier<ArrayNode> mine;
        String store;
        if (rest.isEmpty()) {
            mine = () -> AvroJson.array(queries.localAgreement(source, view));
            store = StoreNames.AGREEMENT_BY_SOURCE;
        } else if (rest.equals("/windowed")) {
            mine = () -> AvroJson.array(queries.localAgreementSeries(source, now.minus(WINDOWED_HISTORY), now, view));
            store = StoreNames.AGREEMENT_BY_SOURCE_WINDOWED;
        } else {
            return send(404, error("no such endpoint: " + path));
        }
        return send(200, gather(withSource(path, source), local, store, mine));
    }

    /** A model/dataset's metrics: here, or a redirect to the instance that holds them. */
    private HttpAnswer keyed(HttpCall call, String modelAndDataset) {
        HostInfo owner = queries.ownerOf(modelAndDataset);
        if (owner == null) {
            return send(404, error("no instance holds '" + modelAndDataset + "' (yet)"));
        } else if (owner.equals(self)) {
            return send(200, AvroJson.array(queries.localMetrics(modelAndDataset)));
        }
        String target = security.scheme() + "://" + owner.host() + ":" + owner.port() + call.rawPath();
        return send(
                        307,
                        AvroJson.MAPPER
                                .createObjectNode()
                                .put("instance", owner.host() + ":" + owner.port())
                                .put("location", target))
                .withHeader("Location", target);
    }

    /** {@code path} asking for one source's part only, when {@code source} is set. */
    private static String withSource(String path, String source) {
        if (source == null) {
            return path;
        }
        return path + (path.contains("?") ? "&" : "?") + "source=" + URLEncoder.encode(source, StandardCharsets.UTF_8);
    }

    /** This instance's part, plus (unless {@code local}) every other instance's part of the same list. */
    private JsonNode gather(String path, boolean local, String store, Supplier<ArrayNode> mine) throws IOException {
        ArrayNode all = mine.get();
        if (local) {
            return all;
        }
        for (StreamsMetadata metadata : streams.streamsMetadataForStore(store)) {
            if (!metadata.hostInfo().equals(self)) {
                String separator = path.contains("?") ? "&" : "?";
                URI uri = URI.create(security.scheme() + "://" + metadata.host() + ":" + metadata.port() + path
                        + separator + "local=true");
                try {
                    HttpResponse<String> answer = http.send(
                            security.authorize(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() != 200) {
                        // A partial list would look complete: say which part is missing instead.
                        throw new InvalidStateStoreException("instance " + uri.getAuthority() + " answered "
                                + answer.statusCode() + " for its part of " + path + ": " + answer.body());
                    }
                    AvroJson.MAPPER.readTree(answer.body()).forEach(all::add);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while asking " + uri, e);
                }
            }
        }
        return all;
    }

    /**
     * Every alert rule's state on every subject held here: whether it fires (since when), its latest window's value
     * (the newest closed one, else the open one) and, while the rule is configured, its levels.
     */
    private ArrayNode localAlerts() {
        ArrayNode alerts = AvroJson.MAPPER.createArrayNode();
        for (KeyValue<String, AlertState> alert : queries.localAlerts()) {
            List<AlertSample> windows = alert.value.getWindows();
            AlertSample latest = windows.get(Math.max(0, windows.size() - 2));
            ObjectNode node = (ObjectNode) AvroJson.toJson(latest, AvroJson.Bytes.BASE64);
            String rule = Keys.ruleOf(alert.key);
            node.put("rule", rule);
            node.put("key", alert.key);
            node.put("status", alert.value.getFiring() ? "firing" : "ok");
            if (alert.value.getSince() != null) {
                node.put("since", alert.value.getSince().toEpochMilli());
            }
            AlertRule settings = rules.get(rule);
            if (settings != null) {
                node.put("threshold", settings.below());
                node.put("resolveAt", settings.resolveAt());
                node.put("windows", settings.windows());
            }
            alerts.add(node);
        }
        return alerts;
    }

    private ArrayNode localSeries() {
        ArrayNode series = AvroJson.MAPPER.createArrayNode();
        Instant now = Instant.now();
        queries.localSummarySeries(now.minus(WINDOWED_HISTORY), now).forEach((start, summaries) -> {
            for (RobustnessSummary summary : summaries) {
                ObjectNode point = (ObjectNode) AvroJson.toJson(summary, AvroJson.Bytes.BASE64);
                point.put("windowStart", start.toEpochMilli());
                point.put("key", Keys.summary(summary));
                series.add(point);
            }
        });
        return series;
    }

    /** Static files of the dashboard page, from the classpath (no CDN: the assets ship in the jar). */
    private static HttpAnswer asset(String path) throws IOException {
        // WebJars (Chart.js) from their jars, the page's own files from /dashboard.
        String resource = path.startsWith("/webjars/")
                ? "/META-INF/resources" + path
                : "/dashboard" + (path.equals("/") ? "/index.html" : path);
        if (resource.contains("..")) {
            return send(400, error("bad path"));
        }
        try (InputStream in = DashboardServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                return send(404, error("not found: " + path));
            }
            return new HttpAnswer(200, contentType(resource), in.readAllBytes());
        }
    }

    private static String contentType(String resource) {
        if (resource.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (resource.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (resource.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "application/octet-stream";
    }

    private static ObjectNode error(String message) {
        return AvroJson.MAPPER.createObjectNode().put("error", message);
    }

    private static HttpAnswer send(int status, JsonNode body) {
        return HttpAnswer.json(status, body);
    }

    @Override
    public void close() {
        server.close();
    }
}
