package org.resnetspark.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepTest {

    private static final String YAML = """
            name: batch-size
            base:
              model: resnet18
              linear-scaling: true
              nesterov: false
              lr-steps: [15, 25]
            axes:
              batch: [32, 64]
              workers: [1, 2, 4]
            """;

    @Test
    void everyCombinationOfTheAxesIsAPointWithItsOwnFolder() {
        Sweep sweep = Sweep.parse(YAML, "batch-size.yaml");
        List<Sweep.Point> points = sweep.points();
        assertEquals(6, points.size());
        assertEquals("batch-32_workers-1", points.get(0).folder());
        assertEquals("batch-64_workers-4", points.get(5).folder());
        assertEquals(Map.of("batch", 64, "workers", 2), points.get(4).values());
    }

    @Test
    void aPointBecomesATrainCommandLine() {
        Sweep sweep = Sweep.parse(YAML, "batch-size.yaml");
        assertEquals(List.of("--model", "resnet18", "--linear-scaling", "--lr-steps", "15,25", "--batch", "32", "--workers", "1",
                "--out", "runs/x"), sweep.trainArguments(sweep.points().get(0), "runs/x"));
    }

    @Test
    void jsonIsAcceptedTooAndRoundTrips() {
        Sweep sweep = Sweep.parse("{\"name\": \"n\", \"base\": {\"epochs\": 1}, \"axes\": {\"model\": [\"resnet8\", \"plain8\"]}}", "n.json");
        assertEquals(2, sweep.points().size());
        assertEquals(sweep, Sweep.parse(sweep.toJson(), "again"));
    }

    @Test
    void mistakesAreNamed() {
        var noName = assertThrows(IllegalArgumentException.class, () -> Sweep.parse("base: {}", "a.yaml"));
        assertTrue(noName.getMessage().contains("a.yaml") && noName.getMessage().contains("'name'"), noName.getMessage());
        var both = assertThrows(IllegalArgumentException.class,
                () -> Sweep.parse("name: x\nbase: {batch: 32}\naxes: {batch: [64]}", "b.yaml"));
        assertTrue(both.getMessage().contains("'batch' is both in base and in axes"), both.getMessage());
        var out = assertThrows(IllegalArgumentException.class, () -> Sweep.parse("name: x\nbase: {out: /tmp}", "c.yaml"));
        assertTrue(out.getMessage().contains("'out' is set by the sweep"), out.getMessage());
        var broken = assertThrows(IllegalArgumentException.class, () -> Sweep.parse("name: [unclosed", "d.yaml"));
        assertTrue(broken.getMessage().contains("d.yaml is not valid YAML"), broken.getMessage());
    }
}
