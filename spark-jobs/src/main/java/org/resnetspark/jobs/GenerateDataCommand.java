package org.resnetspark.jobs;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.resnetspark.data.Dataset;
import org.resnetspark.data.SyntheticDatasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "generate-data", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Write a seeded synthetic dataset in a dataset's official format and file names, for demos "
                + "and tests without network access: train --dataset D --data DIR reads it like the real one.",
                "Each class is a colour and a stripe frequency; each image shows them at a random orientation, phase and contrast, with noise."})
final class GenerateDataCommand implements Callable<Integer> {

    @Option(names = "--dataset", defaultValue = "cifar10", description = "cifar10, cifar100, mnist or fashion-mnist.")
    String dataset;

    @Option(names = "--out", required = true, description = "Local folder to write the files into.")
    Path out;

    @Option(names = "--train", defaultValue = "50000", description = "Training images (the official count: 50000 for CIFAR, 60000 for MNIST).")
    int train;

    @Option(names = "--test", defaultValue = "10000", description = "Test images.")
    int test;

    @Option(names = "--seed", defaultValue = "1", description = "Seed: the same seed writes the same bytes.")
    long seed;

    @Option(names = "--gzip", description = "IDX files gzip-compressed, as MNIST is published (*.gz).")
    boolean gzip;

    @Option(names = "--archive", description = "Instead of the files, a CIFAR publisher-style tar.gz named like the official one.")
    boolean archive;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (train < 1 || test < 1) {
            throw new IllegalArgumentException("--train and --test must be at least 1");
        }
        Dataset d = Dataset.parse(dataset);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file: give a folder to write the dataset's files into.");
        }
        List<String> existing = SyntheticDatasets.datasetFilesIn(out);
        if (!existing.isEmpty()) {
            throw new IllegalArgumentException("--out " + out + " already holds dataset files (" + String.join(", ", existing)
                    + "): generate-data never replaces data. Give it an empty or new folder.");
        }
        PrintWriter log = spec.commandLine().getOut();
        if (archive) {
            Path file = out.resolve(d.archive().fileName());
            Files.createDirectories(out);
            SyntheticDatasets.writeArchive(d, file, train, test, seed);
            log.printf("wrote %s (%d training, %d test images; not the official archive, so its md5 differs)%n",
                    file, train, test);
        } else {
            List<Path> files = SyntheticDatasets.writeFiles(d, out, train, test, seed, gzip);
            for (Path file : files) {
                log.println("wrote " + file);
            }
            log.printf("%s: %d training and %d test images; train with --dataset %s --data %s%n", d.cliName(), train,
                    test, d.cliName(), out.toAbsolutePath());
        }
        log.flush();
        return 0;
    }
}
