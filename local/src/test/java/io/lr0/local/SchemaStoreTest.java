package io.lr0.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's store in memory: what it refuses before anything reaches its log. */
class SchemaStoreTest {

    @Test
    void aSchemaTooLargeForItsLogRecordIsRefusedWith422AndNothingIsStored() {
        List<String> appended = new ArrayList<>();
        SchemaStore store = new SchemaStore((key, value) -> appended.add(value));
        // 300,000 quotes in a doc: escaped once in the schema and again in the stored JSON, over 1 MB.
        String schema = "{\"type\":\"record\",\"name\":\"Big\",\"doc\":\"" + "\\\"".repeat(300_000)
                + "\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";

        SchemaRegistryException refused =
                assertThrows(SchemaRegistryException.class, () -> store.register("big-value", schema));
        assertEquals(422, refused.httpStatus());
        assertEquals(SchemaRegistryException.INVALID_SCHEMA, refused.errorCode());
        assertTrue(refused.getMessage().contains("too large to store"), refused.getMessage());
        assertEquals(List.of(), appended);
        assertEquals(List.of(), store.subjects());
    }
}
