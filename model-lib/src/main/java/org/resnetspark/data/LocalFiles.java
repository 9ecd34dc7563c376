package org.resnetspark.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Local folders the jobs make for themselves (staging, scratch data) and remove again. */
public final class LocalFiles {

    private LocalFiles() {
    }

    /** Deletes {@code path} and everything under it; nothing happens when it is null or absent. */
    public static void deleteRecursively(Path path) throws IOException {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
