package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.contract.TopicSetup;
import io.lr0.contract.Topics;
import io.lr0.http.HttpSecurity;
import io.lr0.local.LocalStack;
import io.lr0.producers.HttpIngest;
import io.lr0.producers.ImagePublisher;
import io.lr0.registry.RegistryConfig;
import io.lr0.schema.ImageEncoding;
import io.lr0.schema.ImageRecord;
import io.lr0.testing.Consume;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lr0 produce http}: its status codes, and an accepted image on the topic once answered 202. */
class HttpIngestIT {
    @TempDir
    Path dataDir;

    private static byte[] png() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    @Test
    void statusCodesAndAnAcknowledgedImage() throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            TopicSetup.ensure(Map.of("bootstrap.servers", stack.bootstrapServers()), Topics.DEFAULTS.specs(1));
            Map<String, Object> serde = Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
            try (ImagePublisher publisher = new ImagePublisher(
                            Map.of("bootstrap.servers", stack.bootstrapServers()), serde, "images", "datasets");
                    HttpIngest ingest = HttpIngest.start(
                            "127.0.0.1",
                            0,
                            HttpSecurity.of("test", "cam:secret", null, null, null, null),
                            publisher,
                            "camera",
                            10_000)) {
                HttpClient http = HttpClient.newHttpClient();
                String auth =
                        "Basic " + Base64.getEncoder().encodeToString("cam:secret".getBytes(StandardCharsets.UTF_8));
                byte[] png = png();

                HttpResponse<String> accepted = http.send(
                        HttpRequest.newBuilder(URI.create(ingest.url() + "/images?camera=door&label=cat"))
                                .header("Authorization", auth)
                                .header("Content-Type", "image/png")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(202, accepted.statusCode(), accepted.body());
                assertTrue(accepted.body().startsWith("{\"id\":\"door/"), accepted.body());
                String id = accepted.body().substring(7, accepted.body().length() - 2);

                // Acknowledged: the record is on the topic already.
                List<ConsumerRecord<String, ImageRecord>> images = Consume.until(
                        stack.bootstrapServers(),
                        "images",
                        new StringDeserializer(),
                        Consume.<ImageRecord>specificReader(stack.registryUrl()),
                        records -> !records.isEmpty(),
                        Duration.ofSeconds(10));
                ImageRecord record = images.get(0).value();
                assertEquals(id, record.getId());
                assertEquals("cat", record.getLabel());
                assertEquals("http:door", record.getSource());
                assertEquals(ImageEncoding.PNG, record.getImage().getEncoding());

                String boundary = "lr0boundary";
                ByteArrayOutputStream form = new ByteArrayOutputStream();
                form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--"
                                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                                + "Content-Type: image/png\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                form.writeBytes(png);
                form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
                assertEquals(
                        202,
                        post(
                                http,
                                ingest.url() + "/images?camera=door",
                                auth,
                                "multipart/form-data; boundary=" + boundary,
                                form.toByteArray()),
                        "multipart");

                assertEquals(401, post(http, ingest.url() + "/images?camera=door", null, "image/png", png));
                assertEquals(
                        415,
                        post(
                                http,
                                ingest.url() + "/images?camera=door",
                                auth,
                                "image/png",
                                "GIF89a not png".getBytes(StandardCharsets.US_ASCII)));
                assertEquals(
                        413, post(http, ingest.url() + "/images?camera=door", auth, "image/jpeg", new byte[200_000]));
                assertEquals(400, post(http, ingest.url() + "/images", auth, "image/png", png), "no camera");
                assertEquals(404, post(http, ingest.url() + "/other?camera=door", auth, "image/png", png));
            }
        }
    }

    private static int post(HttpClient http, String url, String auth, String type, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth != null) {
            request.header("Authorization", auth);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
