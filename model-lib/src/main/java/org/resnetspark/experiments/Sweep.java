package org.resnetspark.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.dataformat.yaml.YAMLMapper;

/**
 * A sweep file: a base configuration of training options, the points to run (explicit ones, or
 * every combination of axis values, or each explicit point crossed with the axes), each trained
 * into its own folder.
 * <pre>
 * name: batch-size-smoke
 * title: Effective batch and workers      # optional: the report's heading
 * note: What the paper found ...          # optional: said under the heading
 * base:            # train options without the leading --
 *   model: resnet20
 *   dataset: synthetic
 *   epochs: 2
 * points:          # optional: explicit points (options of their own), crossed with the axes
 *   - {workers: 1}
 *   - {workers: 2, averaging-frequency: 1}
 *   - {trainer: pytorch}                 # trained by submit-scripts/train-pytorch.py instead
 * axes:            # the cartesian product of these
 *   seed: [1, 2]
 * </pre>
 */
public record Sweep(String name, String title, String note, Map<String, Object> base, List<Map<String, Object>> explicitPoints,
                    Map<String, List<Object>> axes) {

    /** The option that says who trains a point: this project's train job (the default) or PyTorch. */
    public static final String TRAINER = "trainer";
    public static final String PYTORCH = "pytorch";

    /** One point: the options it sets besides the base, with the folder name that spells them. */
    public record Point(String folder, Map<String, Object> values) {
    }

    public Sweep {
        base = new LinkedHashMap<>(base);
        // No explicit points: one empty point, crossed with the axes.
        explicitPoints = explicitPoints.isEmpty() ? List.of(Map.of())
                : explicitPoints.stream().map(p -> (Map<String, Object>) new LinkedHashMap<>(p)).toList();
        axes = new LinkedHashMap<>(axes);
        for (String key : axes.keySet()) {
            if (base.containsKey(key)) {
                throw new IllegalArgumentException("'" + key + "' is both in base and in axes; keep it in one");
            }
            if (axes.get(key).isEmpty()) {
                throw new IllegalArgumentException("Axis '" + key + "' has no values");
            }
        }
        for (Map<String, Object> point : explicitPoints) {
            for (String key : point.keySet()) {
                if (base.containsKey(key) || axes.containsKey(key)) {
                    throw new IllegalArgumentException("'" + key + "' is both in a point and in " + (base.containsKey(key) ? "base" : "axes")
                            + "; keep it in one");
                }
            }
        }
        for (String reserved : List.of("out", "resume")) {
            if (base.containsKey(reserved) || axes.containsKey(reserved) || explicitPoints.stream().anyMatch(p -> p.containsKey(reserved))) {
                throw new IllegalArgumentException("'" + reserved + "' is set by the sweep itself; remove it from the sweep file");
            }
        }
    }

    /** Reads YAML (or JSON, which is YAML too). */
    @SuppressWarnings("unchecked")
    public static Sweep parse(String text, String source) {
        Map<String, Object> root;
        try {
            root = new YAMLMapper().readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (Exception e) {
            throw new IllegalArgumentException(source + " is not valid YAML or JSON: " + e.getMessage(), e);
        }
        if (root == null || !(root.get("name") instanceof String name) || name.isBlank()) {
            throw new IllegalArgumentException(source + ": needs a 'name', a 'base' map of train options and an 'axes' map of lists"
                    + " (or a 'points' list of maps)");
        }
        Object base = root.getOrDefault("base", Map.of());
        Object axes = root.getOrDefault("axes", Map.of());
        Object points = root.getOrDefault("points", List.of());
        if (!(base instanceof Map<?, ?>) || !(axes instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(source + ": 'base' and 'axes' must be maps");
        }
        if (!(points instanceof List<?> pointList) || pointList.stream().anyMatch(p -> !(p instanceof Map<?, ?>))) {
            throw new IllegalArgumentException(source + ": 'points' must be a list of maps of train options, e.g. - {workers: 2}");
        }
        Map<String, List<Object>> axisLists = new LinkedHashMap<>();
        ((Map<String, Object>) axes).forEach((key, values) -> axisLists.put(key,
                values instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>(List.of(values))));
        return new Sweep(name, text(root.get("title")), text(root.get("note")), (Map<String, Object>) base,
                (List<Map<String, Object>>) pointList, axisLists);
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value).strip();
    }

    /** What a report calls the sweep: its title, else its name. */
    public String heading() {
        return title != null ? title : name;
    }

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        if (title != null) {
            json.put("title", title);
        }
        if (note != null) {
            json.put("note", note);
        }
        json.put("base", base);
        if (!explicitPoints.equals(List.of(Map.of()))) {
            json.put("points", explicitPoints);
        }
        json.put("axes", axes);
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each explicit point crossed with every combination of axis values, the first axis varying slowest. */
    public List<Point> points() {
        List<Map<String, Object>> combinations = new ArrayList<>();
        explicitPoints.forEach(point -> combinations.add(new LinkedHashMap<>(point)));
        axes.forEach((key, values) -> {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> partial : combinations) {
                for (Object value : values) {
                    Map<String, Object> extended = new LinkedHashMap<>(partial);
                    extended.put(key, value);
                    next.add(extended);
                }
            }
            combinations.clear();
            combinations.addAll(next);
        });
        List<Point> result = new ArrayList<>();
        for (Map<String, Object> values : combinations) {
            StringBuilder folder = new StringBuilder();
            values.forEach((key, value) -> folder.append(folder.length() == 0 ? "" : "_").append(key).append('-').append(value));
            String name = folder.length() == 0 ? "base" : folder.toString().replaceAll("[^A-Za-z0-9._=-]", "-");
            if (result.stream().anyMatch(p -> p.folder().equals(name))) {
                throw new IllegalArgumentException("Two points of sweep '" + this.name + "' are both " + name + "; make them differ");
            }
            result.add(new Point(name, values));
        }
        return result;
    }

    /** Who trains the point (its own trainer, else the base's): train-job (the default) or pytorch. */
    public String trainer(Point point) {
        return String.valueOf(point.values().getOrDefault(TRAINER, base.getOrDefault(TRAINER, "train-job")));
    }

    /** Trained by PyTorch (submit-scripts/train-pytorch.py) rather than by train-job.jar. */
    public boolean byPyTorch(Point point) {
        return PYTORCH.equals(trainer(point));
    }

    /** A point's options, base first, as --key value (a true flag as --key, a list joined by commas); no trainer. */
    public Map<String, Object> options(Point point) {
        Map<String, Object> options = new LinkedHashMap<>(base);
        options.putAll(point.values());
        options.remove(TRAINER);
        return options;
    }

    /** The train command line of a point: base options, then its own values, as --key value. */
    public List<String> trainArguments(Point point, String outUri) {
        List<String> arguments = new ArrayList<>();
        options(point).forEach((key, value) -> {
            String flag = "--" + key.toLowerCase(Locale.ROOT);
            if (value instanceof Boolean enabled) {
                if (enabled) {
                    arguments.add(flag);
                }
            } else if (value instanceof List<?> list) {
                arguments.add(flag);
                arguments.add(String.join(",", list.stream().map(String::valueOf).toList()));
            } else {
                arguments.add(flag);
                arguments.add(String.valueOf(value));
            }
        });
        arguments.add("--out");
        arguments.add(outUri);
        return arguments;
    }
}
