package org.resnetspark.jobs;

import org.resnetspark.runtime.CudaCompatibility;
import org.resnetspark.runtime.NativeRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spark-submit train-job.jar <subcommand> [options]}: the project's command line. */
@Command(name = "train-job.jar",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Train, evaluate and benchmark the CIFAR ResNets on Spark with Deeplearning4j.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, SweepCommand.class, ReportCommand.class, ScalingModelCommand.class, ModelsCommand.class,
                BenchmarkCommand.class, GenerateDataCommand.class, ImportWeightsCommand.class, ExportWeightsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    /** Set to 1 for stack traces with errors, as --verbose does (for a sweep's or a script's runs). */
    static final String DEBUG_VARIABLE = "RESNET_SPARK_DEBUG";

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print the stack trace with an error (or set " + DEBUG_VARIABLE + "=1).")
    boolean verbose = "1".equals(System.getenv(DEBUG_VARIABLE));

    public static void main(String[] args) {
        int code = run(args);
        if (isYarnClusterDriver()) {
            // This main runs in a thread of YARN's ApplicationMaster: System.exit would end it before
            // it reports the application's final status, and YARN would call a success a failure.
            if (code != 0) {
                throw new IllegalStateException("train-job.jar " + String.join(" ", args) + " ended with exit code " + code);
            }
            return;
        }
        System.exit(code);
    }

    private static boolean isYarnClusterDriver() {
        return System.getProperty("spark.master", "").startsWith("yarn")
                && "cluster".equals(System.getProperty("spark.submit.deployMode"));
    }

    /** Runs a subcommand and returns its exit code (see {@link ExitCode}). */
    public static int run(String... args) {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            cmd.getErr().println(errorLine(error, main.verbose));
            if (main.verbose) {
                error.printStackTrace(cmd.getErr());
            }
            return ExitCode.of(error).code;
        });
        try {
            NativeRuntime.configure();
        } catch (CudaCompatibility.UnsupportedGpuException e) {
            commandLine.getErr().println("Error: " + e.getMessage());
            return ExitCode.ENVIRONMENT.code;
        }
        return commandLine.execute(args);
    }

    /**
     * One line: the project's own messages as they are (they name the file or flag and say what to
     * do), anything else with its type; never a Spark job's executor stack trace.
     */
    static String errorLine(Throwable error, boolean verbose) {
        Throwable shown = ExitCode.shown(error);
        boolean ours = shown instanceof IllegalArgumentException || shown instanceof IllegalStateException;
        String text = ours && shown.getMessage() != null ? shown.getMessage() : shown.toString();
        String firstLine = text.lines().findFirst().orElse("").strip();
        boolean hint = !verbose && !ours;
        return "Error: " + firstLine + (hint ? " (--verbose prints the stack trace)" : "");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"train-job " + (version == null ? "(development build)" : version)
                    + ", Deeplearning4j 1.0.0-M2.1, Spark 3.5 / Scala 2.12"};
        }
    }
}
