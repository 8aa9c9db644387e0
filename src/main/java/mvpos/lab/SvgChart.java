package mvpos.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plain SVG line chart of a lab's sweep: the lab's x-axis parameter across, the measure up; one
 * colour per series (an act, with the values of its other parameters), the measured points joined by
 * a solid line with their 95% intervals as whiskers, the theory as a dashed line of the same colour.
 */
public final class SvgChart {
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
            "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 460;
    private static final int LEFT = 70;
    private static final int RIGHT = 230;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private SvgChart() {
    }

    public static String of(LabResult result) {
        Lab lab = result.lab();
        String x = lab.xAxis();
        Map<String, List<Point>> series = new LinkedHashMap<>();
        for (Point p : result.points()) {
            if (p.params().get(x) instanceof Number) {
                StringBuilder label = new StringBuilder(p.act().label());
                p.params().forEach((k, v) -> {
                    if (!k.equals(x)) {
                        label.append(' ').append(k).append('=').append(LabReport.text(v));
                    }
                });
                series.computeIfAbsent(label.toString(), k -> new ArrayList<>()).add(p);
            }
        }
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = 0;
        double maxY = -Double.MAX_VALUE;
        for (List<Point> points : series.values()) {
            for (Point p : points) {
                minX = Math.min(minX, p.param(x));
                maxX = Math.max(maxX, p.param(x));
                maxY = Math.max(maxY, p.estimate().ciHigh());
                minY = Math.min(minY, p.estimate().ciLow());
                if (p.theory() != null) {
                    maxY = Math.max(maxY, p.theory());
                    minY = Math.min(minY, p.theory());
                }
            }
        }
        if (series.isEmpty()) {
            minX = 0;
            maxX = 1;
            maxY = 1;
        }
        if (maxX <= minX) {
            maxX = minX + 1;
        }
        if (maxY <= minY) {
            maxY = minY + 1;
        }
        maxY = niceCeiling(maxY);
        minY = minY < 0 ? -niceCeiling(-minY) : minY;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(LEFT, 22, 15, "start", escape("mvpos lab " + lab.name() + ": " + lab.measure(Point.Act.ATTACK))));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#444\"/>%n", LEFT, TOP, plotW, plotH));
        for (int i = 0; i <= 5; i++) {
            double vx = minX + (maxX - minX) * i / 5;
            double vy = minY + (maxY - minY) * i / 5;
            double px = LEFT + plotW * i / 5.0;
            double py = TOP + plotH - plotH * i / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/>%n",
                    px, TOP + plotH, px, TOP + plotH + 5));
            svg.append(text(px, TOP + plotH + 18, 11, "middle", LabReport.number(vx)));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    LEFT, py, LEFT + plotW, py));
            svg.append(text(LEFT - 6, py + 4, 11, "end", LabReport.number(vy)));
        }
        svg.append(text(LEFT + plotW / 2.0, HEIGHT - 12, 12, "middle", escape(x)));
        int index = 0;
        for (Map.Entry<String, List<Point>> entry : series.entrySet()) {
            String colour = COLOURS[index % COLOURS.length];
            StringBuilder measured = new StringBuilder();
            StringBuilder theory = new StringBuilder();
            for (Point p : entry.getValue()) {
                double px = LEFT + plotW * (p.param(x) - minX) / (maxX - minX);
                double py = TOP + plotH - plotH * (p.estimate().mean() - minY) / (maxY - minY);
                measured.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                double lo = TOP + plotH - plotH * (p.estimate().ciLow() - minY) / (maxY - minY);
                double hi = TOP + plotH - plotH * (p.estimate().ciHigh() - minY) / (maxY - minY);
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
                        + " stroke=\"%s\"/>%n", px, lo, px, hi, colour));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                        px, py, colour));
                if (p.theory() != null) {
                    double ty = TOP + plotH - plotH * (p.theory() - minY) / (maxY - minY);
                    theory.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, ty));
                }
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\""
                    + " stroke-width=\"2\"/>%n", measured.toString().strip(), colour));
            if (!theory.isEmpty()) {
                svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\""
                        + " stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>%n", theory.toString().strip(), colour));
            }
            double ly = TOP + 10 + index * 18;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\""
                    + " stroke-width=\"2\"/>%n", WIDTH - RIGHT + 12, ly, WIDTH - RIGHT + 32, ly, colour));
            svg.append(text(WIDTH - RIGHT + 38, ly + 4, 11, "start", escape(entry.getKey())));
            index++;
        }
        double ly = TOP + 16 + index * 18;
        svg.append(text(WIDTH - RIGHT + 12, ly, 11, "start", "solid: measured (95% CI)"));
        svg.append(text(WIDTH - RIGHT + 12, ly + 16, 11, "start", "dashed: theory"));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code value}. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * power >= value * (1 - 1e-12)) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String text(double x, double y, int size, String anchor, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\">%s</text>%n",
                x, y, size, anchor, content);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
