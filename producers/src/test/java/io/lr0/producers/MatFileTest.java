package io.lr0.producers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads MAT-files written by scipy (tools/datasets/mat_fixtures.py), in the published label files' shapes. */
class MatFileTest {

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = MatFileTest.class.getResourceAsStream("/io/lr0/producers/lr0fm/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Map<String, MatFile.Value> read(String name) throws IOException {
        return MatFile.read(fixture(name), name);
    }

    @Test
    void numericRowVectorsCompressedOrNot() throws IOException {
        MatFile.Numeric labels = assertInstanceOf(
                MatFile.Numeric.class, read("flowers-imagelabels.mat").get("labels"));
        assertArrayEquals(new int[] {1, 6}, labels.dims());
        assertArrayEquals(new double[] {1, 2, 102, 2, 1, 102}, labels.values());

        Map<String, MatFile.Value> setid = read("flowers-setid.mat");
        assertEquals(List.of("trnid", "valid", "tstid"), List.copyOf(setid.keySet()));
        assertArrayEquals(new double[] {4, 5, 6}, ((MatFile.Numeric) setid.get("tstid")).values());
        assertArrayEquals(new double[] {3}, ((MatFile.Numeric) setid.get("valid")).values());
    }

    @Test
    void cellsOfStringsAndStructArrays() throws IOException {
        MatFile.Cell names =
                assertInstanceOf(MatFile.Cell.class, read("cars_meta.mat").get("class_names"));
        assertEquals(
                List.of("AM General Hummer SUV 2000", "Acura RL Sedan 2012", "Ram C/V Cargo Van Minivan 2012"),
                names.cells().stream()
                        .map(cell -> ((MatFile.Chars) cell).text())
                        .toList());

        MatFile.Struct annotations = assertInstanceOf(
                MatFile.Struct.class, read("cars_test_annos_withlabels.mat").get("annotations"));
        assertEquals(List.of("bbox_x1", "bbox_y1", "bbox_x2", "bbox_y2", "class", "fname"), annotations.fields());
        assertEquals(3, annotations.elements().size());
        Map<String, MatFile.Value> second = annotations.elements().get(1);
        assertArrayEquals(new double[] {3}, ((MatFile.Numeric) second.get("class")).values(), "uint8 class");
        assertArrayEquals(new double[] {246}, ((MatFile.Numeric) second.get("bbox_x2")).values(), "uint16");
        assertEquals("00002.jpg", ((MatFile.Chars) second.get("fname")).text());
    }

    @Test
    void theImagenetDevkitsSynsetsWithEmptyAndNestedFields() throws IOException {
        MatFile.Struct synsets =
                assertInstanceOf(MatFile.Struct.class, read("imagenet-meta.mat").get("synsets"));
        assertArrayEquals(new int[] {5, 1}, synsets.dims());
        assertEquals("n02119789", ((MatFile.Chars) synsets.elements().get(0).get("WNID")).text());
        assertEquals(
                "kit fox, Vulpes macrotis",
                ((MatFile.Chars) synsets.elements().get(0).get("words")).text());
        assertEquals(0, ((MatFile.Numeric) synsets.elements().get(0).get("children")).values().length, "empty");
        assertArrayEquals(
                new double[] {2, 3},
                ((MatFile.Numeric) synsets.elements().get(4).get("children")).values());
    }

    @Test
    void whatIsNotALevel5FileIsNamed() throws IOException {
        byte[] hdf5 = Arrays.copyOf("MATLAB 7.3 MAT-file, HDF5 schema".getBytes(StandardCharsets.US_ASCII), 200);
        assertTrue(assertThrows(IOException.class, () -> MatFile.read(hdf5, "v73.mat"))
                .getMessage()
                .contains("v73.mat is a MATLAB 7.3 (HDF5) file"));
        assertTrue(assertThrows(IOException.class, () -> MatFile.read(new byte[10], "tiny.mat"))
                .getMessage()
                .contains("tiny.mat is not a MATLAB 5 file"));
        byte[] cut = fixture("flowers-setid.mat");
        assertTrue(assertThrows(IOException.class, () -> MatFile.read(Arrays.copyOf(cut, cut.length - 20), "cut.mat"))
                .getMessage()
                .contains("cut.mat: an element of"));
    }
}
