package org.resnetspark.experiments;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.resnetspark.data.BadInputException;
import org.resnetspark.training.RunFolder;

/** What a report needs from one run folder: run.json and the epochs of metrics.jsonl. */
public record RunSummary(String name, Map<String, Object> run, List<Map<String, Object>> epochs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static RunSummary read(String uri, Configuration hadoop) throws IOException {
        RunFolder folder = new RunFolder(uri, hadoop);
        if (!folder.exists(RunFolder.RUN)) {
            throw new IllegalArgumentException(uri + " is not a run folder (no " + RunFolder.RUN + ")");
        }
        Map<String, Object> run;
        try {
            run = JSON.readValue(folder.readString(RunFolder.RUN), new TypeReference<Map<String, Object>>() { });
        } catch (org.nd4j.shade.jackson.core.JsonProcessingException e) {
            throw new BadInputException(folder.resolve(RunFolder.RUN) + " is not a run record (" + e.getOriginalMessage()
                    + "): repair it, or leave the run out of the report.");
        }
        List<Map<String, Object>> epochs = new ArrayList<>();
        if (folder.exists(RunFolder.METRICS)) {
            String[] lines = folder.readString(RunFolder.METRICS).split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                try {
                    epochs.add(JSON.readValue(lines[i], new TypeReference<Map<String, Object>>() { }));
                } catch (org.nd4j.shade.jackson.core.JsonProcessingException e) {
                    throw new BadInputException(folder.resolve(RunFolder.METRICS) + " line " + (i + 1)
                            + " is not a metrics record (" + e.getOriginalMessage() + "): repair or remove that line, "
                            + "or leave the run out of the report.");
                }
            }
        }
        return new RunSummary(folder.root().getName(), run, epochs);
    }

    public String model() {
        return String.valueOf(run.getOrDefault("model", "?"));
    }

    public String dataset() {
        return String.valueOf(run.getOrDefault("dataset", "?"));
    }

    public String status() {
        return String.valueOf(run.getOrDefault("status", "?"));
    }

    public Double testError() {
        return number(run.get("test_error"));
    }

    public Double bestValidationError() {
        return epochs.stream().map(e -> number(e.get("validation_error"))).filter(v -> v != null)
                .min(Double::compare).orElse(null);
    }

    public Double meanEpochSeconds() {
        return epochs.stream().map(e -> number(e.get("seconds"))).filter(v -> v != null)
                .mapToDouble(Double::doubleValue).average().stream().boxed().findFirst().orElse(null);
    }

    public Double meanImagesPerSecond() {
        return epochs.stream().map(e -> number(e.get("images_per_second"))).filter(v -> v != null)
                .mapToDouble(Double::doubleValue).average().stream().boxed().findFirst().orElse(null);
    }

    public Double number(String key) {
        return number(run.get(key));
    }

    static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }
}
