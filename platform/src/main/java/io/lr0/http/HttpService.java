package io.lr0.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of lr0's HTTP servers (schema registry, dashboard, push endpoint), served by Jetty. Connections are handled by
 * non-blocking I/O, so a client that trickles its request holds no thread: 50 connections sending a byte a second
 * cannot stop anyone else being answered (the JDK's built-in server, with a fixed pool of blocking threads, was
 * stopped by 10). A connection idle for {@link #IDLE_TIMEOUT} is closed, a request body must arrive whole within
 * {@link #REQUEST_TIMEOUT} (else 408), a body over the server's limit is refused with 413 before it is read whole
 * (the rest of it read and dropped, bounded, so the client gets the answer), request headers are capped at
 * {@link #MAX_HEADER_BYTES}, and the open connections at {@link #MAX_CONNECTIONS}. Only then does a request reach the
 * server's {@link HttpRoutes}, whole, on a thread of a bounded pool.
 */
public final class HttpService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpService.class);

    /** A connection with no byte either way for this long is closed. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** A request body must arrive whole within this (a trickling body holds no thread, but holds its buffer). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Open connections per server. */
    static final int MAX_CONNECTIONS = 1000;
    /** Threads that handle whole requests. */
    static final int MAX_THREADS = 32;
    /** Request line and headers. */
    static final int MAX_HEADER_BYTES = 8 * 1024;

    private final Server server;
    private final HttpSecurity security;
    private final String host;
    /** The port it listens on, kept: Jetty forgets it once stopped, and a restart in tests binds it again. */
    private final int port;

    private HttpService(Server server, HttpSecurity security, String host, int port) {
        this.server = server;
        this.security = security;
        this.host = host;
        this.port = port;
    }

    /**
     * Serves {@code routes} on {@code host:port} (0: any free port), named {@code name} in thread names and logs,
     * taking request bodies of at most {@code maxBodyBytes}; {@code security} adds basic auth (checked before a body
     * is read) and TLS.
     */
    public static HttpService start(
            String name, String host, int port, HttpSecurity security, int maxBodyBytes, HttpRoutes routes) {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName(name + "-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        // Keys in paths may hold an encoded '/' (a model/dataset key of the query API); the routes split raw paths.
        http.setUriCompliance(UriCompliance.DEFAULT.with("lr0", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
        HttpConnectionFactory plain = new HttpConnectionFactory(http);
        ConnectionFactory[] factories = security.tls()
                ? new ConnectionFactory[] {new SslConnectionFactory(sslContextFactory(security), "http/1.1"), plain}
                : new ConnectionFactory[] {plain};
        ServerConnector connector = new ServerConnector(server, factories);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        connector.setAcceptQueueSize(64);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        // Requests in flight get a moment to be answered when the server stops (a push waiting for its broker ack).
        server.setHandler(new GracefulHandler(new Dispatch(security, maxBodyBytes, routes, threads)));
        // What Jetty refuses itself (a malformed request line, a path with encoded control characters, headers over
        // the limit) is answered in the server's own error format too, not as an HTML page.
        server.setErrorHandler((request, response, callback) -> {
            Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
            Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
            Dispatch.write(
                    response,
                    callback,
                    routes.refusal(
                            status instanceof Integer code ? code : response.getStatus(),
                            message == null ? "bad request" : message.toString()));
            return true;
        });
        server.setStopTimeout(2_000);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("Cannot serve " + name + " on " + host + ":" + port + ": " + e, e);
        }
        return new HttpService(server, security, host, connector.getLocalPort());
    }

    private static SslContextFactory.Server sslContextFactory(HttpSecurity security) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(security.serverTls());
        return tls;
    }

    /** The port it listens on (the one it picked, when started on port 0). */
    public int port() {
        return port;
    }

    /** Its base URL, as given: {@code http[s]://host:port}. */
    public String url() {
        return security.scheme() + "://" + host + ":" + port();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("Stopping the HTTP server on port {} failed", port(), e);
        }
    }

    /** Checks credentials, reads the body whole within the limits, then hands the request to the routes. */
    private static final class Dispatch extends Handler.Abstract {
        private final HttpSecurity security;
        private final int maxBodyBytes;
        private final HttpRoutes routes;
        private final QueuedThreadPool threads;

        Dispatch(HttpSecurity security, int maxBodyBytes, HttpRoutes routes, QueuedThreadPool threads) {
            this.security = security;
            this.maxBodyBytes = maxBodyBytes;
            this.routes = routes;
            this.threads = threads;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            boolean admitted = security.admits(request.getHeaders().get(HttpHeader.AUTHORIZATION));
            // A body is read whole only for a request that may be answered; otherwise it is dropped (bounded).
            int keep = admitted ? maxBodyBytes : 0;
            new BodyReader(request, keep)
                    .read()
                    .orTimeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .handleAsync((body, failure) -> admitted ? answer(request, body, failure) : unauthorized(), threads)
                    .thenAccept(answer -> write(response, callback, answer));
            return true;
        }

        /** Also for a header that is no base64 or has no colon: a 401, never a dropped connection. */
        private HttpAnswer unauthorized() {
            return routes.refusal(401, "Unauthorized: this server needs HTTP basic auth")
                    .withHeader("WWW-Authenticate", "Basic realm=\"lr0\", charset=\"UTF-8\"");
        }

        private HttpAnswer answer(Request request, BodyReader.Body body, Throwable failure) {
            if (failure != null) {
                Throwable cause = unwrap(failure);
                if (cause instanceof TimeoutException) {
                    return routes.refusal(
                                    408,
                                    "the request did not arrive whole within " + REQUEST_TIMEOUT.toSeconds() + " s")
                            .withHeader("Connection", "close");
                }
                return routes.refusal(400, "the request body could not be read: " + cause.getMessage())
                        .withHeader("Connection", "close");
            }
            if (body.over()) {
                return tooLarge(body.length() + " bytes or more");
            }
            HttpCall call;
            try {
                call = new HttpCall(
                        request.getMethod(),
                        request.getHttpURI().getPath(),
                        query(request),
                        headers(request.getHeaders()),
                        body.bytes());
            } catch (IllegalArgumentException e) {
                return routes.refusal(400, "bad request: " + e.getMessage());
            }
            try {
                return routes.answer(call);
            } catch (Exception e) {
                // The cause stays in the log: an internal message is no answer for a client.
                log.warn("{} {} failed", call.method(), call.rawPath(), e);
                return routes.refusal(500, "internal error; the server's log has the cause");
            }
        }

        private HttpAnswer tooLarge(String size) {
            return routes.refusal(
                            413,
                            "Request body of " + size + " is over this server's limit of " + maxBodyBytes + " bytes")
                    .withHeader("Connection", "close");
        }

        private static Throwable unwrap(Throwable failure) {
            Throwable cause = failure;
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause;
        }

        private static Map<String, String> query(Request request) {
            Map<String, String> query = new HashMap<>();
            for (Fields.Field field : Request.extractQueryParameters(request)) {
                List<String> values = field.getValues();
                query.put(field.getName(), values.isEmpty() ? "" : values.get(values.size() - 1));
            }
            return query;
        }

        private static Map<String, String> headers(HttpFields fields) {
            Map<String, String> headers = new HashMap<>();
            for (HttpField field : fields) {
                headers.putIfAbsent(field.getLowerCaseName(), field.getValue());
            }
            return headers;
        }

        private static void write(Response response, Callback callback, HttpAnswer answer) {
            response.setStatus(answer.status());
            HttpFields.Mutable headers = response.getHeaders();
            headers.put(HttpHeader.CONTENT_TYPE, answer.contentType());
            answer.headers().forEach(headers::put);
            response.write(true, ByteBuffer.wrap(answer.body()), callback);
        }
    }

    /**
     * Reads a request body without holding a thread while it arrives: whole when it is within {@code keep} bytes;
     * past that (announced or found), the rest is read and dropped, up to {@link #MAX_DISCARDED_BYTES} more, so
     * that a client still sending reads the answer (413, 401) instead of a reset connection. A larger one is cut
     * off when the answer is written: Jetty closes the connection.
     */
    private static final class BodyReader implements Runnable {
        /** How much of a refused body is read and dropped. */
        static final long MAX_DISCARDED_BYTES = 16L * 1024 * 1024;

        /** The body: its bytes when within the limit, else {@code over} and how much was seen. */
        record Body(byte[] bytes, boolean over, long length) {}

        private final Request request;
        private final int keep;
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        /** Bytes read so far. */
        private long seen;

        BodyReader(Request request, int keep) {
            this.request = request;
            this.keep = keep;
        }

        CompletableFuture<Body> read() {
            long announced = request.getLength();
            if (announced > keep + MAX_DISCARDED_BYTES) {
                // Too large even to drop: answered at once, and the connection is closed after the answer.
                result.complete(new Body(null, true, announced));
            } else {
                run();
            }
            return result;
        }

        @Override
        public void run() {
            while (!result.isDone()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    result.completeExceptionally(chunk.getFailure());
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                seen += bytes.remaining();
                boolean over = seen > keep || request.getLength() > keep;
                if (!over) {
                    kept.writeBytes(BufferUtil.toArray(bytes));
                }
                boolean last = chunk.isLast();
                chunk.release();
                if (last || seen > keep + MAX_DISCARDED_BYTES) {
                    result.complete(
                            new Body(over ? null : kept.toByteArray(), over, Math.max(seen, request.getLength())));
                }
            }
        }
    }
}
