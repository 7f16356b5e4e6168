package io.lr0.registry;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * Which writer schemas lr0 decodes: those whose records cost, decoded, a bounded multiple of their bytes, at a
 * bounded depth. A record's content must never be able to exhaust the stack or the heap of whoever reads it, so a
 * writer schema is refused before any body is decoded when
 * <ul>
 *   <li>it is recursive (a record that contains itself: a 200,000-level body would recurse 200,000 frames deep;
 *       lr0's own schemas never are),
 *   <li>it nests deeper than {@link #MAX_DEPTH} (the same, spelled out),
 *   <li>an array's items can take no bytes at all (null, a zero-size fixed, a record of such fields): a 6-byte
 *       body could then declare two billion items. Every other item, and every map entry (its key is a string),
 *       costs at least one byte, and Avro itself checks a string's or bytes' declared length against what is left.
 * </ul>
 */
final class BoundedSchemas {
    /** Deeper than any schema lr0 (BoundedDecodingTest) or a sane producer writes, shallow for any stack. */
    static final int MAX_DEPTH = 64;

    private BoundedSchemas() {}

    /** Why {@code schema} is not decoded, or empty when it may be. */
    static Optional<String> problem(Schema schema) {
        try {
            new Walk().depth(schema, schema.getFullName(), 0);
            return Optional.empty();
        } catch (Refused refused) {
            return Optional.of(refused.getMessage());
        }
    }

    private static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** One pass over a schema; each named record is walked once (a shared type is not walked again per use). */
    private static final class Walk {
        /** The levels below each record walked so far (a leaf is 0 levels, a record of leaves 1). */
        private final Map<Schema, Integer> recordDepths = new IdentityHashMap<>();

        private final Map<Schema, Boolean> onPath = new IdentityHashMap<>();

        /** The levels of {@code schema}, reached at {@code path}, {@code level} levels below the top. */
        int depth(Schema schema, String path, int level) throws Refused {
            if (level > MAX_DEPTH) {
                throw new Refused("the schema nests more than " + MAX_DEPTH + " levels deep (at " + path + ")");
            }
            return switch (schema.getType()) {
                case RECORD -> recordDepth(schema, path, level);
                case ARRAY -> {
                    Schema items = schema.getElementType();
                    int depth = 1 + depth(items, path + "[]", level + 1);
                    if (costsNoBytes(items)) {
                        throw new Refused("array " + path + " has items of type "
                                + items.getType().getName()
                                + " that take no bytes, so a few bytes could declare billions of them");
                    }
                    yield depth;
                }
                case MAP -> 1 + depth(schema.getValueType(), path + "{}", level + 1);
                case UNION -> {
                    int deepest = 0;
                    for (Schema branch : schema.getTypes()) {
                        deepest = Math.max(deepest, depth(branch, path, level));
                    }
                    yield deepest;
                }
                default -> 0;
            };
        }

        private int recordDepth(Schema record, String path, int level) throws Refused {
            Integer known = recordDepths.get(record);
            if (known == null) {
                if (onPath.put(record, true) != null) {
                    throw new Refused("record " + record.getFullName() + " contains itself (at " + path
                            + "): a recursive schema lets a record nest without bound");
                }
                int deepest = 0;
                for (Schema.Field field : record.getFields()) {
                    deepest = Math.max(deepest, depth(field.schema(), path + "." + field.name(), level + 1));
                }
                onPath.remove(record);
                known = 1 + deepest;
                recordDepths.put(record, known);
            }
            if (level + known > MAX_DEPTH) {
                throw new Refused("the schema nests more than " + MAX_DEPTH + " levels deep (at " + path + ")");
            }
            return known;
        }

        /** Whether a value of {@code schema} can be written in zero bytes (the schema is known not recursive). */
        private static boolean costsNoBytes(Schema schema) {
            return switch (schema.getType()) {
                case NULL -> true;
                case FIXED -> schema.getFixedSize() == 0;
                case RECORD -> schema.getFields().stream().allMatch(field -> costsNoBytes(field.schema()));
                default -> false;
            };
        }
    }
}
