package org.resnetspark.jobs;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.resnetspark.data.HadoopDeadlines;
import org.resnetspark.experiments.RunSummary;
import org.resnetspark.experiments.Sweep;
import org.resnetspark.training.Checkpoints;
import org.resnetspark.training.RunFolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs every point of a sweep file as a training run, skipping finished points and resuming partial ones. */
@Command(name = "sweep", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Train every combination of a sweep file's axes into its own run folder under --out, "
                + "then write report.html, report.csv and report.md there.",
                "Finished points are skipped and partial ones resumed, so a stopped sweep is simply started again.",
                "A sweep file (YAML or JSON): name, base (train options without --), axes (lists of values); "
                        + "see experiments/."})
final class SweepCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SWEEP_FILE", description = "The sweep file (YAML or JSON).")
    Path file;

    @Option(names = "--out", paramLabel = "URI", description = "Folder of the sweep's runs (default: runs/<sweep name>).")
    String out;

    @Option(names = "--dry-run", description = "Print each point's train command and state, run nothing.")
    boolean dryRun;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Sweep file " + file + " not found");
        }
        Sweep sweep = Sweep.parse(Files.readString(file), file.toString());
        Configuration hadoop = HadoopDeadlines.configuration();
        RunFolder root = new RunFolder(out != null ? out : "runs/" + sweep.name(), hadoop);
        List<Sweep.Point> points = sweep.points();
        for (Sweep.Point point : points) {
            checkOptions(sweep, point, root.resolve(point.folder()).toString());
        }
        root.writeString(RunFolder.SWEEP, sweep.toJson());
        console.printf("sweep %s: %d points into %s%n", sweep.name(), points.size(), root.root());

        List<String> failed = new ArrayList<>();
        int worstCode = 0;
        int done = 0;
        for (Sweep.Point point : points) {
            done++;
            String uri = root.resolve(point.folder()).toString();
            RunFolder run = new RunFolder(uri, hadoop);
            String state = state(run);
            List<String> arguments = new ArrayList<>();
            if (sweep.byPyTorch(point)) {
                arguments.addAll(PyTorchPoint.command(sweep, point, uri));   // no resume: a partial run starts again
            } else {
                arguments.add("train");
                arguments.addAll(sweep.trainArguments(point, uri));
                if (state.equals("partial")) {
                    arguments.add("--resume");
                }
            }
            console.printf("[%d/%d] %s: %s%n", done, points.size(), point.folder(),
                    state.equals("finished") ? "finished, skipped" : (state.equals("partial") ? "resuming: " : "running: ")
                            + String.join(" ", arguments));
            console.flush();
            if (dryRun || state.equals("finished")) {
                continue;
            }
            int code = sweep.byPyTorch(point) ? PyTorchPoint.run(arguments, console) : Main.run(arguments.toArray(String[]::new));
            if (code != 0) {
                failed.add(point.folder() + " (exit " + code + ")");
                worstCode = Math.max(worstCode, code);
            }
        }
        if (!dryRun) {
            ReportCommand.writeReport(sweep.heading(), List.of(root.root().toString()), root, hadoop, console);
        }
        console.flush();
        if (!failed.isEmpty()) {
            // The points' own errors are above; the sweep ends with the exit code of the worst kind.
            spec.commandLine().getErr().println("Error: " + failed.size() + " of " + points.size() + " points failed: "
                    + failed + "; fix the cause and run the sweep again (finished points are kept)");
            return worstCode;
        }
        return 0;
    }

    /**
     * A point's options, parsed as train parses them (or as train-pytorch.py takes them): a typo in the
     * sweep file stops it before any run.
     */
    private void checkOptions(Sweep sweep, Sweep.Point point, String uri) {
        if (sweep.byPyTorch(point)) {
            try {
                PyTorchPoint.command(sweep, point, uri);
                return;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ", " + e.getMessage());
            }
        }
        if (!sweep.trainer(point).equals("train-job")) {
            throw new IllegalArgumentException(file + ", point " + point.folder() + ": trainer '" + sweep.trainer(point)
                    + "' is not known; use train-job (the default) or pytorch");
        }
        List<String> arguments = new ArrayList<>(List.of("train"));
        arguments.addAll(sweep.trainArguments(point, uri));
        try {
            new CommandLine(new Main()).parseArgs(arguments.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(file + ", point " + point.folder() + ": " + e.getMessage()
                    + ". Fix the sweep file's base or axes (train --help lists the options).");
        }
    }

    /** finished (run.json says so), partial (a run.json or checkpoints: continued with --resume), or new. */
    static String state(RunFolder run) throws java.io.IOException {
        if (run.exists(RunFolder.RUN) && RunSummary.read(run.root().toString(), run.fileSystem().getConf()).status().equals("finished")) {
            return "finished";
        }
        return run.exists(RunFolder.RUN) || new Checkpoints(run, 1).latest().isPresent() ? "partial" : "new";
    }
}
