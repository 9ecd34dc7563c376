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
 * A sweep file: a base configuration of training options plus axes to vary; every combination of
 * axis values is one point, trained into its own folder.
 * <pre>
 * name: batch-size-smoke
 * base:            # train options without the leading --
 *   model: resnet20
 *   dataset: synthetic
 *   epochs: 2
 * axes:            # the cartesian product of these
 *   batch: [32, 64, 128]
 *   seed: [1, 2]
 * </pre>
 */
public record Sweep(String name, Map<String, Object> base, Map<String, List<Object>> axes) {

    /** One combination of axis values, with the folder name that spells it. */
    public record Point(String folder, Map<String, Object> values) {
    }

    public Sweep {
        base = new LinkedHashMap<>(base);
        axes = new LinkedHashMap<>(axes);
        for (String key : axes.keySet()) {
            if (base.containsKey(key)) {
                throw new IllegalArgumentException("'" + key + "' is both in base and in axes; keep it in one");
            }
            if (axes.get(key).isEmpty()) {
                throw new IllegalArgumentException("Axis '" + key + "' has no values");
            }
        }
        for (String reserved : List.of("out", "resume")) {
            if (base.containsKey(reserved) || axes.containsKey(reserved)) {
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
            throw new IllegalArgumentException(source + ": needs a 'name', a 'base' map of train options and an 'axes' map of lists");
        }
        Object base = root.getOrDefault("base", Map.of());
        Object axes = root.getOrDefault("axes", Map.of());
        if (!(base instanceof Map<?, ?>) || !(axes instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(source + ": 'base' and 'axes' must be maps");
        }
        Map<String, List<Object>> axisLists = new LinkedHashMap<>();
        ((Map<String, Object>) axes).forEach((key, values) -> axisLists.put(key,
                values instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>(List.of(values))));
        return new Sweep(name, (Map<String, Object>) base, axisLists);
    }

    public String toJson() {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(
                    Map.of("name", name, "base", base, "axes", axes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every combination of axis values, the first axis varying slowest. */
    public List<Point> points() {
        List<Map<String, Object>> combinations = new ArrayList<>(List.of(new LinkedHashMap<>()));
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
        List<Point> points = new ArrayList<>();
        for (Map<String, Object> values : combinations) {
            StringBuilder folder = new StringBuilder();
            values.forEach((key, value) -> folder.append(folder.length() == 0 ? "" : "_").append(key).append('-').append(value));
            points.add(new Point(folder.length() == 0 ? "base" : folder.toString().replaceAll("[^A-Za-z0-9._=-]", "-"), values));
        }
        return points;
    }

    /** The train command line of a point: base options, then its axis values, as --key value. */
    public List<String> trainArguments(Point point, String outUri) {
        Map<String, Object> options = new LinkedHashMap<>(base);
        options.putAll(point.values());
        List<String> arguments = new ArrayList<>();
        options.forEach((key, value) -> {
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
