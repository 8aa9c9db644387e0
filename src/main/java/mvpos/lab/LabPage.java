package mvpos.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import mvpos.api.ReportPage;

/**
 * A lab's result as a page a browser opens offline ({@code index.html} of {@code --out DIR}): the lab,
 * its model and verdict, then for each act a chart of the sweep (measured, its 95% interval and the
 * theory, one line each per value of the other parameters) and the table of its points.
 */
public final class LabPage {
    private LabPage() {
    }

    public static ReportPage of(LabResult result) {
        Lab lab = result.lab();
        ReportPage page = ReportPage.titled("mvpos lab " + lab.name())
                .paragraph(lab.summary())
                .paragraph("Model: " + lab.model())
                .paragraph("Parameters: " + result.params().asText() + "; " + result.seeds() + " seeds from seed "
                        + result.seed() + ".")
                .paragraph("Verdict: " + (result.verdict().holds() ? "HOLDS" : "DOES NOT HOLD") + " - "
                        + result.verdict().text());
        for (Point.Act act : Point.Act.values()) {
            List<Point> points = result.act(act);
            if (points.isEmpty()) {
                continue;
            }
            page.heading("Act " + act.label() + ": " + lab.measure(act));
            chart(lab, act, points).ifPresent(page::chart);
            page.table(headers(points), rows(points));
        }
        return page;
    }

    /** The sweep along the lab's x-axis parameter; empty when the act has no numeric x values. */
    private static java.util.Optional<ReportPage.Chart> chart(Lab lab, Point.Act act, List<Point> points) {
        String x = lab.xAxis();
        TreeSet<Double> xs = new TreeSet<>();
        Map<String, Map<Double, Point>> groups = new LinkedHashMap<>();
        for (Point p : points) {
            if (p.params().get(x) instanceof Number) {
                xs.add(p.param(x));
                groups.computeIfAbsent(others(p, x), k -> new LinkedHashMap<>()).put(p.param(x), p);
            }
        }
        if (xs.isEmpty()) {
            return java.util.Optional.empty();
        }
        double[] axis = xs.stream().mapToDouble(Double::doubleValue).toArray();
        List<ReportPage.Series> series = new ArrayList<>();
        for (Map.Entry<String, Map<Double, Point>> group : groups.entrySet()) {
            String suffix = group.getKey().isEmpty() ? "" : " " + group.getKey();
            Map<Double, Point> byX = group.getValue();
            series.add(new ReportPage.Series("measured" + suffix, values(axis, byX, p -> p.estimate().mean())));
            series.add(new ReportPage.Series("95% low" + suffix, values(axis, byX, p -> p.estimate().ciLow())));
            series.add(new ReportPage.Series("95% high" + suffix, values(axis, byX, p -> p.estimate().ciHigh())));
            if (byX.values().stream().anyMatch(p -> p.theory() != null)) {
                series.add(new ReportPage.Series("theory" + suffix,
                        values(axis, byX, p -> p.theory() == null ? Double.NaN : p.theory())));
            }
        }
        return java.util.Optional.of(new ReportPage.Chart(act.label(), x, lab.measure(act), axis, series));
    }

    private static String others(Point p, String x) {
        StringBuilder label = new StringBuilder();
        p.params().forEach((k, v) -> {
            if (!k.equals(x)) {
                label.append(label.isEmpty() ? "" : " ").append(k).append('=').append(LabReport.text(v));
            }
        });
        return label.toString();
    }

    private static double[] values(double[] axis, Map<Double, Point> byX, java.util.function.ToDoubleFunction<Point> f) {
        double[] values = new double[axis.length];
        for (int i = 0; i < axis.length; i++) {
            Point p = byX.get(axis[i]);
            values[i] = p == null ? Double.NaN : f.applyAsDouble(p);
        }
        return values;
    }

    private static List<String> headers(List<Point> points) {
        List<String> headers = new ArrayList<>(points.get(0).params().keySet());
        headers.addAll(List.of("measured", "95% CI", "theory", "agrees", "source"));
        return headers;
    }

    private static List<List<?>> rows(List<Point> points) {
        List<String> names = new ArrayList<>(points.get(0).params().keySet());
        List<List<?>> rows = new ArrayList<>();
        for (Point p : points) {
            List<Object> row = new ArrayList<>();
            names.forEach(n -> row.add(LabReport.text(p.params().get(n))));
            row.add(LabReport.number(p.estimate().mean()));
            row.add("[" + LabReport.number(p.estimate().ciLow()) + ", " + LabReport.number(p.estimate().ciHigh()) + "]");
            row.add(p.theory() == null ? "-" : LabReport.number(p.theory()));
            row.add(p.theory() == null ? "-" : p.agrees() ? "yes" : "no");
            row.add(p.source() == null ? "" : p.source());
            rows.add(row);
        }
        return rows;
    }
}
