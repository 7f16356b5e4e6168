package io.lr0.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lr0.contract.Keys;
import io.lr0.contract.StoreNames;
import io.lr0.http.HttpExchanges;
import io.lr0.http.HttpSecurity;
import io.lr0.metrics.Agreement;
import io.lr0.metrics.WarWeights;
import io.lr0.runtime.AvroJson;
import io.lr0.schema.RobustnessSummary;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.streams.KafkaStreams;
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

    private final HttpServer server;
    private final ExecutorService executor;
    private final HostInfo self;
    private final HttpSecurity security;
    private final HttpClient http;
    private volatile KafkaStreams streams;
    private volatile QueryService queries;

    private DashboardServer(HttpServer server, HttpSecurity security, ExecutorService executor, HostInfo self) {
        this.server = server;
        this.security = security;
        this.http = security.client(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)))
                .build();
        this.executor = executor;
        this.self = self;
    }

    /**
     * Binds {@code host:port} (0: any free port) before Kafka Streams starts, so the instance can announce the
     * address ({@code application.server}) that other instances route queries to. {@code security} (basic auth,
     * TLS) protects every path, and is what this instance uses to reach the others.
     */
    public static DashboardServer bind(String host, int port, String advertisedHost, HttpSecurity security)
            throws IOException {
        HttpServer server = security.bind(new InetSocketAddress(host, port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "lr0-dashboard-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        String announced = advertisedHost == null || advertisedHost.isBlank() ? host : advertisedHost;
        return new DashboardServer(
                server,
                security,
                executor,
                new HostInfo(announced, server.getAddress().getPort()));
    }

    /** {@code host:port} for Kafka Streams' {@code application.server}. */
    public String applicationServer() {
        return self.host() + ":" + self.port();
    }

    public String url() {
        return security.scheme() + "://" + applicationServer();
    }

    /** Starts answering, over {@code streams}' stores; {@code prometheus} gives the {@code /metrics} text. */
    public void start(KafkaStreams streams, double alpha, WarWeights weights, Supplier<String> prometheus) {
        this.streams = streams;
        this.queries = new QueryService(streams, alpha, weights);
        security.protect(server.createContext("/api/", this::api));
        security.protect(server.createContext("/metrics", exchange -> {
            try (exchange) {
                HttpExchanges.respond(
                        exchange,
                        200,
                        "text/plain; version=0.0.4; charset=utf-8",
                        prometheus.get().getBytes(StandardCharsets.UTF_8));
            }
        }));
        security.protect(server.createContext("/", this::asset));
        server.start();
        log.info("Dashboard and query API on {}", url());
    }

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = HttpExchanges.query(exchange.getRequestURI());
            boolean local = "true".equals(query.get("local"));
            try {
                if (!exchange.getRequestMethod().equals("GET")) {
                    send(exchange, 405, error("only GET is supported"));
                } else if (path.equals("/api/metrics")) {
                    send(
                            exchange,
                            200,
                            gather(
                                    "/api/metrics",
                                    local,
                                    StoreNames.ACCURACY_BY_DATASET,
                                    () -> AvroJson.array(queries.localMetrics())));
                } else if (path.startsWith("/api/metrics/")) {
                    keyed(
                            exchange,
                            URLDecoder.decode(path.substring("/api/metrics/".length()), StandardCharsets.UTF_8));
                } else if (path.equals("/api/summary")) {
                    send(
                            exchange,
                            200,
                            gather(
                                    "/api/summary",
                                    local,
                                    StoreNames.ACCURACY_BY_MODEL,
                                    () -> AvroJson.array(queries.localSummaries())));
                } else if (path.startsWith("/api/agreement")) {
                    agreement(exchange, path, query.get("source"), local);
                } else if (path.equals("/api/summary/windowed")) {
                    send(
                            exchange,
                            200,
                            gather(
                                    "/api/summary/windowed",
                                    local,
                                    StoreNames.ACCURACY_BY_DATASET_WINDOWED,
                                    this::localSeries));
                } else if (path.equals("/api/predictions/recent")) {
                    int limit = Integer.parseInt(query.getOrDefault("limit", "50"));
                    if (limit < 1 || limit > MAX_RECENT) {
                        send(exchange, 400, error("limit must be 1 to " + MAX_RECENT + ", was " + limit));
                        return;
                    }
                    String source = query.get("source");
                    send(
                            exchange,
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
                    send(exchange, 200, instances);
                } else {
                    send(exchange, 404, error("no such endpoint: " + path));
                }
            } catch (InvalidStateStoreException e) {
                // Rebalancing or restoring: the caller should try again shortly.
                send(exchange, 503, error("state not queryable right now: " + e.getMessage()));
            } catch (NumberFormatException e) {
                send(exchange, 400, error("bad number: " + e.getMessage()));
            } catch (RuntimeException e) {
                // The cause stays in the log: an internal message is no answer for a client.
                log.warn("Query {} failed", path, e);
                send(exchange, 500, error("internal error; the instance's log has the cause"));
            }
        }
    }

    /**
     * Label-free agreement, optionally of one source: per resolution ({@code /api/agreement}) or across resolutions
     * ({@code /summary}), cumulative or per window ({@code /windowed}, the last {@link #WINDOWED_HISTORY}).
     */
    private void agreement(HttpExchange exchange, String path, String source, boolean local) throws IOException {
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
            send(exchange, 404, error("no such endpoint: " + path));
            return;
        }
        send(exchange, 200, gather(withSource(path, source), local, store, mine));
    }

    /** A model/dataset's metrics: here, or a redirect to the instance that holds them. */
    private void keyed(HttpExchange exchange, String modelAndDataset) throws IOException {
        HostInfo owner = queries.ownerOf(modelAndDataset);
        if (owner == null) {
            send(exchange, 404, error("no instance holds '" + modelAndDataset + "' (yet)"));
        } else if (owner.equals(self)) {
            send(exchange, 200, AvroJson.array(queries.localMetrics(modelAndDataset)));
        } else {
            String target = security.scheme() + "://" + owner.host() + ":" + owner.port()
                    + exchange.getRequestURI().getRawPath();
            exchange.getResponseHeaders().set("Location", target);
            send(
                    exchange,
                    307,
                    AvroJson.MAPPER
                            .createObjectNode()
                            .put("instance", owner.host() + ":" + owner.port())
                            .put("location", target));
        }
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
    private void asset(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            // WebJars (Chart.js) from their jars, the page's own files from /dashboard.
            String resource = path.startsWith("/webjars/")
                    ? "/META-INF/resources" + path
                    : "/dashboard" + (path.equals("/") ? "/index.html" : path);
            if (resource.contains("..")) {
                send(exchange, 400, error("bad path"));
                return;
            }
            try (InputStream in = DashboardServer.class.getResourceAsStream(resource)) {
                if (in == null) {
                    send(exchange, 404, error("not found: " + path));
                    return;
                }
                HttpExchanges.respond(exchange, 200, contentType(resource), in.readAllBytes());
            }
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

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        HttpExchanges.respond(exchange, status, "application/json", AvroJson.MAPPER.writeValueAsBytes(body));
    }

    @Override
    public void close() {
        if (streams == null) {
            // Bound but never started (a later step of the app's start failed): the JDK server releases its port
            // only in its dispatcher thread, so start that thread for stop() to close the socket and join it.
            server.start();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
