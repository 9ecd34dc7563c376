package org.resnetspark.experiments;

import java.util.Map;

/** Published CIFAR-10 test errors (%), for comparison in reports. */
public final class PaperResults {

    /** By registry name: He et al. 2015 Table 6, He et al. 2016 Table 3, Zagoruyko and Komodakis 2016 Table 4. */
    public static final Map<String, Double> CIFAR10_ERROR = Map.ofEntries(
            Map.entry("resnet20", 8.75), Map.entry("resnet32", 7.51), Map.entry("resnet44", 7.17),
            Map.entry("resnet56", 6.97), Map.entry("resnet110", 6.43), Map.entry("resnet1202", 7.93),
            Map.entry("preact110", 6.37), Map.entry("preact164", 5.46), Map.entry("preact1001", 4.92),
            Map.entry("resnet164", 5.93), Map.entry("resnet1001", 7.61),
            Map.entry("wrn-16-4", 5.02), Map.entry("wrn-28-10", 4.00), Map.entry("wrn-28-10-dropout0.3", 3.89));

    public static final String SOURCES = "He et al. 2015 (Table 6), He et al. 2016 (Table 3), "
            + "Zagoruyko and Komodakis 2016 (Table 4); CIFAR-10 test error, % (median of 5 runs where reported)";

    private PaperResults() {
    }

    /** The published error for a model on a dataset, or null. */
    public static Double error(String model, String dataset) {
        // Option A is the paper's CIFAR-10 shortcut: resnet20-A is its ResNet-20.
        return "cifar10".equals(dataset) ? CIFAR10_ERROR.get(model.replaceFirst("-A$", "")) : null;
    }
}
