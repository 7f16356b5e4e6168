package io.lr0.registry;

import org.apache.avro.Schema;

/** The subset of the Confluent Schema Registry API that the serdes need. Implementations cache. */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** The latest version registered under {@code subject}. */
    RegisteredSchema latest(String subject);

    /** Finds {@code schema} among the versions of {@code subject}, without registering it. */
    RegisteredSchema lookup(String subject, Schema schema);

    @Override
    void close();
}
