package org.resnetspark.testing;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.LoggerFactory;

/** Checks on the test JVM's class path, shared by the modules' tests. */
public final class ClassPathChecks {

    private ClassPathChecks() {
    }

    /**
     * Libraries present in more than one version, as "group:artifact -> [versions]". Reads the
     * Maven repository layout of each jar's path: .../group/path/artifact/version/artifact-version*.jar
     */
    public static List<String> librariesWithSeveralVersions() {
        return librariesWithSeveralVersions(System.getProperty("java.class.path"));
    }

    static List<String> librariesWithSeveralVersions(String classPath) {
        Map<String, TreeSet<String>> versions = new TreeMap<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            File jar = new File(entry);
            File versionDir = jar.getParentFile();
            if (!jar.getName().endsWith(".jar") || versionDir == null || versionDir.getParentFile() == null
                    || versionDir.getParentFile().getParentFile() == null) {
                continue;
            }
            String artifact = versionDir.getParentFile().getName();
            if (!jar.getName().startsWith(artifact + "-" + versionDir.getName())) {
                continue;   // not a Maven repository path (a module's target/ folder)
            }
            String group = groupOf(versionDir.getParentFile().getParentFile());
            versions.computeIfAbsent(group + ":" + artifact, k -> new TreeSet<>()).add(versionDir.getName());
        }
        List<String> conflicts = new ArrayList<>();
        versions.forEach((library, found) -> {
            if (found.size() > 1) {
                conflicts.add(library + " -> " + found);
            }
        });
        return conflicts;
    }

    private static String groupOf(File groupDir) {
        List<String> parts = new ArrayList<>();
        for (File dir = groupDir; dir != null && !dir.getName().equals("repository"); dir = dir.getParentFile()) {
            parts.add(0, dir.getName());
        }
        return String.join(".", parts);
    }

    /** The slf4j binding in use: a NOP or substitute factory means log lines are lost. */
    public static String slf4jBinding() {
        return LoggerFactory.getILoggerFactory().getClass().getName();
    }
}
