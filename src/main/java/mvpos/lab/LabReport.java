package mvpos.lab;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The text a lab prints: each act's table (measured, interval, theory, agreement), its sources, the verdict. */
public final class LabReport {
    private LabReport() {
    }

    public static void print(LabResult result, PrintWriter out) {
        Lab lab = result.lab();
        out.println("lab " + lab.name() + ": " + lab.summary());
        out.println("model: " + lab.model());
        out.println("parameters: " + result.params().asText() + ", seeds " + result.seeds() + ", seed "
                + result.seed());
        for (Point.Act act : Point.Act.values()) {
            List<Point> points = result.act(act);
            if (points.isEmpty()) {
                continue;
            }
            out.println();
            out.println("act " + act.label() + ": " + lab.measure(act));
            List<String> names = new ArrayList<>(points.get(0).params().keySet());
            StringBuilder header = new StringBuilder();
            names.forEach(n -> header.append(String.format(Locale.ROOT, "%-8s ", n)));
            header.append(String.format(Locale.ROOT, "%10s  %-23s %10s  %s", "measured", "95% CI", "theory", "agrees"));
            out.println("  " + header);
            Set<String> sources = new LinkedHashSet<>();
            for (Point p : points) {
                StringBuilder row = new StringBuilder();
                names.forEach(n -> row.append(String.format(Locale.ROOT, "%-8s ", text(p.params().get(n)))));
                row.append(String.format(Locale.ROOT, "%10s  %-23s %10s  %s", number(p.estimate().mean()),
                        "[" + number(p.estimate().ciLow()) + ", " + number(p.estimate().ciHigh()) + "]",
                        p.theory() == null ? "-" : number(p.theory()),
                        p.theory() == null ? "-" : p.agrees() ? "yes" : "NO"));
                out.println("  " + row);
                if (p.source() != null && !p.source().isBlank()) {
                    sources.add(p.source());
                }
            }
            sources.forEach(s -> out.println("  theory: " + s));
        }
        out.println();
        out.println("verdict: " + (result.verdict().holds() ? "HOLDS" : "DOES NOT HOLD") + " - "
                + result.verdict().text());
        out.flush();
    }

    /** A figure with four significant digits, never in scientific notation for ordinary values. */
    public static String number(double value) {
        if (value == 0) {
            return "0";
        }
        if (Math.abs(value) >= 1e-4 && Math.abs(value) < 1e7) {
            return new java.math.BigDecimal(value).round(new java.math.MathContext(4)).stripTrailingZeros()
                    .toPlainString();
        }
        return String.format(Locale.ROOT, "%.3e", value);
    }

    static String text(Object value) {
        return value instanceof Double d ? LabParam.trim(d) : String.valueOf(value);
    }

    /** The JSON object of one point, as {@code --json} prints it. */
    public static Map<String, Object> json(LabResult result, Point p) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("lab", result.lab().name());
        line.put("act", p.act().label());
        line.put("params", p.params());
        line.put("measured", p.estimate().mean());
        line.put("ciLow", p.estimate().ciLow());
        line.put("ciHigh", p.estimate().ciHigh());
        line.put("theory", p.theory());
        line.put("source", p.source());
        line.put("seeds", p.estimate().seeds());
        line.put("agrees", p.theory() == null ? null : p.agrees());
        line.put("tolerance", p.tolerance());
        return line;
    }

    /** The last JSON line: the verdict. */
    public static Map<String, Object> verdictJson(LabResult result) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("lab", result.lab().name());
        line.put("verdict", result.verdict().holds() ? "holds" : "does not hold");
        line.put("holds", result.verdict().holds());
        line.put("text", result.verdict().text());
        line.put("seed", result.seed());
        line.put("seeds", result.seeds());
        return line;
    }
}
