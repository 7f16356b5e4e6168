package io.lr0.producers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lr0.contract.Sources;
import io.lr0.http.HttpExchanges;
import io.lr0.http.HttpSecurity;
import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A push endpoint for cameras and applications: {@code POST /images?camera=NAME[&label=L][&dataset=ID]} with a JPEG
 * or PNG body (or a multipart form whose first image part is the file). It answers 202 with the image id only once
 * the broker acknowledged the record (the publisher is idempotent with acks=all), 413 for a body over the limit
 * (refused before it is read whole), 415 for anything that is not a JPEG or PNG, 401 without the configured basic
 * auth, 503 when the broker did not take it.
 */
public final class HttpIngest implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpIngest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    /** Room beyond image.max.bytes for a multipart form's boundaries and part headers. */
    private static final int MULTIPART_ALLOWANCE = 64 * 1024;

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpSecurity security;
    private final ImagePublisher publisher;
    private final String defaultDataset;
    private final int maxBytes;
    private final AtomicLong sequence = new AtomicLong();

    private HttpIngest(
            HttpServer server,
            ExecutorService executor,
            HttpSecurity security,
            ImagePublisher publisher,
            String defaultDataset,
            int maxBytes) {
        this.server = server;
        this.executor = executor;
        this.security = security;
        this.publisher = publisher;
        this.defaultDataset = defaultDataset;
        this.maxBytes = maxBytes;
    }

    /** Serves on {@code host:port} (0: any free port) until closed. */
    public static HttpIngest start(
            String host, int port, HttpSecurity security, ImagePublisher publisher, String defaultDataset, int maxBytes)
            throws IOException {
        HttpServer server = security.bind(new InetSocketAddress(host, port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "lr0-http-ingest");
            thread.setDaemon(true);
            return thread;
        });
        HttpIngest ingest = new HttpIngest(server, executor, security, publisher, defaultDataset, maxBytes);
        security.protect(server.createContext("/", ingest::handle));
        server.setExecutor(executor);
        server.start();
        return ingest;
    }

    /** The base URL it answers on. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        return security.scheme() + "://" + address.getHostString() + ":" + address.getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/images")) {
                answer(exchange, 404, "error", "POST images to /images");
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                answer(exchange, 405, "error", "only POST");
                return;
            }
            Map<String, String> query = HttpExchanges.query(exchange.getRequestURI());
            String camera = query.get("camera");
            if (camera == null || !NAME.matcher(camera).matches()) {
                answer(exchange, 400, "error", "camera=NAME is required: letters, digits, . _ -, up to 128");
                return;
            }
            byte[] body = body(exchange);
            if (body == null) {
                return;
            }
            ImageEncoding encoding = encodingOf(body);
            if (encoding == null) {
                answer(exchange, 415, "error", "the body (or its first file part) is not a JPEG or PNG image");
                return;
            }
            String dataset = query.getOrDefault("dataset", defaultDataset);
            long captured = System.currentTimeMillis();
            String id = camera + "/" + captured + "-" + sequence.incrementAndGet();
            LabeledImage image = new LabeledImage(
                    id,
                    Image.newBuilder()
                            .setEncoding(encoding)
                            .setData(ByteBuffer.wrap(body))
                            .build(),
                    query.get("label"),
                    null,
                    Map.of("camera", camera, "via", "http"));
            try {
                publisher
                        .send(image, Sources.pushed(camera), dataset, Instant.ofEpochMilli(captured), null)
                        .get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                String why = e instanceof ExecutionException ? e.getCause().getMessage() : "no broker answer in 30 s";
                log.warn("HTTP ingest: image {} not written: {}", id, why);
                answer(exchange, 503, "error", "not written: " + why);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(exchange, 503, "error", "interrupted");
                return;
            }
            answer(exchange, 202, "id", id);
        }
    }

    /** The image bytes: the body, or the first file part of a multipart form; null when an answer was sent. */
    private byte[] body(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        InputStream in = exchange.getRequestBody();
        int bodyLimit = maxBytes + MULTIPART_ALLOWANCE;
        if (length != null && parseLong(length) > bodyLimit) {
            HttpExchanges.discard(in);
            answer(exchange, 413, "error", "over " + maxBytes + " bytes (image.max.bytes)");
            return null;
        }
        byte[] raw = in.readNBytes(bodyLimit + 1);
        if (raw.length > bodyLimit) {
            HttpExchanges.discard(in);
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        byte[] image = type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")
                ? firstPart(raw, type)
                : raw;
        if (raw.length > bodyLimit || image != null && image.length > maxBytes) {
            answer(exchange, 413, "error", "over " + maxBytes + " bytes (image.max.bytes)");
            return null;
        }
        return image == null ? new byte[0] : image;
    }

    /** The content of the first part of a multipart body that is a file (has a filename or an image type). */
    static byte[] firstPart(byte[] body, String contentType) {
        int at = contentType.indexOf("boundary=");
        if (at < 0) {
            return null;
        }
        String boundary = contentType
                .substring(at + "boundary=".length())
                .replace("\"", "")
                .split(";")[0]
                .trim();
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int start = indexOf(body, delimiter, 0);
        while (start >= 0) {
            int headersStart = start + delimiter.length + 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                return null;
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1)
                    .toLowerCase(Locale.ROOT);
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), headersEnd + 4);
            if (next < 0) {
                return null;
            }
            if (headers.contains("filename=") || headers.contains("content-type: image/")) {
                return Arrays.copyOfRange(body, headersEnd + 4, next);
            }
            start = next + 2;
        }
        return null;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** JPEG or PNG by their magic bytes (the content type is the client's word, the bytes are the image's). */
    static ImageEncoding encodingOf(byte[] image) {
        if (startsWith(image, JPEG_MAGIC)) {
            return ImageEncoding.JPEG;
        }
        return startsWith(image, PNG_MAGIC) ? ImageEncoding.PNG : null;
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Answers {@code {"<field>": "<text>"}}: {@code id} on success, {@code error} otherwise. */
    private static void answer(HttpExchange exchange, int status, String field, String text) throws IOException {
        HttpExchanges.respond(
                exchange,
                status,
                "application/json",
                JSON.writeValueAsBytes(JSON.createObjectNode().put(field, text)));
    }

    @Override
    public void close() {
        // Requests in flight (waiting for the broker's ack, usually milliseconds) get 2 s to be answered, so a client
        // is not left without its 202 for a record that was written; JDK 17's server waits the 2 s even when idle.
        server.stop(2);
        executor.shutdownNow();
    }
}
