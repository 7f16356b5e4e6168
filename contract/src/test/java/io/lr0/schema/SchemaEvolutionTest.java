package io.lr0.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Each record's schema as released before reads and is read by the current one (the registry's FULL rule): records
 * already on the topics stay readable, and consumers still on the earlier schema read the new records.
 */
class SchemaEvolutionTest {

    @Test
    void robustnessSummaryGainedWarWeightsCompatibly() throws IOException {
        assertFullyCompatible("RobustnessSummary-1.avsc", RobustnessSummary.getClassSchema());
    }

    @Test
    void predictionGainedSourceAndEntropyCompatibly() throws IOException {
        assertFullyCompatible("Prediction-1.avsc", Prediction.getClassSchema());
    }

    @Test
    void agreementMetricGainedItsWindowCompatibly() throws IOException {
        assertFullyCompatible("AgreementMetric-1.avsc", AgreementMetric.getClassSchema());
    }

    private static void assertFullyCompatible(String previousFile, Schema current) throws IOException {
        Schema previous;
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("previous/" + previousFile)) {
            previous = new Schema.Parser().parse(in);
        }
        assertEquals(
                SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(current, previous)
                        .getType(),
                "the current schema reads records of " + previousFile);
        assertEquals(
                SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(previous, current)
                        .getType(),
                "a reader on " + previousFile + " reads the current records");
    }
}
