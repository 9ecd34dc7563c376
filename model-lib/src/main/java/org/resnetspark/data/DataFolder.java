package org.resnetspark.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A folder of data files at a Hadoop URI ({@code file://}, {@code hdfs://}, {@code s3a://}, ...) or
 * a plain local path. A path without a scheme is always local, even where Hadoop's default file
 * system is HDFS, so that {@code --data /data/cifar} means what it says.
 */
public final class DataFolder {

    private final FileSystem fs;
    private final Path path;

    private DataFolder(FileSystem fs, Path path) {
        this.fs = fs;
        this.path = path;
    }

    public static DataFolder at(String location, Configuration hadoop) throws IOException {
        Path path = HadoopFileSystems.pathOf(location);
        FileSystem fs = HadoopFileSystems.of(path, hadoop);
        DataFolder folder = new DataFolder(fs, fs.makeQualified(path));
        if (folder.isFile()) {
            throw new BadInputException(folder.uri() + " is a file: give the folder that holds the dataset's "
                    + "files, " + folder.path.getParent() + ".");
        }
        return folder;
    }

    private boolean isFile() throws IOException {
        try {
            return fs.getFileStatus(path).isFile();
        } catch (java.io.FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** The Hadoop configuration its files are read with. */
    public Configuration hadoop() {
        return fs.getConf();
    }

    public String uri() {
        return path.toString();
    }

    public boolean exists() throws IOException {
        try {
            return fs.exists(path);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    public DataFolder subfolder(String name) {
        return new DataFolder(fs, new Path(path, name));
    }

    /** The first of {@code names} that exists here. */
    public Optional<DataFile> find(String... names) throws IOException {
        for (String name : names) {
            Path file = new Path(path, name);
            try {
                FileStatus status = fs.getFileStatus(file);
                if (status.isFile()) {
                    return Optional.of(new DataFile(file.toString(), status.getLen(), fs, file));
                }
            } catch (FileNotFoundException e) {
                // try the next name
            } catch (IOException e) {
                throw unreachable(e);
            }
        }
        return Optional.empty();
    }

    /** The first of {@code names} that exists here, or an error naming what is missing and what is here. */
    public DataFile require(String what, String... names) throws IOException {
        Optional<DataFile> found = find(names);
        if (found.isPresent()) {
            return found.get();
        }
        throw new BadInputException("Missing " + what + ": no file " + String.join(" or ", names) + " in "
                + uri() + " (" + describeContents() + "). Point --data at the folder holding the dataset's "
                + "official files, or run generate-data for a synthetic set.");
    }

    /** The names of the folders in this one, sorted, without hidden ones (names starting with . or _). */
    public List<String> subfolders() throws IOException {
        List<String> names = new ArrayList<>();
        try {
            for (FileStatus status : fs.listStatus(path)) {
                if (status.isDirectory() && !isHidden(status.getPath().getName())) {
                    names.add(status.getPath().getName());
                }
            }
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw unreachable(e);
        }
        names.sort(null);
        return names;
    }

    /**
     * Every file below this folder, at any depth, as paths relative to it ({@code a/b/c.png}),
     * sorted, leaving out hidden files and folders: one listing call, which object stores answer
     * for a whole prefix at once.
     */
    public List<String> filesBelow() throws IOException {
        String prefix = path.toUri().getPath() + "/";
        List<String> files = new ArrayList<>();
        try {
            RemoteIterator<LocatedFileStatus> listing = fs.listFiles(path, true);
            while (listing.hasNext()) {
                String relative = listing.next().getPath().toUri().getPath().substring(prefix.length());
                if (Arrays.stream(relative.split("/")).noneMatch(DataFolder::isHidden)) {
                    files.add(relative);
                }
            }
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw unreachable(e);
        }
        files.sort(null);
        return files;
    }

    /** Names that tools hide or use for their own bookkeeping (.DS_Store, Hadoop's _SUCCESS). */
    private static boolean isHidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /**
     * A file system that cannot be asked (refused, silent past {@link HadoopDeadlines}, unknown
     * host): one line naming the URI, not Hadoop's stack trace.
     */
    private IllegalStateException unreachable(IOException e) {
        return new IllegalStateException("Cannot read " + uri() + ": " + e.getClass().getSimpleName() + ": "
                + e.getMessage() + ". Check that the file system at that address is up and reachable from here.", e);
    }

    /** What the folder holds, in a few words, for error messages. */
    String describeContents() throws IOException {
        if (!fs.exists(path)) {
            return "the folder does not exist";
        }
        List<String> names = new ArrayList<>();
        for (FileStatus status : fs.listStatus(path)) {
            names.add(status.getPath().getName() + (status.isDirectory() ? "/" : ""));
        }
        if (names.isEmpty()) {
            return "the folder is empty";
        }
        names.sort(null);
        return "it holds " + (names.size() <= 12 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 12)) + " and " + (names.size() - 12) + " more");
    }
}
