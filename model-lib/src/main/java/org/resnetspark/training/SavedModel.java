package org.resnetspark.training;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.resnetspark.data.BadInputException;
import org.resnetspark.data.HadoopFileSystems;
import org.resnetspark.data.Normalization;

/**
 * A model.zip or checkpoint as train writes it: the network and the input normalisation its
 * weights expect (absent in a zip some other program wrote).
 */
public record SavedModel(ComputationGraph net, Normalization normalization) {

    /**
     * Reads {@code uri} (a Hadoop URI or a local path) without its updater state; a file that is
     * not such a model is a {@link BadInputException} naming it, ending with {@code whatToDo}.
     */
    public static SavedModel read(String uri, Configuration hadoop, String whatToDo) throws IOException {
        Path path = HadoopFileSystems.pathOf(uri);
        try (var in = HadoopFileSystems.of(path, hadoop).open(path)) {
            var restored = ModelSerializer.restoreComputationGraphAndNormalizer(in, false);
            return new SavedModel(restored.getFirst(),
                    restored.getSecond() instanceof Normalization saved ? saved : null);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(uri + " is not a readable model (truncated, or not a model.zip or checkpoint "
                    + "this program wrote): " + e.getMessage() + ". " + whatToDo, e);
        }
    }
}
