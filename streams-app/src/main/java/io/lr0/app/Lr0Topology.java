package io.lr0.app;

import io.lr0.degrade.DegradeStage;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/** The whole lr0 topology, built by a pure function of the configuration (tests drive it with TopologyTestDriver). */
public final class Lr0Topology {
    private Lr0Topology() {
    }

    public static Topology build(Lr0Config config, Lr0Serdes serdes) {
        StreamsBuilder builder = new StreamsBuilder();
        // images -> image-variants: the LR0.FM degradation protocol.
        DegradeStage.addTo(builder, config, serdes);
        return builder.build();
    }
}
