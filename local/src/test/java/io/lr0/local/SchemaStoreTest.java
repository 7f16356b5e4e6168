package io.lr0.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.local.SchemaStore.Setting;
import io.lr0.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's store in memory: Confluent's delete and mode semantics, its log, and what it refuses. */
class SchemaStoreTest {
    private static final String V1 =
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":"
            + "\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";

    /** A log kept in memory, replayable into a fresh store as the registry replays _schemas at start. */
    private static final class MemoryLog implements SchemaStore.Log {
        final List<String[]> records = new ArrayList<>();

        @Override
        public void append(String key, String value) {
            records.add(new String[] {key, value});
        }

        SchemaStore replay() {
            SchemaStore store = new SchemaStore(this);
            records.forEach(record -> store.apply(record[0], record[1]));
            return store;
        }
    }

    private static int code(Runnable call) {
        return assertThrows(SchemaRegistryException.class, call::run).errorCode();
    }

    @Test
    void softDeletesHideVersionsButTheirIdsStillResolveAndSurviveAReplay() {
        MemoryLog log = new MemoryLog();
        SchemaStore store = new SchemaStore(log);
        int id1 = store.register("s-value", V1).id();
        int id2 = store.register("s-value", V2).id();

        assertEquals(1, store.deleteVersion("s-value", "1", false));
        assertEquals(List.of(2), versions(store.versions("s-value", false)));
        assertEquals(List.of(1, 2), versions(store.versions("s-value", true)), "?deleted=true");
        assertEquals(SchemaRegistryException.VERSION_NOT_FOUND, code(() -> store.version("s-value", "1", false)));
        assertEquals(id1, store.version("s-value", "1", true).id());
        assertEquals(V1, store.schemaById(id1).orElseThrow(), "a soft-deleted version's schema resolves by id");
        assertEquals(SchemaStore.VERSION_SOFT_DELETED, code(() -> store.deleteVersion("s-value", "1", false)));
        assertEquals(SchemaStore.VERSION_NOT_SOFT_DELETED, code(() -> store.deleteVersion("s-value", "2", true)));

        assertEquals(List.of(2), store.deleteSubject("s-value", false));
        assertEquals(List.of(), store.subjects("", false));
        assertEquals(List.of("s-value"), store.subjects("", true));
        assertEquals(SchemaStore.SUBJECT_SOFT_DELETED, code(() -> store.deleteSubject("s-value", false)));
        assertEquals(SchemaRegistryException.SUBJECT_NOT_FOUND, code(() -> store.versions("s-value", false)));

        SchemaStore restarted = log.replay();
        assertEquals(List.of("s-value"), restarted.subjects("", true));
        assertEquals(List.of(), restarted.subjects("", false), "deletions survive a restart");
        assertEquals(V2, restarted.schemaById(id2).orElseThrow());

        // Registering again continues the numbering and gives the same schema its id again.
        SchemaStore.Version again = restarted.register("s-value", V1);
        assertEquals(3, again.version());
        assertEquals(id1, again.id());
    }

    @Test
    void permanentDeletesNeedASoftDeleteFirstAndLeaveTombstones() {
        MemoryLog log = new MemoryLog();
        SchemaStore store = new SchemaStore(log);
        int id = store.register("p-value", V1).id();
        assertEquals(SchemaStore.SUBJECT_NOT_SOFT_DELETED, code(() -> store.deleteSubject("p-value", true)));
        store.deleteSubject("p-value", false);
        assertEquals(List.of(1), store.deleteSubject("p-value", true));
        assertEquals(List.of(), store.subjects("", true));
        assertTrue(store.schemaById(id).isEmpty(), "no version holds the schema any more");
        assertEquals(null, log.records.get(log.records.size() - 1)[1], "a permanent delete is a tombstone");
        assertEquals(List.of(), log.replay().subjects("", true));
        assertEquals(SchemaRegistryException.SUBJECT_NOT_FOUND, code(() -> store.deleteSubject("p-value", false)));
    }

    @Test
    void readOnlyModeRefusesRegistrationAndDeletion() {
        MemoryLog log = new MemoryLog();
        SchemaStore store = new SchemaStore(log);
        store.register("m-value", V1);
        assertEquals("READONLY", store.set(Setting.MODE, null, "readonly"));
        assertEquals(SchemaStore.OPERATION_NOT_PERMITTED, code(() -> store.register("m-value", V2)));
        assertEquals(SchemaStore.OPERATION_NOT_PERMITTED, code(() -> store.deleteSubject("m-value", false)));
        store.set(Setting.MODE, "m-value", "READWRITE");
        assertEquals(2, store.register("m-value", V2).version(), "the subject's mode overrides the global one");
        assertEquals(SchemaStore.OPERATION_NOT_PERMITTED, code(() -> store.register("other-value", V1)));
        assertEquals(Setting.MODE.invalid, code(() -> store.set(Setting.MODE, null, "IMPORT")));
        assertEquals("READONLY", log.replay().get(Setting.MODE, null, false), "modes survive a restart");
        assertEquals("READWRITE", store.delete(Setting.MODE, "m-value"));
        assertEquals(Setting.MODE.notConfigured, code(() -> store.get(Setting.MODE, "m-value", false)));
        assertEquals("READONLY", store.get(Setting.MODE, "m-value", true));
    }

    @Test
    void subjectLevelCompatibilityIsItsOwnUnlessDefaultToGlobal() {
        SchemaStore store = new SchemaStore(new MemoryLog());
        store.register("c-value", V1);
        assertEquals(
                Setting.COMPATIBILITY.notConfigured, code(() -> store.get(Setting.COMPATIBILITY, "c-value", false)));
        assertEquals("BACKWARD", store.get(Setting.COMPATIBILITY, "c-value", true));
        assertEquals("FULL", store.set(Setting.COMPATIBILITY, "c-value", "full"));
        assertEquals("FULL", store.get(Setting.COMPATIBILITY, "c-value", false));
        assertEquals("FULL", store.delete(Setting.COMPATIBILITY, "c-value"));
        assertEquals("BACKWARD", store.get(Setting.COMPATIBILITY, "c-value", true));
        assertEquals(Setting.COMPATIBILITY.invalid, code(() -> store.set(Setting.COMPATIBILITY, null, "SIDEWAYS")));
    }

    @Test
    void settingsAnswerWithConfluentsCodes() {
        assertEquals(
                List.of(40408, 42203), List.of(Setting.COMPATIBILITY.notConfigured, Setting.COMPATIBILITY.invalid));
        assertEquals(List.of(40409, 42204), List.of(Setting.MODE.notConfigured, Setting.MODE.invalid));
    }

    private static List<Integer> versions(List<SchemaStore.Version> versions) {
        return versions.stream().map(SchemaStore.Version::version).toList();
    }

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
        assertEquals(List.of(), store.subjects("", false));
    }
}
