package io.lr0.producers;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lr0.contract.RecordText;
import io.lr0.contract.Sources;
import io.lr0.http.HttpAnswer;
import io.lr0.http.HttpCall;
import io.lr0.http.HttpSecurity;
import io.lr0.http.HttpService;
import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A push endpoint for cameras and applications: {@code POST /images?camera=NAME[&label=L][&dataset=ID]} with a JPEG
 * or PNG body (or a multipart form whose first image part is the file). It answers 202 with the image id only once
 * the broker acknowledged the record (the publisher is idempotent with acks=all), 413 for a body over the limit
 * (refused before it is read whole), 415 for anything that is not a JPEG or PNG, 401 without the configured basic
 * auth, 503 when the broker did not take it, and 400 at the door for what the stream would refuse later: a label
 * over 1,024 characters or holding control characters or markup, a dataset id that is no label space's id.
 */
public final class HttpIngest implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpIngest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    /** Room beyond image.max.bytes for a multipart form's boundaries and part headers. */
    private static final int MULTIPART_ALLOWANCE = 64 * 1024;
    /** The most parts a form may have: a camera sends one file, perhaps with a few fields. */
    private static final int MAX_PARTS = 16;

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final HttpSecurity security;
    private final ImagePublisher publisher;
    private final String defaultDataset;
    private final int maxBytes;
    private final AtomicLong sequence = new AtomicLong();
    private HttpService server;

    private HttpIngest(HttpSecurity security, ImagePublisher publisher, String defaultDataset, int maxBytes) {
        this.security = security;
        this.publisher = publisher;
        this.defaultDataset = defaultDataset;
        this.maxBytes = maxBytes;
    }

    /** Serves on {@code host:port} (0: any free port) until closed. */
    public static HttpIngest start(
            String host,
            int port,
            HttpSecurity security,
            ImagePublisher publisher,
            String defaultDataset,
            int maxBytes) {
        HttpIngest ingest = new HttpIngest(security, publisher, defaultDataset, maxBytes);
        ingest.server = HttpService.start(
                "lr0-http-ingest", host, port, security, maxBytes + MULTIPART_ALLOWANCE, ingest::answer);
        return ingest;
    }

    /** The base URL it answers on. */
    public String url() {
        return server.url();
    }

    private HttpAnswer answer(HttpCall call) {
        if (!call.path().equals("/images")) {
            return HttpAnswer.error(404, "POST images to /images");
        }
        if (!call.method().equals("POST")) {
            return HttpAnswer.error(405, "only POST").withHeader("Allow", "POST");
        }
        Map<String, String> query = call.query();
        String camera = query.get("camera");
        if (camera == null || !NAME.matcher(camera).matches()) {
            return HttpAnswer.error(400, "camera=NAME is required: letters, digits, . _ -, up to 128");
        }
        String label = query.get("label");
        String labelProblem =
                label == null ? null : RecordText.labelProblem(label).orElse(null);
        if (labelProblem != null) {
            return HttpAnswer.error(400, "label: " + labelProblem);
        }
        String dataset = query.getOrDefault("dataset", defaultDataset);
        if (!NAME.matcher(dataset).matches()) {
            return HttpAnswer.error(400, "dataset=ID: letters, digits, . _ -, up to 128 (a label space's id)");
        }
        byte[] body;
        try {
            body = image(call);
        } catch (IllegalArgumentException e) {
            return HttpAnswer.error(400, "not a multipart form: " + e.getMessage());
        }
        if (body != null && body.length > maxBytes) {
            return HttpAnswer.error(413, "over " + maxBytes + " bytes (image.max.bytes)");
        }
        ImageEncoding encoding = body == null ? null : encodingOf(body);
        if (encoding == null) {
            return HttpAnswer.error(415, "the body (or its first file part) is not a JPEG or PNG image");
        }
        long captured = System.currentTimeMillis();
        String id = camera + "/" + captured + "-" + sequence.incrementAndGet();
        LabeledImage image = new LabeledImage(
                id,
                Image.newBuilder()
                        .setEncoding(encoding)
                        .setData(ByteBuffer.wrap(body))
                        .build(),
                label,
                null,
                Map.of("camera", camera, "via", "http"));
        try {
            publisher
                    .send(image, Sources.pushed(camera), dataset, Instant.ofEpochMilli(captured), null)
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof ExecutionException ? e.getCause().getMessage() : "no broker answer in 30 s";
            log.warn("HTTP ingest: image {} not written: {}", id, why);
            return HttpAnswer.error(503, "not written: " + why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HttpAnswer.error(503, "interrupted");
        }
        return HttpAnswer.json(202, JSON.createObjectNode().put("id", id));
    }

    /**
     * The image bytes: the body, or the first file part of a multipart form (parsed by Jetty's multipart parser,
     * whose boundary search is linear: a hand-written one took 55 s of CPU on a 1 MB body of '-' with a
     * 30,000-character boundary); null when a form has no file part.
     */
    private byte[] image(HttpCall call) {
        String type = call.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return call.body();
        }
        String boundary = MultiPart.extractBoundary(type);
        if (boundary == null || boundary.isEmpty()) {
            throw new IllegalArgumentException("its Content-Type names no boundary");
        }
        MultiPartFormData.Parser parser = new MultiPartFormData.Parser(boundary);
        parser.setMaxMemoryFileSize(call.body().length + 1L);
        parser.setMaxLength(call.body().length);
        parser.setMaxParts(MAX_PARTS);
        parser.setUseFilesForPartsWithoutFileName(false);
        CompletableFuture<MultiPartFormData.Parts> parsed = new CompletableFuture<>();
        parser.parse(Content.Source.from(ByteBuffer.wrap(call.body())), Promise.Invocable.toPromise(parsed));
        try (MultiPartFormData.Parts parts = parsed.get(10, TimeUnit.SECONDS)) {
            for (MultiPart.Part part : parts) {
                String partType = part.getHeaders().get("Content-Type");
                if (part.getFileName() != null
                        || partType != null && partType.toLowerCase(Locale.ROOT).startsWith("image/")) {
                    return BufferUtil.toArray(Content.Source.asByteBuffer(part.createContentSource()));
                }
            }
            return null;
        } catch (ExecutionException e) {
            throw new IllegalArgumentException(String.valueOf(e.getCause().getMessage()), e);
        } catch (IOException | TimeoutException e) {
            throw new IllegalArgumentException(e.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted", e);
        }
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

    @Override
    public void close() {
        // Requests in flight (waiting for the broker's ack, usually milliseconds) get 2 s to be answered, so a client
        // is not left without its 202 for a record that was written.
        server.close();
    }
}
