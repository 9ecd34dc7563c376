package org.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download cache against a real HTTP server on loopback serving a synthetic CIFAR-10 archive. */
class DatasetCacheTest {

    @TempDir
    Path work;

    private byte[] archiveBytes;
    private String archiveMd5;
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    /** What the server does: "full", "half" (cut the connection mid-file) or "missing" (404). */
    private volatile String mode = "full";
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @BeforeEach
    void serveASyntheticArchive() throws IOException {
        Path archive = work.resolve("served.tar.gz");
        SyntheticDatasets.writeArchive(Dataset.CIFAR10, archive, 50, 10, 9);
        archiveBytes = Files.readAllBytes(archive);
        archiveMd5 = DatasetCache.md5(archive);

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/cifar-10-binary.tar.gz", exchange -> {
            requests.incrementAndGet();
            switch (mode) {
                case "missing" -> {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                }
                case "half" -> {
                    // Announce the whole file, send half of it, then drop the connection.
                    exchange.sendResponseHeaders(200, archiveBytes.length);
                    OutputStream body = exchange.getResponseBody();
                    body.write(archiveBytes, 0, archiveBytes.length / 2);
                    body.flush();
                    // A handler that fails makes the server close the connection mid-body.
                    throw new IOException("connection cut by the test");
                }
                default -> {
                    exchange.sendResponseHeaders(200, archiveBytes.length);
                    try (OutputStream body = exchange.getResponseBody()) {
                        body.write(archiveBytes);
                    }
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private Dataset.Archive served(String md5) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cifar-10-binary.tar.gz");
        return new Dataset.Archive("cifar-10-binary.tar.gz", url, md5, "cifar-10-batches-bin");
    }

    private DatasetCache cache(boolean offline) {
        return new DatasetCache(work.resolve("cache"), offline, new PrintStream(progress, true, StandardCharsets.UTF_8), 0);
    }

    /** Everything in the cache folder apart from the folder itself. */
    private List<String> cacheContents() throws IOException {
        Path root = work.resolve("cache");
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void downloadsChecksUnpacksAndThenReusesTheArchive() throws Exception {
        Path folder = cache(false).prepare(served(archiveMd5));

        assertEquals(work.resolve("cache/cifar-10-batches-bin"), folder);
        ImageSet train = Dataset.CIFAR10.read(TestData.folder(folder), Dataset.Split.TRAIN);
        assertEquals(50, train.size());
        assertTrue(Files.exists(folder.resolve(DatasetCache.COMPLETE_MARKER)));
        String log = progress.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("Downloading http://127.0.0.1:"), log);
        assertTrue(log.matches("(?s).*cifar-10-binary.tar.gz: [0-9.]+ of [0-9.]+ MB \\(100%\\).*"), log);

        // A later run, offline and with the server gone, reuses the unpacked folder.
        server.stop(0);
        assertEquals(folder, cache(true).prepare(served(archiveMd5)));
        assertEquals(1, requests.get());
    }

    @Test
    void anInterruptedUnpackingIsRedoneFromTheVerifiedArchive() throws Exception {
        Path folder = cache(false).prepare(served(archiveMd5));
        Files.delete(folder.resolve(DatasetCache.COMPLETE_MARKER));
        Files.delete(folder.resolve("test_batch.bin"));

        assertEquals(folder, cache(true).prepare(served(archiveMd5)));
        assertTrue(Files.exists(folder.resolve("test_batch.bin")));
        assertEquals(1, requests.get());
    }

    @Test
    void aDamagedCachedArchiveIsNotUnpacked() throws Exception {
        Path folder = cache(false).prepare(served(archiveMd5));
        Files.delete(folder.resolve(DatasetCache.COMPLETE_MARKER));
        Path archive = work.resolve("cache/cifar-10-binary.tar.gz");
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 2] ^= 1;
        Files.write(archive, bytes);

        BadInputException error = assertThrows(BadInputException.class, () -> cache(true).prepare(served(archiveMd5)));
        assertTrue(error.getMessage().contains(archive + " has md5 "), error.getMessage());
        assertTrue(error.getMessage().contains("Delete it and run again"), error.getMessage());
    }

    @Test
    void aChecksumMismatchKeepsNothing() {
        String wrong = "00000000000000000000000000000000";
        IOException error = assertThrows(IOException.class, () -> cache(false).prepare(served(wrong)));

        assertTrue(error.getMessage().contains("has md5 " + archiveMd5 + ", expected " + wrong), error.getMessage());
        assertTrue(error.getMessage().contains("deleted; run again to retry"), error.getMessage());
        assertDoesNotThrowIo(() -> assertEquals(List.of(), cacheContents()));
    }

    @Test
    void aConnectionCutMidFileKeepsNothingAndTheNextRunStartsAgain() throws Exception {
        mode = "half";
        IOException error = assertThrows(IOException.class, () -> cache(false).prepare(served(archiveMd5)));

        assertTrue(error.getMessage().contains("failed"), error.getMessage());
        assertTrue(error.getMessage().contains("of " + archiveBytes.length + " bytes"), error.getMessage());
        assertTrue(error.getMessage().contains("Nothing was kept in the cache"), error.getMessage());
        assertEquals(List.of(), cacheContents());

        // The next run, with the server back, downloads the whole file.
        mode = "full";
        Path folder = cache(false).prepare(served(archiveMd5));
        assertEquals(50, Dataset.CIFAR10.read(TestData.folder(folder), Dataset.Split.TRAIN).size());
    }

    @Test
    void anHttpErrorIsReportedWithTheUrl() {
        mode = "missing";
        IOException error = assertThrows(IOException.class, () -> cache(false).prepare(served(archiveMd5)));
        assertTrue(error.getMessage().contains("/cifar-10-binary.tar.gz failed (HTTP 404"), error.getMessage());
        assertDoesNotThrowIo(() -> assertEquals(List.of(), cacheContents()));
    }

    @Test
    void offlineWithoutACachedCopyIsAnErrorThatSaysWhatToDo() {
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> cache(true).prepare(served(archiveMd5)));
        assertTrue(error.getMessage().contains("--offline forbids downloading"), error.getMessage());
        assertTrue(error.getMessage().contains("md5 " + archiveMd5), error.getMessage());
        assertTrue(error.getMessage().contains("--data"), error.getMessage());
        assertEquals(0, requests.get());
    }

    @Test
    void theOfficialArchivesAreTheDocumentedOnes() {
        assertEquals("c32a1d4ab5d03f1284b67883e8d87530", Dataset.CIFAR10.archive().md5());
        assertEquals("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", Dataset.CIFAR10.archive().url().toString());
        assertEquals("03b5dce01913d631647c71ecec9e9cb8", Dataset.CIFAR100.archive().md5());
        assertFalse(Dataset.MNIST.isCifar());
    }

    interface IoCheck {
        void run() throws IOException;
    }

    private static void assertDoesNotThrowIo(IoCheck check) {
        try {
            check.run();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
