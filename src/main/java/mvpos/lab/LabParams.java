package mvpos.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a lab's parameters for one run: the defaults, overridden by {@code k=v} from the
 * command line. Unknown names and bad values are refused with a message that lists what is accepted.
 */
public final class LabParams {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();

    private LabParams() {
    }

    /** Parses {@code assignments} ({@code k=v}) against the lab's parameters. */
    public static LabParams parse(Lab lab, List<String> assignments) {
        LabParams params = new LabParams();
        Map<String, LabParam> declared = new LinkedHashMap<>();
        for (LabParam p : lab.params()) {
            declared.put(p.name(), p);
            params.values.put(p.name(), p.parse(p.defaultValue()));
        }
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            String name = eq < 0 ? assignment : assignment.substring(0, eq).strip();
            LabParam p = declared.get(name);
            if (p == null) {
                throw new IllegalArgumentException("lab " + lab.name() + " has no parameter '" + name
                        + "'; it accepts: " + String.join(", ", declared.keySet()));
            }
            if (eq < 0) {
                throw new IllegalArgumentException("parameter '" + name + "' needs a value: --param " + name + "="
                        + p.defaultValue());
            }
            params.values.put(name, p.parse(assignment.substring(eq + 1).strip()));
        }
        return params;
    }

    /** The one value of a single-valued parameter. */
    public double number(String name) {
        return list(name).get(0);
    }

    public int integer(String name) {
        return (int) number(name);
    }

    /** The values of a sweep parameter. */
    public List<Double> list(String name) {
        List<Double> list = values.get(name);
        if (list == null) {
            throw new IllegalStateException("the lab asked for a parameter it does not declare: " + name);
        }
        return list;
    }

    public List<Integer> integers(String name) {
        List<Integer> out = new ArrayList<>();
        list(name).forEach(v -> out.add((int) Math.round(v)));
        return out;
    }

    /** Every parameter with its values, as typed (for reports). */
    public Map<String, String> asText() {
        Map<String, String> text = new LinkedHashMap<>();
        values.forEach((k, v) -> text.put(k, String.join(",", v.stream().map(LabParam::trim).toList())));
        return text;
    }
}
