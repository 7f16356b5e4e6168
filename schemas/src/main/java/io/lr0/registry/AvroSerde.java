package io.lr0.registry;

import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.serialization.Serdes;

/** Serializer and deserializer pair for Kafka Streams, sharing one registry client and its caches. */
public class AvroSerde<T extends GenericContainer> extends Serdes.WrapperSerde<T> {

    /** A serde reading into generated classes when {@code specific} is set, as {@code SpecificAvroSerde} does. */
    public AvroSerde(SchemaRegistryClient client, RegistryConfig config, boolean isKey) {
        super(new AvroSerializer<>(client, config, isKey), new AvroDeserializer<>(client, config));
    }
}
