package io.lr0.producers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The variables of a MATLAB 5 (level 5 MAT) file, the format of the label files Flowers-102, Stanford Cars and the
 * ImageNet devkit publish: numeric, character, cell and struct arrays, compressed or not, either byte order. Sparse
 * and object arrays are refused with the variable's name. (MATLAB 7.3 files are HDF5 and refused as such.)
 */
public final class MatFile {
    /** One array: its dimensions, and what it holds. */
    public sealed interface Value permits Numeric, Chars, Cell, Struct {
        int[] dims();
    }

    /** A numeric or logical array, column-major, as doubles (every value the label files hold fits). */
    public record Numeric(int[] dims, double[] values) implements Value {}

    /** A character array: its rows, each a string. */
    public record Chars(int[] dims, List<String> rows) implements Value {
        /** The text of a one-row array (a MATLAB string). */
        public String text() {
            return rows.isEmpty() ? "" : rows.get(0);
        }
    }

    /** A cell array, column-major. */
    public record Cell(int[] dims, List<Value> cells) implements Value {}

    /** A struct array: its field names and, column-major, each element's fields. */
    public record Struct(int[] dims, List<String> fields, List<Map<String, Value>> elements) implements Value {}

    private static final int MI_INT8 = 1;
    private static final int MI_UINT8 = 2;
    private static final int MI_INT16 = 3;
    private static final int MI_UINT16 = 4;
    private static final int MI_INT32 = 5;
    private static final int MI_UINT32 = 6;
    private static final int MI_SINGLE = 7;
    private static final int MI_DOUBLE = 9;
    private static final int MI_INT64 = 12;
    private static final int MI_UINT64 = 13;
    private static final int MI_MATRIX = 14;
    private static final int MI_COMPRESSED = 15;
    private static final int MI_UTF8 = 16;
    private static final int MI_UTF16 = 17;

    private static final int MX_CELL = 1;
    private static final int MX_STRUCT = 2;
    private static final int MX_CHAR = 4;
    private static final int HEADER_BYTES = 128;

    private final String where;

    private MatFile(String where) {
        this.where = where;
    }

    /** The file's variables by name, in file order. */
    public static Map<String, Value> read(Path file) throws IOException {
        return read(Files.readAllBytes(file), file.toString());
    }

