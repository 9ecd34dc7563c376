package org.resnetspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.resnetspark.data.HadoopDeadlines;
import org.resnetspark.experiments.RunSummary;
import org.resnetspark.experiments.ScalingModel;
import org.resnetspark.models.ModelSummary;
import org.resnetspark.training.EpochMetrics;
import org.resnetspark.training.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The scaling model's table: the cost of an averaging round measured from training runs that differ
 * only in their averaging frequency, each network's step time from the benchmark, and from them the
 * scaling efficiency at more workers than this machine has.
 */
@Command(name = "scaling-model", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Predict the scaling efficiency of parameter averaging at more workers and another network bandwidth, "
                + "from measured parts (see ScalingModel for the assumptions).",
                "ROUNDS: run folders (or a sweep's folder, e.g. experiments/averaging-cost.yaml run on a standalone cluster) "
                        + "of the same network, workers and batch trained at two or more averaging frequencies: their last epochs' "
                        + "times give one round's cost and one step's; a third frequency checks the prediction. Two networks "
                        + "of different sizes split the round into a fixed part and a part per byte.",
                "--benchmarks: `benchmark --json` lines, one per network to model, at the batch per worker to model."})
final class ScalingModelCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "ROUNDS", description = "Run folders, or folders of runs, of the round measurement.")
    List<String> rounds;

    @Option(names = "--benchmarks", required = true, paramLabel = "FILE", description = "`benchmark --json` output lines.")
    Path benchmarks;

    @Option(names = "--bandwidth", defaultValue = "10", paramLabel = "GBIT_S", description = "Network bandwidth, Gbit/s.")
    double bandwidthGbits;

    @Option(names = "--workers", split = ",", defaultValue = "2,8,32,128", description = "Workers to predict.")
    List<Integer> workers;

    @Option(names = "--frequencies", split = ",", defaultValue = "1,5,20", description = "Averaging frequencies to predict.")
    List<Integer> frequencies;

    @Option(names = "--epoch-images", defaultValue = "50000", description = "Images per epoch (CIFAR-10's training set).")
    long epochImages;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the Markdown here.")
    Path out;

    @Spec
    CommandSpec spec;

    /** A measured round: the network, its floats per round, and the seconds of a round and of a step. */
    record MeasuredRound(String run, String model, long floats, double roundSeconds, double stepSeconds, String check) {
    }

    @Override
    public Integer call() throws Exception {
        Configuration hadoop = HadoopDeadlines.configuration();
        List<MeasuredRound> measured = measureRounds(ReportCommand.readRuns(rounds, hadoop, spec.commandLine().getOut()));
        MeasuredRound small = measured.get(0);
        MeasuredRound large = measured.get(measured.size() - 1);
        ScalingModel.RoundCost cost = small.floats() == large.floats()
                ? new ScalingModel.RoundCost(small.roundSeconds(), 0)
                : ScalingModel.RoundCost.fit(4.0 * small.floats(), small.roundSeconds(), 4.0 * large.floats(), large.roundSeconds());

        StringBuilder md = new StringBuilder();
        md.append("Measured rounds (ROUNDS):\n\n| runs | network | MB per round | round (s) | step (s) | check |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
        for (MeasuredRound m : measured) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.3f | %.3f | %s |%n", m.run(), m.model(), 4.0 * m.floats() / 1e6,
                    m.roundSeconds(), m.stepSeconds(), m.check()));
        }
        md.append(String.format(Locale.ROOT, "%nRound cost besides the network: %.3f s + %.2f ns per byte%s.%n%n", cost.fixedSeconds(),
                cost.secondsPerByte() * 1e9, small.floats() == large.floats() ? " (one network measured: no per-byte part)" : ""));
        md.append(String.format(Locale.ROOT, "Scaling efficiency at %.0f Gbit/s, %,d images per epoch (ideal = 100%%):%n%n",
                bandwidthGbits, epochImages));
        md.append("| network | batch per worker | step (s) | MB per round | averaging frequency |");
        workers.forEach(w -> md.append(' ').append(w).append(" workers |"));
        md.append("\n| --- | --- | --- | --- | --- |");
        workers.forEach(w -> md.append(" --- |"));
        md.append('\n');
        for (JsonNode benchmark : benchmarkLines()) {
            String model = benchmark.get("model").asText();
            ModelSummary summary = ModelSummary.of(model);
            ScalingModel scaling = new ScalingModel(model,
                    ScalingModel.floatsPerRound(summary.trainableParameters(), summary.batchNormParameters()),
                    benchmark.get("batch").asInt(), benchmark.get("ms_per_iteration").asDouble() / 1000, cost, epochImages);
            for (int frequency : frequencies) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.1f | %d |", model, scaling.batchPerWorker(),
                        scaling.stepSeconds(), scaling.bytesPerRound() / 1e6, frequency));
                for (int w : workers) {
                    md.append(String.format(Locale.ROOT, " %.0f%% |", 100 * scaling.efficiency(w, frequency, bandwidthGbits * 1e9)));
                }
                md.append('\n');
            }
        }
        PrintWriter console = spec.commandLine().getOut();
        console.print(md);
        console.flush();
        if (out != null) {
            Files.writeString(out, md.toString());
        }
        return 0;
    }

    /**
     * Per network, workers and batch: the round and step seconds solved from the lowest and highest
     * averaging frequency (an epoch is steps x step + rounds x round), and the prediction for any
     * frequency between, against its measurement. Smallest network first.
     */
    private static List<MeasuredRound> measureRounds(List<RunSummary> runs) {
        Map<String, List<RunSummary>> groups = new TreeMap<>();
        for (RunSummary run : runs) {
            if (run.epochs().isEmpty()) {
                continue;
            }
            groups.computeIfAbsent(run.model() + " x" + run.setup().workers() + " b" + run.setup().batchPerWorker(),
                    key -> new ArrayList<>()).add(run);
        }
        List<MeasuredRound> measured = new ArrayList<>();
        for (List<RunSummary> group : groups.values()) {
            group.sort((a, b) -> Integer.compare(a.setup().averagingFrequency(), b.setup().averagingFrequency()));
            RunSummary frequent = group.get(0);
            RunSummary rare = group.get(group.size() - 1);
            if (frequent.setup().averagingFrequency() == rare.setup().averagingFrequency()) {
                continue;
            }
            double steps = stepsOfLastEpoch(frequent);
            double round = (seconds(frequent) - seconds(rare)) / (rounds(frequent) - rounds(rare));
            double step = (seconds(rare) - rounds(rare) * round) / steps;
            StringBuilder check = new StringBuilder();
            for (RunSummary between : group.subList(1, group.size() - 1)) {
                double predicted = steps * step + rounds(between) * round;
                check.append(String.format(Locale.ROOT, "frequency %d: %.1f s predicted, %.1f s measured (%+.0f%%) ",
                        between.setup().averagingFrequency(), predicted, seconds(between), 100 * (predicted / seconds(between) - 1)));
            }
            ModelSummary summary = ModelSummary.of(frequent.model());
            measured.add(new MeasuredRound(frequent.name() + " .. " + rare.name(), frequent.model(),
                    ScalingModel.floatsPerRound(summary.trainableParameters(), summary.batchNormParameters()), round, step,
                    check.toString().strip()));
        }
        if (measured.isEmpty()) {
            throw new IllegalArgumentException("No network in " + runs.stream().map(RunSummary::name).toList()
                    + " was trained at two averaging frequencies with the same workers and batch: run experiments/averaging-cost.yaml");
        }
        measured.sort((a, b) -> Long.compare(a.floats(), b.floats()));
        return measured;
    }

    private static EpochMetrics lastEpoch(RunSummary run) {
        return run.epochs().get(run.epochs().size() - 1);
    }

    private static double seconds(RunSummary run) {
        return lastEpoch(run).seconds();
    }

    /** Global steps of the last epoch: the iterations since the epoch before (or since the start). */
    private static double stepsOfLastEpoch(RunSummary run) {
        List<EpochMetrics> epochs = run.epochs();
        long before = epochs.size() > 1 ? epochs.get(epochs.size() - 2).iteration() : 0;
        return lastEpoch(run).iteration() - before;
    }

    private static double rounds(RunSummary run) {
        return Math.ceil(stepsOfLastEpoch(run) / run.setup().averagingFrequency());
    }

    private List<JsonNode> benchmarkLines() throws java.io.IOException {
        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(benchmarks)) {
            if (line.strip().startsWith("{")) {
                JsonNode node = json.readTree(line);
                if (node.has("model") && node.has("batch") && node.has("ms_per_iteration")) {
                    lines.add(node);
                }
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(benchmarks + " holds no `benchmark --json` line (model, batch, ms_per_iteration)");
        }
        return lines;
    }
}
