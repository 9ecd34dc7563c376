package org.resnetspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.resnetspark.data.BadInputException;
import org.resnetspark.data.HadoopDeadlines;
import org.resnetspark.experiments.Report;
import org.resnetspark.experiments.ReportPage;
import org.resnetspark.experiments.RunSummary;
import org.resnetspark.experiments.Sweep;
import org.resnetspark.training.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Turns run folders (or sweep folders) into report.html, report.csv and report.md. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Compare runs: a self-contained HTML page with charts (loss and error by epoch; test error and time "
                + "per epoch against the depth, batch, workers or averaging frequency a sweep varied) and a CSV and Markdown "
                + "table, with the papers' numbers beside ours."})
final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FOLDER", description = "Run folders, or folders of runs (a sweep's --out).")
    List<String> folders;

    @Option(names = "--out", paramLabel = "URI", description = "Where to write the report (default: the first FOLDER).")
    String out;

    @Option(names = "--title", defaultValue = "ResNet runs", description = "The report's title.")
    String title;

    @Option(names = "--sections", description = "Each FOLDER its own section with its own table and charts, titled by its "
            + "sweep file's title (or the folder's name) with the sweep's note: one question per section.")
    boolean sections;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Configuration hadoop = HadoopDeadlines.configuration();
        RunFolder target = new RunFolder(out != null ? out : folders.get(0), hadoop);
        PrintWriter console = spec.commandLine().getOut();
        if (!sections) {
            writeReport(title, folders, target, hadoop, console);
            return 0;
        }
        List<Report> reports = new ArrayList<>();
        for (String folder : folders) {
            RunFolder sweepFolder = new RunFolder(folder, hadoop);
            Sweep sweep = sweepFolder.exists(RunFolder.SWEEP) ? Sweep.parse(sweepFolder.readString(RunFolder.SWEEP), folder) : null;
            String heading = sweep == null ? sweepFolder.root().getName() : sweep.heading();
            reports.add(new Report(heading, sweep == null ? null : sweep.note(), "s" + (reports.size() + 1) + "-",
                    readRuns(List.of(folder), hadoop, console)));
        }
        ReportPage page = new ReportPage(title, null, reports);
        write(target, page.html(), page.csv(), page.markdown());
        console.printf("report of %d sections: %s (and report.csv, report.md)%n", reports.size(), target.resolve("report.html"));
        console.flush();
        return 0;
    }

    /**
     * Reads every run below {@code folders} and writes the report into {@code target}. A run whose
     * records are damaged is left out with a warning: one bad folder must not cost a sweep its report.
     */
    static void writeReport(String title, List<String> folders, RunFolder target, Configuration hadoop, PrintWriter console)
            throws IOException {
        List<RunSummary> runs = readRuns(folders, hadoop, console);
        Report report = new Report(title, runs);
        write(target, report.html(), report.csv(), report.markdown());
        console.printf("report of %d runs: %s (and report.csv, report.md)%n", runs.size(), target.resolve("report.html"));
        console.flush();
    }

    private static void write(RunFolder target, String html, String csv, String markdown) throws IOException {
        target.writeString("report.html", html);
        target.writeString("report.csv", csv);
        target.writeString("report.md", markdown);
    }

    /** Every readable run below {@code folders}; the damaged ones are named in a warning. */
    static List<RunSummary> readRuns(List<String> folders, Configuration hadoop, PrintWriter console) throws IOException {
        List<String> runFolders = new ArrayList<>();
        for (String folder : folders) {
            RunFolder candidate = new RunFolder(folder, hadoop);
            if (candidate.exists(RunFolder.RUN)) {
                runFolders.add(folder);
                continue;
            }
            for (String child : candidate.list(".")) {
                if (!child.startsWith(".") && candidate.exists(child + "/" + RunFolder.RUN)) {
                    runFolders.add(candidate.resolve(child).toString());
                }
            }
        }
        if (runFolders.isEmpty()) {
            throw new IllegalArgumentException("No run folders (with run.json) in " + folders);
        }
        List<RunSummary> runs = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        for (String folder : runFolders) {
            try {
                runs.add(RunSummary.read(folder, hadoop));
            } catch (BadInputException e) {
                damaged.add(e.getMessage());
            }
        }
        if (runs.isEmpty()) {
            throw new BadInputException("No readable run in " + folders + ": " + String.join(" ", damaged));
        }
        damaged.forEach(message -> console.println("Warning: left out of the report: " + message));
        return runs;
    }
}
