package org.resnetspark.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Spark's jars for YARN containers, uploaded once to the cluster's file system and reused by
 * every later run through {@code spark.yarn.archive}, as Spark's YARN guide recommends: without
 * it, each spark-submit zips and uploads 176 MB of jars again. The archive's name carries a digest
 * of the jars' names and sizes, so another Spark version uploads its own. Run by the submit
 * scripts before spark-submit: prints the archive's URI, or nothing if it cannot be uploaded (Spark
 * then falls back to its upload per run).
 */
public final class YarnLibraries {

    private YarnLibraries() {
    }

    /** {@code args[0]}: the folder of Spark's jars; {@code args[1]} (optional): where on the cluster to keep them. */
    public static void main(String[] args) {
        try {
            Path jars = Path.of(args[0]);
            FileSystem fs = FileSystem.get(new Configuration());
            org.apache.hadoop.fs.Path folder = args.length > 1 ? new org.apache.hadoop.fs.Path(args[1])
                    : new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".resnet-spark");
            System.out.println(archive(jars, fs, folder));
        } catch (IOException | RuntimeException e) {
            System.err.println("Warning: could not keep Spark's jars on the cluster (" + e + "); Spark uploads them "
                    + "for this run. Set spark.yarn.archive to an archive of them to skip that.");
        }
    }

    /** The archive of {@code jars} in {@code folder}, uploaded if it is not there yet. */
    static String archive(Path jars, FileSystem fs, org.apache.hadoop.fs.Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(jars)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(jars + " holds no jars");
        }
        org.apache.hadoop.fs.Path archive = new org.apache.hadoop.fs.Path(folder, "spark-libs-" + digest(files) + ".zip");
        if (fs.exists(archive)) {
            return fs.makeQualified(archive).toString();
        }
        long bytes = 0;
        for (Path file : files) {
            bytes += Files.size(file);
        }
        System.err.printf("Uploading Spark's jars (%d MB) to %s once; later YARN runs reuse it%n", bytes >> 20,
                fs.makeQualified(archive));
        // Written aside and renamed: a run never sees half an archive, and two uploads at once both end well.
        org.apache.hadoop.fs.Path partial = new org.apache.hadoop.fs.Path(folder,
                archive.getName() + ".uploading-" + ProcessHandle.current().pid());
        fs.mkdirs(folder);
        try (OutputStream out = fs.create(partial, true); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(Deflater.NO_COMPRESSION);   // jars are compressed already
            for (Path file : files) {
                zip.putNextEntry(new ZipEntry(file.getFileName().toString()));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
        if (!fs.rename(partial, archive)) {
            fs.delete(partial, false);
            if (!fs.exists(archive)) {
                throw new IOException("cannot rename " + partial + " to " + archive);
            }
        }
        return fs.makeQualified(archive).toString();
    }

    /** Names and sizes stand for the contents: jar names carry their versions. */
    private static String digest(List<Path> files) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                sha.update((file.getFileName() + ":" + Files.size(file) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