    static Map<String, Value> read(byte[] bytes, String where) throws IOException {
        if (bytes.length < HEADER_BYTES) {
            throw new IOException(
                    where + " is not a MATLAB 5 file: " + bytes.length + " bytes, shorter than its header");
        }
        String text = new String(bytes, 0, 116, StandardCharsets.ISO_8859_1);
        if (text.startsWith("MATLAB 7.3") || text.contains("HDF5")) {
            throw new IOException(where + " is a MATLAB 7.3 (HDF5) file; save it with -v7 or earlier");
        }
        if (!text.startsWith("MATLAB 5.0 MAT-file")) {
            throw new IOException(where + " is not a MATLAB 5 MAT-file (its header does not say so)");
        }
        ByteOrder order;
        if (bytes[126] == 'I' && bytes[127] == 'M') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (bytes[126] == 'M' && bytes[127] == 'I') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new IOException(where + ": no byte-order mark (IM or MI) at byte 126");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order);
        buffer.position(HEADER_BYTES);
        MatFile reader = new MatFile(where);
        Map<String, Value> variables = new LinkedHashMap<>();
        while (buffer.remaining() >= 8) {
            reader.topLevel(buffer, variables);
        }
        return variables;
    }

    /** One top-level element: a matrix, or a compressed one. */
    private void topLevel(ByteBuffer buffer, Map<String, Value> variables) throws IOException {
        Element element = element(buffer);
        if (element.type == MI_COMPRESSED) {
            ByteBuffer inflated = ByteBuffer.wrap(inflate(element.data)).order(buffer.order());
            topLevel(inflated, variables);
            return;
        }
        if (element.type != MI_MATRIX) {
            throw new IOException(where + ": a top-level element of type " + element.type + ", not a matrix");
        }
        NamedValue named = matrix(element.data);
        variables.put(named.name, named.value);
    }

    private record Element(int type, ByteBuffer data) {}

    private record NamedValue(String name, Value value) {}

    /** Reads one tag and its data, moving past the padding to the next 8-byte boundary. */
    private Element element(ByteBuffer buffer) throws IOException {
        int first = buffer.getInt();
        int type;
        int length;
        if ((first >>> 16) != 0) {
            // Small data element: type and length share the first word, the data the second.
            type = first & 0xFFFF;
            length = first >>> 16;
            ByteBuffer data = slice(buffer, buffer.position(), length);
            buffer.position(buffer.position() + 4);
            return new Element(type, data);
        }
        type = first;
        length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new IOException(where + ": an element of " + Integer.toUnsignedString(length) + " bytes where "
                    + buffer.remaining() + " remain (a cut file?)");
        }
        ByteBuffer data = slice(buffer, buffer.position(), length);
        int padded = type == MI_COMPRESSED ? length : (length + 7) & ~7;
        buffer.position(Math.min(buffer.limit(), buffer.position() + padded));
        return new Element(type, data);
    }

    private static ByteBuffer slice(ByteBuffer buffer, int from, int length) {
        ByteBuffer copy = buffer.duplicate();
        copy.position(from).limit(from + length);
        return copy.slice().order(buffer.order());
    }

    private byte[] inflate(ByteBuffer data) throws IOException {
        byte[] input = new byte[data.remaining()];
        data.duplicate().get(input);
        Inflater inflater = new Inflater();
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length * 4);
        byte[] chunk = new byte[64 * 1024];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(chunk, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IOException(where + ": a compressed element does not inflate: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        return out.toByteArray();
    }

    /** A matrix element's content: flags, dimensions, name, then the class's own data (none: an empty array). */
    private NamedValue matrix(ByteBuffer data) throws IOException {
        if (!data.hasRemaining()) {
            return new NamedValue("", new Numeric(new int[] {0, 0}, new double[0]));
        }
        Element flags = element(data);
        int arrayClass = flags.data.getInt(0) & 0xFF;
        boolean complex = (flags.data.getInt(0) & 0x0800) != 0;
        int[] dims = ints(element(data));
        String name = text(element(data));
        Value value = switch (arrayClass) {
            case MX_CELL -> {
                List<Value> cells = new ArrayList<>();
                for (int i = 0; i < count(dims); i++) {
                    cells.add(child(data, name));
                }
                yield new Cell(dims, cells);
            }
            case MX_STRUCT -> struct(data, dims, name);
            case MX_CHAR -> chars(element(data), dims);
            case 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 -> {
                double[] values = numbers(element(data));
                if (complex && data.hasRemaining()) {
                    element(data); // the imaginary part: no label file has one, and labels are real.
                }
                yield new Numeric(dims, values);
            }
            default ->
                throw new IOException(where + ": variable '" + name + "' is of MATLAB class " + arrayClass
                        + " (sparse or object), which lr0 does not read");
        };
        return new NamedValue(name, value);
    }

    private Value child(ByteBuffer data, String parent) throws IOException {
        Element element = element(data);
        if (element.type != MI_MATRIX) {
            throw new IOException(
                    where + ": an element of '" + parent + "' is of type " + element.type + ", not a matrix");
        }
        return matrix(element.data).value;
    }

    private Struct struct(ByteBuffer data, int[] dims, String name) throws IOException {
        int nameLength = ints(element(data))[0];
        ByteBuffer names = element(data).data;
        List<String> fields = new ArrayList<>();
        for (int offset = 0; offset + nameLength <= names.limit(); offset += nameLength) {
            byte[] raw = new byte[nameLength];
            names.get(offset, raw);
            int end = 0;
            while (end < raw.length && raw[end] != 0) {
                end++;
            }
            fields.add(new String(raw, 0, end, StandardCharsets.US_ASCII));
        }
        List<Map<String, Value>> elements = new ArrayList<>();
        for (int i = 0; i < count(dims); i++) {
            Map<String, Value> element = new LinkedHashMap<>();
            for (String field : fields) {
                element.put(field, child(data, name + "." + field));
            }
            elements.add(element);
        }
        return new Struct(dims, fields, elements);
    }

    private Chars chars(Element element, int[] dims) throws IOException {
        String all = switch (element.type) {
            case MI_UTF8, MI_INT8, MI_UINT8 -> {
                byte[] raw = new byte[element.data.remaining()];
                element.data.duplicate().get(raw);
                yield new String(raw, element.type == MI_UTF8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            }
            case MI_UINT16, MI_UTF16 -> {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i + 1 < element.data.limit(); i += 2) {
                    text.append(element.data.getChar(i));
                }
                yield text.toString();
            }
            default -> throw new IOException(where + ": characters stored as type " + element.type);
        };
        // Column-major: row r is every rows-th character from r.
        int rows = dims.length > 0 ? dims[0] : 0;
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            StringBuilder row = new StringBuilder();
            for (int i = r; i < all.length(); i += rows) {
                row.append(all.charAt(i));
            }
            lines.add(row.toString());
        }
        return new Chars(dims, lines);
    }

    private static int count(int[] dims) {
        int count = 1;
        for (int dim : dims) {
            count *= dim;
        }
        return count;
    }

    private int[] ints(Element element) throws IOException {
        double[] values = numbers(element);
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = (int) values[i];
        }
        return ints;
    }

    private static String text(Element element) {
        byte[] raw = new byte[element.data.remaining()];
        element.data.duplicate().get(raw);
        return new String(raw, StandardCharsets.US_ASCII);
    }

    private double[] numbers(Element element) throws IOException {
        ByteBuffer data = element.data;
        int size = switch (element.type) {
            case MI_INT8, MI_UINT8 -> 1;
            case MI_INT16, MI_UINT16 -> 2;
            case MI_INT32, MI_UINT32, MI_SINGLE -> 4;
            case MI_DOUBLE, MI_INT64, MI_UINT64 -> 8;
            default -> throw new IOException(where + ": numbers stored as type " + element.type);
        };
        double[] values = new double[data.limit() / size];
        for (int i = 0; i < values.length; i++) {
            int at = i * size;
            values[i] = switch (element.type) {
                case MI_INT8 -> data.get(at);
                case MI_UINT8 -> data.get(at) & 0xFF;
                case MI_INT16 -> data.getShort(at);
                case MI_UINT16 -> data.getChar(at);
                case MI_INT32 -> data.getInt(at);
                case MI_UINT32 -> Integer.toUnsignedLong(data.getInt(at));
                case MI_SINGLE -> data.getFloat(at);
                case MI_DOUBLE -> data.getDouble(at);
                default -> data.getLong(at);
            };
        }
        return values;
    }
}
