package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mvpos.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mvpos lab}: the list, the JSON lines, the files, determinism and one-line errors. */
class LabCommandTest {
    private static final String[] SMALL = {"lab", "run", "double-spend", "--param", "q=0.2,0.3", "--param", "z=1,2",
            "--param", "trials=300", "--param", "blocks=100", "--seeds", "3"};

    @Test
    void listNamesEveryLabAndItsParameters() {
        CliRun run = CliRun.run("lab", "list");
        assertThat(run.exitCode()).isZero();
        for (String name : Labs.names()) {
            assertThat(run.out()).contains(name);
        }
        assertThat(run.out()).contains("trials");
    }

    @Test
    void jsonHasOneParsableLinePerPointThenTheVerdict() throws Exception {
        CliRun run = CliRun.run(json(SMALL));
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        ObjectMapper mapper = new ObjectMapper();
        for (String line : lines.subList(0, lines.size() - 1)) {
            JsonNode node = mapper.readTree(line);
            assertThat(node.get("lab").asText()).isEqualTo("double-spend");
            assertThat(node.get("act").asText()).isIn("build", "attack", "improve");
            assertThat(node.get("params").isObject()).isTrue();
            for (String field : List.of("measured", "ciLow", "ciHigh", "theory", "source", "seeds")) {
                assertThat(node.has(field)).as(field).isTrue();
            }
            assertThat(node.get("ciLow").asDouble()).isLessThanOrEqualTo(node.get("measured").asDouble());
            assertThat(node.get("seeds").asInt()).isEqualTo(3);
        }
        JsonNode verdict = mapper.readTree(lines.get(lines.size() - 1));
        assertThat(verdict.has("verdict")).isTrue();
        assertThat(lines).hasSize(2 + 4 + 2 + 1);
    }

    @Test
    void theSameSeedGivesTheSameOutputAndAnotherSeedAnother() {
        String first = CliRun.run(json(SMALL)).out();
        assertThat(CliRun.run(json(SMALL)).out()).isEqualTo(first);
        String[] other = java.util.Arrays.copyOf(json(SMALL), json(SMALL).length + 2);
        other[other.length - 2] = "--seed";
        other[other.length - 1] = "2";
        assertThat(CliRun.run(other).out()).isNotEqualTo(first);
    }

    @Test
    void outWritesCsvJsonAndSvg(@TempDir Path dir) throws Exception {
        String[] args = java.util.Arrays.copyOf(SMALL, SMALL.length + 2);
        args[args.length - 2] = "--out";
        args[args.length - 1] = dir.toString();
        CliRun run = CliRun.run(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(dir.resolve("double-spend.csv"))).startsWith("lab,act,q").contains("attack");
        assertThat(new ObjectMapper().readTree(dir.resolve("double-spend.json").toFile()).get("points").size())
                .isEqualTo(8);
        String svg = Files.readString(dir.resolve("double-spend.svg"));
        assertThat(svg).startsWith("<svg").contains("<polyline").endsWith("</svg>\n");
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("double-spend.svg").toFile()); // well-formed XML
        // The page a browser opens offline: a chart of each act with its data, and the library beside it.
        String page = Files.readString(dir.resolve("index.html"));
        assertThat(page).contains("mvpos lab double-spend").contains("Act attack").contains("data-chart=\"1\"")
                .contains("\"theory\"").doesNotContain("http://", "https://");
        assertThat(dir.resolve("uPlot.iife.min.js")).isNotEmptyFile();
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        List<List<String>> bad = List.of(
                List.of("lab", "run", "no-such-lab"),
                List.of("lab", "run", "double-spend", "--param", "nope=1"),
                List.of("lab", "run", "double-spend", "--param", "q=1.5"),
                List.of("lab", "run", "double-spend", "--param", "q=-0.1"),
                List.of("lab", "run", "double-spend", "--param", "q=0.3,0.1"),
                List.of("lab", "run", "double-spend", "--param", "q=abc"),
                List.of("lab", "run", "double-spend", "--param", "z=1.5"),
                List.of("lab", "run", "double-spend", "--param", "q"),
                List.of("lab", "run", "double-spend", "--seeds", "1"),
                List.of("lab", "run", "double-spend", "--seeds", "x"));
        for (List<String> args : bad) {
            CliRun run = CliRun.run(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
            assertThat(run.err()).startsWith("mvpos: error: ").doesNotContain("Exception");
        }
        assertThat(CliRun.run("lab", "run", "no-such-lab").err()).contains("double-spend");
        assertThat(CliRun.run("lab", "run", "double-spend", "--param", "nope=1").err()).contains("q, z");
    }

    private static String[] json(String[] args) {
        String[] withJson = java.util.Arrays.copyOf(args, args.length + 1);
        withJson[args.length] = "--json";
        return withJson;
    }
}
