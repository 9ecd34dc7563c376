package org.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * An hdfs:// endpoint that cannot answer fails within the deadlines, with one line naming the URI:
 * a real listener on loopback that accepts connections and never says a word (before the
 * deadlines, Hadoop's client waited for it until killed), and a port nobody listens on.
 */
class HadoopDeadlinesTest {

    @Test
    void aSilentNameNodeFailsWithinThirtySecondsNamingTheUri() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String uri = "hdfs://127.0.0.1:" + silent.getLocalPort() + "/nothing";
            long start = System.nanoTime();
            IllegalStateException error = assertTimeoutPreemptively(Duration.ofSeconds(45), () ->
                    assertThrows(IllegalStateException.class,
                            () -> DataFolder.at(uri, HadoopDeadlines.configuration()).require("CIFAR-10 files", "x.bin")));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 30, "took " + seconds + " s");
            assertTrue(error.getMessage().startsWith("Cannot read " + uri + ": "), error.getMessage());
            assertTrue(held.size() >= 1, "the client did connect");
        }
    }

    @Test
    void aRefusedConnectionFailsNamingTheUri() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String uri = "hdfs://127.0.0.1:" + port + "/data";
        IllegalStateException error = assertTimeoutPreemptively(Duration.ofSeconds(45), () ->
                assertThrows(IllegalStateException.class, () -> DataFolder.at(uri, HadoopDeadlines.configuration()).exists()));
        assertTrue(error.getMessage().startsWith("Cannot read " + uri + ": "), error.getMessage());
        assertTrue(error.getMessage().contains("Connection refused"), error.getMessage());
    }

    @Test
    void valuesTheUserSetWin() {
        Configuration hadoop = new Configuration();
        hadoop.set("ipc.client.rpc-timeout.ms", "120000");
        HadoopDeadlines.applyTo(hadoop);
        assertEquals("120000", hadoop.get("ipc.client.rpc-timeout.ms"));
        assertEquals(HadoopDeadlines.SETTINGS.get("ipc.client.connect.max.retries.on.timeouts"),
                hadoop.get("ipc.client.connect.max.retries.on.timeouts"));
    }
}
