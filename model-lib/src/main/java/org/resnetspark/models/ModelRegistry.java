package org.resnetspark.models;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Model names the command line accepts, each spelling its variant: {@code resnet20} (shortcut
 * option A, the paper's CIFAR choice), {@code resnet56-B}, {@code resnet110-C}, {@code plain32}.
 * A spec's {@link CifarResNetSpec#name()} parses back to the same spec.
 */
public final class ModelRegistry {

    /** The networks of He et al. 2015, Table 6 and Figure 6, listed by {@code models}. */
    public static final List<String> PAPER_MODELS = List.of(
            "resnet20", "resnet32", "resnet44", "resnet56", "resnet110", "resnet1202",
            "resnet20-B", "resnet20-C", "resnet56-B", "resnet56-C", "resnet110-B", "resnet110-C",
            "plain20", "plain32", "plain44", "plain56", "plain110");

    public static final String ACCEPTED = "resnet<depth>[-A|-B|-C] or plain<depth>, depth = "
            + CifarResNetSpec.VALID_DEPTHS + "; e.g. resnet20, resnet56-B, plain110";

    private static final Pattern NAME = Pattern.compile("(resnet|plain)(\\d+)(?:-([a-z]))?");

    private ModelRegistry() {
    }

    public static ModelSpec parse(String name) {
        return parse(name, 10, InputShape.CIFAR);
    }

    public static ModelSpec parse(String name, int numClasses, InputShape input) {
        Matcher m = NAME.matcher(name.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("Unknown model '" + name + "'. Accepted: " + ACCEPTED);
        }
        int depth = Integer.parseInt(m.group(2));
        boolean plain = m.group(1).equals("plain");
        String option = m.group(3);
        if (plain && option != null) {
            throw new IllegalArgumentException("'" + name + "': a plain net has no shortcuts, so no shortcut option. "
                    + "Accepted: " + ACCEPTED);
        }
        Shortcut shortcut;
        if (plain) {
            shortcut = Shortcut.NONE;
        } else if (option == null) {
            shortcut = Shortcut.A;
        } else {
            shortcut = switch (option) {
                case "a" -> Shortcut.A;
                case "b" -> Shortcut.B;
                case "c" -> Shortcut.C;
                default -> throw new IllegalArgumentException("'" + name + "': unknown shortcut option '"
                        + option.toUpperCase(Locale.ROOT) + "'. Accepted: A, B, C");
            };
        }
        try {
            return new CifarResNetSpec(depth, shortcut, numClasses, input);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "': " + e.getMessage(), e);
        }
    }
}
