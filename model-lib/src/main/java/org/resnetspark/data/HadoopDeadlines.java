package org.resnetspark.data;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Hadoop client settings under which an unreachable or silent {@code hdfs://} or {@code s3a://}
 * endpoint fails within about 30 seconds instead of hanging. Hadoop's own defaults wait for a
 * NameNode's answer forever ({@code ipc.client.rpc-timeout.ms=0}) and retry a connection that
 * times out 45 times, 20 s each; S3A waits 200 s per read and retries 20 times. These are
 * defaults only: a value set in the cluster's *-site.xml or with {@code --conf spark.hadoop.X}
 * wins.
 */
public final class HadoopDeadlines {

    static final Map<String, String> SETTINGS = Map.of(
            "ipc.client.connect.timeout", "10000",
            "ipc.client.connect.max.retries", "1",
            "ipc.client.connect.max.retries.on.timeouts", "1",
            "ipc.client.rpc-timeout.ms", "20000",
            "fs.s3a.connection.establish.timeout", "10000",
            "fs.s3a.connection.timeout", "20000",
            "fs.s3a.attempts.maximum", "1",
            "fs.s3a.retry.limit", "1");

    private HadoopDeadlines() {
    }

    /** A configuration from the usual sources (core-site.xml, ...), with these deadlines where they set none. */
    public static Configuration configuration() {
        return applyTo(new Configuration());
    }

    /** Sets each deadline the configuration only has Hadoop's built-in default for; returns it. */
    public static Configuration applyTo(Configuration hadoop) {
        SETTINGS.forEach((key, value) -> {
            String[] sources = hadoop.getPropertySources(key);
            boolean builtInOnly = sources == null
                    || java.util.Arrays.stream(sources).allMatch(source -> source.endsWith("-default.xml"));
            if (builtInOnly) {
                hadoop.set(key, value, "resnet-spark deadlines");
            }
        });
        return hadoop;
    }
}
