package org.resnetspark.data;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.util.VersionInfo;

/** The Hadoop file system of a URI, or one line saying which connector is missing and how to add it. */
public final class HadoopFileSystems {

    private HadoopFileSystems() {
    }

    /**
     * A Hadoop path for a URI with a scheme (hdfs://..., file:/...), or for a local path, relative
     * or absolute, which is always local even where Hadoop's default file system is HDFS; without a
     * trailing slash, so that its name is the folder's (an existing local folder's URI ends in one).
     */
    public static Path pathOf(String uri) {
        boolean hasScheme = uri.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*");
        URI location = hasScheme ? URI.create(uri) : new File(uri).getAbsoluteFile().toURI();
        String withoutSlash = location.getPath().length() > 1 && location.getPath().endsWith("/")
                ? location.getPath().substring(0, location.getPath().length() - 1) : location.getPath();
        return new Path(location.getScheme(), location.getAuthority(), withoutSlash);
    }

    public static FileSystem of(Path path, Configuration hadoop) throws IOException {
        try {
            return FileSystem.get(path.toUri(), hadoop);
        } catch (UnsupportedFileSystemException e) {
            throw missingConnector(path, e);
        } catch (RuntimeException e) {
            // Hadoop knows the class of s3a:// (fs.s3a.impl) but hadoop-aws is not on the class path.
            if (e.getCause() instanceof ClassNotFoundException) {
                throw missingConnector(path, e);
            }
            throw e;
        }
    }

    private static IOException missingConnector(Path path, Exception e) {
        String scheme = path.toUri().getScheme();
        String connector = switch (scheme) {
            case "s3a" -> "Hadoop's S3A connector: spark-submit --packages org.apache.hadoop:hadoop-aws:"
                    + VersionInfo.getVersion() + " (the Hadoop version of this build; it brings the AWS SDK)";
            case "gs" -> "Google's Cloud Storage connector (gcs-connector, hadoop3 flavour) with --jars";
            case "abfs", "abfss", "wasb", "wasbs" -> "Hadoop's Azure connector: spark-submit --packages "
                    + "org.apache.hadoop:hadoop-azure:" + VersionInfo.getVersion();
            default -> "the Hadoop connector for " + scheme + ":// on the class path (spark-submit --packages or --jars)";
        };
        return new IOException("Cannot use " + path + ": this Spark has no file system for " + scheme + ":// ("
                + e.getMessage().lines().findFirst().orElse("") + "). Add " + connector + ".", e);
    }
}
