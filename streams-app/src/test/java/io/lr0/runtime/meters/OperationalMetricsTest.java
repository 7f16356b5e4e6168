package io.lr0.runtime.meters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Kafka's client metrics that Prometheus cannot take twice are kept once, quietly; lr0's own are never touched. */
class OperationalMetricsTest {
    @Test
    void theSecondKafkaMeterOfANameIsDeniedAndLr0sAreKept() {
        MeterRegistry registry = OperationalMetrics.prometheus().registry();
        AtomicInteger value = new AtomicInteger(1);
        registry.gauge("kafka.consumer.fetch.size.avg", Tags.of("client.id", "c", "topic", "images"), value);
        Meter.Id aggregate = fetchSize(Tags.of("client.id", "c"));
        Meter.Id sameAgain = fetchSize(Tags.of("client.id", "c", "topic", "images"));
        Meter.Id otherTopic = fetchSize(Tags.of("client.id", "c", "topic", "predictions"));
        assertTrue(OperationalMetrics.isSecondKafkaMeterOfItsName(registry, aggregate), "other tag keys");
        assertTrue(OperationalMetrics.isSecondKafkaMeterOfItsName(registry, sameAgain), "the same name and tags");
        assertFalse(OperationalMetrics.isSecondKafkaMeterOfItsName(registry, otherTopic), "another topic's meter");

        registry.gauge("kafka.consumer.fetch.size.avg", Tags.of("client.id", "c"), value);
        assertEquals(1, registry.find("kafka.consumer.fetch.size.avg").meters().size(), "the aggregate denied");

        registry.gauge("lr0.waiting", Tags.of("dataset", "a"), value);
        assertFalse(OperationalMetrics.isSecondKafkaMeterOfItsName(
                registry, new Meter.Id("lr0.waiting", Tags.empty(), null, null, Meter.Type.GAUGE)));
    }

    private static Meter.Id fetchSize(Tags tags) {
        return new Meter.Id("kafka.consumer.fetch.size.avg", tags, null, null, Meter.Type.GAUGE);
    }
}
