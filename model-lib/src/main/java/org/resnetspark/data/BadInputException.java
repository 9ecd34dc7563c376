package org.resnetspark.data;

/**
 * A file the user gave that cannot be used as it is (a damaged or mislabelled dataset file, an
 * unreadable model, a garbled metrics line). The message names the file and says what to do; the
 * command line ends with its own exit code for it, apart from bad flags and broken clusters.
 */
public class BadInputException extends IllegalArgumentException {

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
