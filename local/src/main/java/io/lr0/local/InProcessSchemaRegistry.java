package io.lr0.local;

import io.lr0.registry.RegisteredSchema;
import io.lr0.registry.SchemaRegistryClient;
import io.lr0.registry.SchemaRegistryException;
import org.apache.avro.Schema;

/**
 * The embedded registry's store, reached by method calls instead of HTTP: for tests that need serdes but no server
 * (the topology tests). Same ids, versions and compatibility checks as {@link EmbeddedSchemaRegistry}; in memory.
 */
public final class InProcessSchemaRegistry implements SchemaRegistryClient {
    private final SchemaStore store = new SchemaStore((key, value) -> {});

    @Override
    public int register(String subject, Schema schema) {
        return store.register(subject, schema.toString()).id();
    }

    @Override
    public Schema schemaById(int id) {
        return new Schema.Parser()
                .parse(store.schemaById(id)
                        .orElseThrow(() -> new SchemaRegistryException(
                                404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found")));
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return registered(store.version(subject, "latest", false));
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        return registered(store.lookup(subject, schema.toString(), false));
    }

    private static RegisteredSchema registered(SchemaStore.Version version) {
        return new RegisteredSchema(
                version.subject(), version.id(), version.version(), new Schema.Parser().parse(version.schema()));
    }

    @Override
    public void close() {
        // Nothing held outside the heap.
    }
}
