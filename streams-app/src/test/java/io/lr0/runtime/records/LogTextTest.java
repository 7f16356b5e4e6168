package io.lr0.runtime.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void controlCharactersAreEscapedSoNoRecordForgesALogLine() {
        assertEquals(
                "Bag\\n12:00:00.000 ERROR Lr0App - forged\\r\\t\\u0000",
                LogText.of("Bag\n12:00:00.000 ERROR Lr0App - forged\r\t\0"));
        assertEquals("T-shirt/top", LogText.of("T-shirt/top"));
        assertEquals("null", LogText.of(null));
    }

    @Test
    void terminalEscapesAndLineSeparatorsAreEscapedAndCommandOutputIsNotCut() {
        assertEquals(
                "key\\u001b[31mred\\u001b]0;title\\u0007\\u2028next",
                LogText.escaped("key\u001b[31mred\u001b]0;title\u0007\u2028next"));
        assertEquals(300_000, LogText.escaped("y".repeat(300_000)).length());
    }

    @Test
    void longTextIsCutWithItsLengthSaid() {
        assertEquals("y".repeat(120) + "... (300000 characters)", LogText.of("y".repeat(300_000)));
    }
}
