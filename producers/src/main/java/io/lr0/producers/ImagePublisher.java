package io.lr0.producers;

import io.lr0.registry.AvroSerializer;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.ImageRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes images to the images topic and label spaces to the datasets topic, as Avro in Confluent's wire format.
 * Idempotent with acks=all, so a retried send is not duplicated.
 */
public final class ImagePublisher implements AutoCloseable {
    private final KafkaProducer<String, GenericContainer> producer;
    private final String imagesTopic;
    private final String datasetsTopic;

    /** {@code kafkaConfig} holds bootstrap.servers and any client settings; {@code registryConfig} the serde keys. */
    public ImagePublisher(
            Map<String, Object> kafkaConfig,
            Map<String, Object> registryConfig,
            String imagesTopic,
            String datasetsTopic) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        AvroSerializer<GenericContainer> valueSerializer = new AvroSerializer<>();
        valueSerializer.configure(registryConfig, false);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), valueSerializer);
        this.imagesTopic = imagesTopic;
        this.datasetsTopic = datasetsTopic;
    }

    /** Publishes the dataset's label space (compacted topic, keyed by dataset id) and waits for it. */
    public void publishDataset(LabelSpace labelSpace) {
        DatasetInfo info = DatasetInfo.newBuilder()
                .setId(labelSpace.id())
                .setClasses(labelSpace.classes())
                .setGroups(labelSpace.groups())
                .setDescription(labelSpace.description())
                .setUpdated(Instant.now())
                .build();
        try {
            producer.send(new ProducerRecord<>(datasetsTopic, labelSpace.id(), info))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing dataset " + labelSpace.id(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot publish dataset " + labelSpace.id() + " to " + datasetsTopic + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** Sends one image, keyed by its id; {@code callback} learns whether it was written. */
    public Future<RecordMetadata> send(
            LabeledImage image, String source, String dataset, Instant captured, Callback callback) {
        ImageRecord record = ImageRecord.newBuilder()
                .setId(image.id())
                .setSource(source)
                .setDataset(dataset)
                .setCaptureTimestamp(captured)
                .setImage(image.image())
                .setLabel(image.label())
                .setGroup(image.group())
                .setAttributes(new HashMap<>(image.attributes()))
                .build();
        return producer.send(new ProducerRecord<>(imagesTopic, image.id(), record), callback);
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
