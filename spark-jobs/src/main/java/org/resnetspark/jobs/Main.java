package org.resnetspark.jobs;

import org.resnetspark.runtime.CudaCompatibility;
import org.resnetspark.runtime.NativeRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spark-submit train-job.jar <subcommand> [options]}: the project's command line. */
@Command(name = "train-job.jar",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Train, evaluate and benchmark the CIFAR ResNets on Spark with Deeplearning4j.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, SweepCommand.class, ReportCommand.class, ModelsCommand.class,
                BenchmarkCommand.class, GenerateDataCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    /** Set to 1 for stack traces with errors. */
    static final String DEBUG_VARIABLE = "RESNET_SPARK_DEBUG";
    private static final boolean DEBUG = "1".equals(System.getenv(DEBUG_VARIABLE));

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a subcommand and returns its exit code: 0 done, 1 failed, 2 bad usage. */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            // One line per failure; the stack trace for those who ask (or report a bug).
            boolean expected = error instanceof IllegalArgumentException || error instanceof IllegalStateException;
            cmd.getErr().println("Error: " + (expected ? error.getMessage() : error.toString())
                    + (expected || DEBUG ? "" : " (" + DEBUG_VARIABLE + "=1 prints the stack trace)"));
            if (DEBUG) {
                error.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        try {
            NativeRuntime.configure();
        } catch (CudaCompatibility.UnsupportedGpuException e) {
            commandLine.getErr().println("Error: " + e.getMessage());
            return 1;
        }
        return commandLine.execute(args);
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
