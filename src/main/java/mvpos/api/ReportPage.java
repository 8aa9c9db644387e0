package mvpos.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.api.explorer.NotFoundPage;

/**
 * A report as a folder a browser opens offline: {@code index.html} with headings, text, tables and
 * line charts of data series, beside the charting library it uses (uPlot, copied from the jar). For
 * the simulator and the labs ({@code --out DIR}): build it, then {@link #write} it.
 *
 * <pre>
 * ReportPage.titled("Selfish mining, alpha = 0.3")
 *     .paragraph("Revenue share of the selfish pool against its hash power.")
 *     .chart(new ReportPage.Chart("revenue", "hash power", "share", xs,
 *         List.of(new ReportPage.Series("measured", measured), new ReportPage.Series("theory", theory))))
 *     .table(List.of("alpha", "measured", "theory"), rows)
 *     .write(outDir);
 * </pre>
 *
 * Every text is escaped; the data goes in as JSON that no value can break out of.
 */
public final class ReportPage {
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/";
    private static final Map<String, String> LIBRARY = Map.of(
            "uPlot.iife.min.js", UPLOT + "dist/uPlot.iife.min.js",
            "uPlot.min.css", UPLOT + "dist/uPlot.min.css",
            "uPlot.LICENSE.txt", UPLOT + "LICENSE",
            "report.js", "/mvpos/explorer/report.js");

    /** One line of a chart: a label and a value for each x (NaN for a gap). */
    public record Series(String label, double[] values) {
    }

    /** A line chart: x values and the series drawn over them. */
    public record Chart(String title, String xLabel, String yLabel, double[] x, List<Series> series) {
        public Chart {
            series = List.copyOf(series);
            for (Series s : series) {
                if (s.values().length != x.length) {
                    throw new IllegalArgumentException("series '" + s.label() + "' has " + s.values().length
                            + " values for " + x.length + " x values");
                }
            }
        }
    }

    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final List<Map<String, Object>> charts = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();

    private ReportPage(String title) {
        this.title = title;
    }

    public static ReportPage titled(String title) {
        return new ReportPage(title);
    }

    public ReportPage heading(String text) {
        body.append("<h2>").append(NotFoundPage.escape(text)).append("</h2>\n");
        return this;
    }

    public ReportPage paragraph(String text) {
        body.append("<p>").append(NotFoundPage.escape(text)).append("</p>\n");
        return this;
    }

    /** A table: a header row, then rows of cells (shown as text). */
    public ReportPage table(List<String> headers, List<List<?>> rows) {
        body.append("<table><thead><tr>");
        headers.forEach(h -> body.append("<th>").append(NotFoundPage.escape(h)).append("</th>"));
        body.append("</tr></thead><tbody>\n");
        for (List<?> row : rows) {
            body.append("<tr>");
            row.forEach(cell -> body.append("<td>").append(NotFoundPage.escape(String.valueOf(cell))).append("</td>"));
            body.append("</tr>\n");
        }
        body.append("</tbody></table>\n");
        return this;
    }

    public ReportPage chart(Chart chart) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("title", chart.title());
        spec.put("xLabel", chart.xLabel());
        spec.put("yLabel", chart.yLabel());
        spec.put("x", finite(chart.x()));
        // an ordered map, not Map.of: its order changes from one JVM run to the next, and the page must not
        spec.put("series", chart.series().stream().map(s -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("label", s.label());
            line.put("values", finite(s.values()));
            return line;
        }).toList());
        body.append("<div class=\"chart\" data-chart=\"").append(charts.size()).append("\"></div>\n");
        charts.add(spec);
        return this;
    }

    /** JSON has no NaN: a gap is null. */
    private static List<Double> finite(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double v : values) {
            list.add(Double.isFinite(v) ? v : null);
        }
        return list;
    }

    /** The page's HTML. */
    public String html() {
        String data;
        try {
            data = json.writeValueAsString(charts).replace("<", "\\u003c").replace(">", "\\u003e")
                    .replace("&", "\\u0026");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>%1$s</title>
                <link rel="icon" href="data:,">
                <link rel="stylesheet" href="uPlot.min.css">
                <style>body{font:14px/1.45 system-ui,sans-serif;margin:16px 24px;color:#1d232a}
                table{border-collapse:collapse}th,td{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}
                .chart{margin:12px 0}footer{color:#6b7783;font-size:12px;margin-top:24px}</style></head>
                <body><h1>%1$s</h1>
                %2$s<footer>Charts drawn with <a href="uPlot.LICENSE.txt">uPlot</a> (MIT); this folder works offline.</footer>
                <script id="charts" type="application/json">%3$s</script>
                <script src="uPlot.iife.min.js"></script>
                <script src="report.js"></script>
                </body></html>
                """.formatted(NotFoundPage.escape(title), body, data);
    }

    /** Writes {@code index.html} and the charting library into {@code dir} (created if needed); returns the page. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> file : LIBRARY.entrySet()) {
            try (InputStream in = ReportPage.class.getResourceAsStream(file.getValue())) {
                if (in == null) {
                    throw new IOException("missing from the jar: " + file.getValue());
                }
                Files.write(dir.resolve(file.getKey()), in.readAllBytes());
            }
        }
        Path index = dir.resolve("index.html");
        Files.writeString(index, html(), StandardCharsets.UTF_8);
        return index;
    }
}
