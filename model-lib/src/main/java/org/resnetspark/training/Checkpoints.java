package org.resnetspark.training;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

/**
 * Checkpoints under a run's {@code checkpoints/}: {@code epoch-000012.zip} (model, updater state,
 * normaliser) and {@code epoch-000012.json} (epoch, iteration, the trainer's state). The JSON is
 * written after the zip is complete, so a checkpoint counts only when its JSON exists; the last
 * {@code keep} are kept.
 */
public final class Checkpoints {

    /** A complete checkpoint: its epoch, global iteration and the trainer's own state. */
    public record Checkpoint(int epoch, long iteration, TrainerState state, String modelFile) {
    }

    /**
     * What the trainer needs besides the network to go on as if never stopped.
     *
     * @param warmupDone whether the paper's warmup had ended
     * @param seconds    the run's time so far, that of the runs it resumes included
     */
    public record TrainerState(boolean warmupDone, double seconds) {
    }

    /** A checkpoint's JSON file, written after its zip. */
    private record Marker(int epoch, long iteration, TrainerState state) {
    }

    private final RunFolder run;
    private final int keep;

    public Checkpoints(RunFolder run, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("Keep at least one checkpoint, got " + keep);
        }
        this.run = run;
        this.keep = keep;
    }

    public void save(int epoch, long iteration, TrainerState state, ComputationGraph net,
                     DataNormalization normalization) throws IOException {
        String name = String.format("%s/epoch-%06d", RunFolder.CHECKPOINTS, epoch);
        run.writeAtomically(name + ".zip", out -> ModelSerializer.writeModel(net, out, true, normalization));
        run.writeString(name + ".json", RunJson.pretty(new Marker(epoch, iteration, state)));
        prune();
    }

    /** Complete checkpoints, oldest first. */
    public List<Checkpoint> list() throws IOException {
        List<Checkpoint> complete = new ArrayList<>();
        List<String> names = run.list(RunFolder.CHECKPOINTS);
        for (String name : names) {
            if (!name.startsWith("epoch-") || !name.endsWith(".json") || !names.contains(name.replace(".json", ".zip"))) {
                continue;
            }
            Marker marker = RunJson.read(run.readString(RunFolder.CHECKPOINTS + "/" + name), Marker.class);
            TrainerState state = marker.state() != null ? marker.state() : new TrainerState(false, 0);
            complete.add(new Checkpoint(marker.epoch(), marker.iteration(), state,
                    RunFolder.CHECKPOINTS + "/" + name.replace(".json", ".zip")));
        }
        return complete;
    }

    public Optional<Checkpoint> latest() throws IOException {
        List<Checkpoint> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Loads a checkpoint's network with its updater state. */
    public ComputationGraph loadModel(Checkpoint checkpoint) throws IOException {
        try (var in = run.fileSystem().open(run.resolve(checkpoint.modelFile()))) {
            return ModelSerializer.restoreComputationGraph(in, true);
        }
    }

    private void prune() throws IOException {
        List<Checkpoint> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            String zip = all.get(i).modelFile();
            run.delete(zip.replace(".zip", ".json"));   // first the marker, so a half-pruned one never counts
            run.delete(zip);
        }
    }
}
