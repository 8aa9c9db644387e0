package mvpos.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code --out DIR} writes: NAME.csv (one row per point), NAME.json (every point and the verdict),
 * NAME.svg, and index.html with a chart and a table of each act (opens offline, see {@link LabPage}).
 */
public final class LabFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LabFiles() {
    }

    /** Writes the three files into {@code dir} (created if missing) and returns their paths. */
    public static List<Path> write(LabResult result, Path dir) throws IOException {
        Files.createDirectories(dir);
        String name = result.lab().name();
        Path csv = dir.resolve(name + ".csv");
        Path json = dir.resolve(name + ".json");
        Path svg = dir.resolve(name + ".svg");
        Files.writeString(csv, csv(result), StandardCharsets.UTF_8);
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("lab", name);
        all.put("summary", result.lab().summary());
        all.put("parameters", result.params().asText());
        List<Map<String, Object>> points = new ArrayList<>();
        result.points().forEach(p -> points.add(LabReport.json(result, p)));
        all.put("points", points);
        all.put("verdict", LabReport.verdictJson(result));
        Files.writeString(json, JSON.writeValueAsString(all) + "\n", StandardCharsets.UTF_8);
        Files.writeString(svg, SvgChart.of(result), StandardCharsets.UTF_8);
        Path index = LabPage.of(result).write(dir);
        return List.of(csv, json, svg, index);
    }

    static String csv(LabResult result) {
        Set<String> names = new LinkedHashSet<>();
        result.points().forEach(p -> names.addAll(p.params().keySet()));
        StringBuilder out = new StringBuilder("lab,act");
        names.forEach(n -> out.append(',').append(n));
        out.append(",measured,ciLow,ciHigh,theory,seeds,agrees,source\n");
        for (Point p : result.points()) {
            out.append(result.lab().name()).append(',').append(p.act().label());
            for (String n : names) {
                Object v = p.params().get(n);
                out.append(',').append(v == null ? "" : LabReport.text(v));
            }
            out.append(',').append(p.estimate().mean()).append(',').append(p.estimate().ciLow()).append(',')
                    .append(p.estimate().ciHigh()).append(',').append(p.theory() == null ? "" : p.theory())
                    .append(',').append(p.estimate().seeds()).append(',')
                    .append(p.theory() == null ? "" : p.agrees()).append(',')
                    .append('"').append(p.source() == null ? "" : p.source().replace("\"", "\"\"")).append("\"\n");
        }
        return out.toString();
    }
}
