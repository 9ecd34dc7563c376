package org.resnetspark.data;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/** Helpers shared by the data tests. */
final class TestData {

    private TestData() {
    }

    static DataFolder folder(Path dir) throws IOException {
        return DataFolder.at(dir.toString(), new Configuration());
    }

    static DataFolder folder(String uri) throws IOException {
        return DataFolder.at(uri, new Configuration());
    }
}
