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

    @Test
    void explicitPointsAreCrossedWithTheAxesAndSayWhoTrainsThem() {
        Sweep sweep = Sweep.parse("""
                name: parity
                title: Parity with PyTorch
                note: Same recipe, same data.
                base: {model: resnet20, epochs: 10}
                points:
                  - {trainer: pytorch}
                  - {single-machine: true}
                  - {workers: 2, averaging-frequency: 1}
                axes:
                  seed: [1, 2]
                """, "parity.yaml");
        List<Sweep.Point> points = sweep.points();
        assertEquals(List.of("trainer-pytorch_seed-1", "trainer-pytorch_seed-2", "single-machine-true_seed-1",
                "single-machine-true_seed-2", "workers-2_averaging-frequency-1_seed-1", "workers-2_averaging-frequency-1_seed-2"),
                points.stream().map(Sweep.Point::folder).toList());
        assertTrue(sweep.byPyTorch(points.get(1)));
        assertEquals("train-job", sweep.trainer(points.get(2)));
        assertEquals(List.of("--model", "resnet20", "--epochs", "10", "--workers", "2", "--averaging-frequency", "1", "--seed", "2",
                "--out", "o"), sweep.trainArguments(points.get(5), "o"));
        assertEquals(Map.of("model", "resnet20", "epochs", 10, "seed", 1), sweep.options(points.get(0)), "no trainer among the options");
        assertEquals(sweep, Sweep.parse(sweep.toJson(), "again"), "title, note and points survive sweep.json");
        assertEquals("Parity with PyTorch", sweep.title());
    }

    @Test
    void pointsThatCannotBeToldApartOrClashWithTheBaseAreRefused() {
        var twice = assertThrows(IllegalArgumentException.class,
                () -> Sweep.parse("name: x\npoints: [{workers: 2}, {workers: 2}]", "a.yaml").points());
        assertTrue(twice.getMessage().contains("both workers-2"), twice.getMessage());
        var clash = assertThrows(IllegalArgumentException.class,
                () -> Sweep.parse("name: x\nbase: {workers: 1}\npoints: [{workers: 2}]", "b.yaml"));
        assertTrue(clash.getMessage().contains("'workers' is both in a point and in base"), clash.getMessage());
        var notMaps = assertThrows(IllegalArgumentException.class, () -> Sweep.parse("name: x\npoints: [2, 3]", "c.yaml"));
        assertTrue(notMaps.getMessage().contains("'points' must be a list of maps"), notMaps.getMessage());
    }
}
