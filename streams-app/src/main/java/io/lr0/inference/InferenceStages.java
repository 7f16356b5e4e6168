package io.lr0.inference;

import io.lr0.image.Raster;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.Stage;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * Every model of {@code inference.model} on one stream: each classifies the same variants, from one degradation
 * (and one LIIF), in an {@link InferenceStage} of its own (its lane), and all predictions go to one topic, told
 * apart by their model. A variant waits for a label space until every model can use it.
 */
public final class InferenceStages implements Stage<ImageVariant, Prediction> {
    private final List<InferenceStage> stages = new ArrayList<>();

    /** Refuses two models of one name: their predictions and metrics could not be told apart. */
    public InferenceStages(InferenceSettings settings, List<? extends DualEncoder> models, OperationalMetrics meters) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no model to run");
        }
        Set<String> names = new HashSet<>();
        for (DualEncoder model : models) {
            if (!names.add(model.spec().name())) {
                throw new ConfigException(
                        "inference.model",
                        settings.models(),
                        "two models are named '" + model.spec().name() + "' (model.json's \"name\"): predictions "
                                + "carry the name, so each model of one stream needs its own");
            }
            stages.add(new InferenceStage(settings, model, stages.size(), meters));
        }
    }

    /** The first model's: LIIF up-samples to its input size unless sr.target.size says otherwise. */
    public ModelSpec firstSpec() {
        return stages.get(0).spec();
    }

    /**
     * Whether every model can classify records of a label space now; each is asked (so that all start encoding its
     * prompts at once). Throws {@link io.lr0.image.BadImageException} for a label space one of them can never use.
     */
    public Predicate<DatasetInfo> labelSpaceReady() {
        List<Predicate<DatasetInfo>> each =
                stages.stream().map(InferenceStage::labelSpaceReady).toList();
        return info -> {
            boolean ready = true;
            for (Predicate<DatasetInfo> stage : each) {
                ready &= stage.test(info);
            }
            return ready;
        };
    }

    /** What any of the models refuses on arrival (see {@link InferenceStage#arrivalCheck}). */
    public Consumer<Raster> arrivalCheck() {
        List<Consumer<Raster>> each =
                stages.stream().map(InferenceStage::arrivalCheck).toList();
        return image -> each.forEach(check -> check.accept(image));
    }

    @Override
    public KStream<String, Prediction> addTo(
            StreamsBuilder builder, KStream<String, ImageVariant> variants, StageSerdes serdes) {
        // The same variants to every model; each writes its predictions to the predictions topic.
        KStream<String, Prediction> predictions = stages.get(0).addTo(builder, variants, serdes);
        for (int lane = 1; lane < stages.size(); lane++) {
            predictions = predictions.merge(
                    stages.get(lane).addTo(builder, variants, serdes),
                    Named.as("predictions-of-models-1-to-" + (lane + 1)));
        }
        return predictions;
    }
}
