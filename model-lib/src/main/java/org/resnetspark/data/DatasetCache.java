package org.resnetspark.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A local cache of publishers' archives, unpacked. {@link #prepare} downloads an archive once,
 * checks its md5, unpacks it and marks the folder complete; later runs reuse the folder.
 * Only two things are ever trusted: an archive under its final name (renamed there after its
 * checksum matched) and a folder with the completion marker (written after unpacking). An
 * interrupted download or unpacking leaves neither, so the next run starts that step again.
 */
public final class DatasetCache {

    static final String COMPLETE_MARKER = ".complete";
    private static final int CONNECT_TIMEOUT_MS = 30_000;
    private static final int READ_TIMEOUT_MS = 60_000;

    private final Path root;
    private final boolean offline;
    private final PrintStream progress;
    private final double progressIntervalSeconds;

    /**
     * @param offline  never touch the network: a dataset not in the cache is an error
     * @param progress where download progress lines go (e.g. System.err)
     */
    public DatasetCache(Path root, boolean offline, PrintStream progress, double progressIntervalSeconds) {
        this.root = root.toAbsolutePath();
        this.offline = offline;
        this.progress = progress;
        this.progressIntervalSeconds = progressIntervalSeconds;
    }

    public Path root() {
        return root;
    }

    /**
     * The unpacked folder of the first of {@code archives} the cache holds, unpacked or as its
     * archive file, else of the first, downloaded: the cache may hold any version of a dataset
     * (CIFAR's binary or python version), and downloads the first (the binary one).
     */
    public Path prepare(List<Dataset.Archive> archives) throws IOException {
        for (Dataset.Archive archive : archives) {
            if (Files.isRegularFile(root.resolve(archive.folder()).resolve(COMPLETE_MARKER))) {
                return prepare(archive);
            }
        }
        for (Dataset.Archive archive : archives) {
            if (Files.isRegularFile(root.resolve(archive.fileName()))) {
                return prepare(archive);
            }
        }
        return prepare(archives.get(0));
    }

    /** The unpacked folder of {@code archive}, downloading and unpacking it first if needed. */
    public Path prepare(Dataset.Archive archive) throws IOException {
        Path folder = root.resolve(archive.folder());
        if (Files.isRegularFile(folder.resolve(COMPLETE_MARKER))) {
            return folder;
        }
        Path file = root.resolve(archive.fileName());
        if (!Files.isRegularFile(file)) {
            if (offline) {
                throw new IllegalStateException("No " + archive.fileName() + " in the dataset cache " + root
                        + ", and --offline forbids downloading it. Run once without --offline, or download "
                        + archive.url() + " yourself into " + root + " (md5 " + archive.md5()
                        + "), or pass --data with a folder of the dataset's files.");
            }
            download(archive, file);
        } else {
            // Renamed into place after its checksum matched, but check it again before unpacking.
            String md5 = md5(file);
            if (!md5.equals(archive.md5())) {
                throw new BadInputException(file + " has md5 " + md5 + ", expected " + archive.md5()
                        + ": the cached archive is damaged or not the official one. Delete it and run again.");
            }
        }
        unpack(file, archive.folder());
        return folder;
    }

    private void download(Dataset.Archive archive, Path target) throws IOException {
        Files.createDirectories(root);
        Path partial = root.resolve(archive.fileName() + ".partial");
        long received = 0;
        long expected = -1;
        String md5;
        try {
            URLConnection connection = archive.url().toURL().openConnection();
            connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
            connection.setReadTimeout(READ_TIMEOUT_MS);
            if (connection instanceof HttpURLConnection http && http.getResponseCode() != HttpURLConnection.HTTP_OK) {
                throw new IOException("HTTP " + http.getResponseCode() + " " + http.getResponseMessage());
            }
            expected = connection.getContentLengthLong();
            MessageDigest digest = md5Digest();
            progress.printf("Downloading %s to %s%n", archive.url(), root);
            try (InputStream in = new DigestInputStream(connection.getInputStream(), digest);
                 OutputStream out = Files.newOutputStream(partial)) {
                byte[] buffer = new byte[1 << 16];
                long start = System.nanoTime();
                long lastReport = start;
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    received += n;
                    long now = System.nanoTime();
                    if ((now - lastReport) / 1e9 >= progressIntervalSeconds) {
                        report(archive.fileName(), received, expected, (now - start) / 1e9);
                        lastReport = now;
                    }
                }
                report(archive.fileName(), received, expected, (System.nanoTime() - start) / 1e9);
            }
            if (expected >= 0 && received != expected) {
                throw new IOException("the connection ended after " + received + " of " + expected + " bytes");
            }
            md5 = HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw new IOException("Download of " + archive.url() + " failed (" + e.getMessage() + ") after "
                    + received + (expected >= 0 ? " of " + expected : "") + " bytes. Nothing was kept in the cache "
                    + root + "; run again to retry, or use --data with a copy you downloaded yourself.", e);
        }
        if (!md5.equals(archive.md5())) {
            Files.deleteIfExists(partial);
            throw new IOException("Downloaded " + archive.url() + " (" + received + " bytes) has md5 " + md5
                    + ", expected " + archive.md5() + ": damaged in transit or not the official archive. It was "
                    + "deleted; run again to retry, or use --data with a verified copy.");
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void report(String name, long received, long expected, double seconds) {
        double mb = received / 1e6;
        double rate = seconds > 0 ? mb / seconds : 0;
        if (expected > 0) {
            progress.printf(Locale.ROOT, "  %s: %.1f of %.1f MB (%.0f%%), %.1f MB/s%n", name, mb, expected / 1e6,
                    100.0 * received / expected, rate);
        } else {
            progress.printf(Locale.ROOT, "  %s: %.1f MB, %.1f MB/s%n", name, mb, rate);
        }
    }

    /** Unpacks into a fresh temporary folder, then moves the archive's folder into place and marks it complete. */
    private void unpack(Path archive, String folderName) throws IOException {
        Path staging = Files.createTempDirectory(root, ".unpacking-");
        try {
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16)))) {
                for (TarArchiveEntry entry; (entry = tar.getNextTarEntry()) != null; ) {
                    Path target = staging.resolve(entry.getName()).normalize();
                    if (!target.startsWith(staging)) {
                        throw new BadInputException(archive + ": entry " + entry.getName()
                                + " points outside the archive's folder; refusing to unpack it.");
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isFile()) {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target);
                    }
                }
            }
            Path unpacked = staging.resolve(folderName);
            if (!Files.isDirectory(unpacked)) {
                throw new BadInputException(archive + " does not hold the folder " + folderName
                        + "; it is not the expected archive. Delete it and run again.");
            }
            Path folder = root.resolve(folderName);
            LocalFiles.deleteRecursively(folder); // an earlier unpacking that did not finish
            Files.move(unpacked, folder, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(folder.resolve(COMPLETE_MARKER), "unpacked from " + archive.getFileName() + "\n");
        } finally {
            LocalFiles.deleteRecursively(staging);
        }
    }

    static String md5(Path file) throws IOException {
        MessageDigest digest = md5Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no MD5", e);
        }
    }
}
