package mvpos.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Block;
import mvpos.cli.Main;
import mvpos.crypto.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mvpos bench import} at a tiny size: the import reaches the built chain's head; no timing is checked. */
class ImportBenchTest {
    private static final ImportBench.Config TINY = new ImportBench.Config(5, 20, 10, 2, 7, 2);

    @TempDir
    Path dir;

    @Test
    void importsTheWholeBuiltChainIntoANodeOverRocksDb() throws Exception {
        ImportBench.Chain chain = ImportBench.build(TINY);
        assertThat(chain.blocks()).hasSize(5);
        assertThat(chain.transactions()).isEqualTo(100);
        Block head = chain.head();

        ImportBench.ImportFigures imported = ImportBench.importChain(chain, TINY.batch(), dir.resolve("db"));

        assertThat(imported.height()).isEqualTo(5);
        assertThat(imported.headHash()).isEqualTo(Hex.encode(head.hash()));
        assertThat(imported.transactions()).isEqualTo(100);
    }

    @Test
    void theSameSeedBuildsTheSameChain() {
        assertThat(ImportBench.build(TINY).head().hash()).isEqualTo(ImportBench.build(TINY).head().hash());
    }

    @Test
    void aWholeRunReportsItsFiguresAndDeletesItsTemporaryDirectory() throws Exception {
        List<String> lines = new ArrayList<>();
        ImportBench.Report report = ImportBench.run(TINY, dir, 0.05, lines::add);

        assertThat(report.imported().height()).isEqualTo(5);
        assertThat(report.imported().headHash()).isEqualTo(Hex.encode(report.chain().head().hash()));
        assertThat(report.verify().verifications()).isPositive();
        assertThat(report.figures()).containsKeys("importTxPerSecond", "verifyPerSecondPerCore", "cores",
                "targetTxPerSecond", "percentOfCapacity");
        assertThat(lines).anyMatch(l -> l.startsWith("import 1 of 2: 5 blocks (100 transactions)"));
        assertThat(lines).anyMatch(l -> l.startsWith("import 2 of 2: 5 blocks (100 transactions)"));
        assertThat(lines).anyMatch(l -> l.startsWith("median of 2 imports: "));
        assertThat(lines).anyMatch(l -> l.contains("verifications/s per core before the imports"));
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void refusesBadSizesWithOneLine() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("bench", "import", "--blocks", "0")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("mvpos: error: --blocks must be between 1 and 100000, got 0"
                + System.lineSeparator());
    }
}
