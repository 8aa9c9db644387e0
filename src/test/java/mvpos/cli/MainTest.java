package mvpos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: help, version, and one-line errors for bad flags. */
class MainTest {
    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.run("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("lobby", "bench");
    }

    @Test
    void lobbyHelpNamesEveryOptionOfTheIssue() {
        CliRun run = CliRun.run("lobby", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--port", "--bind", "--round", "--broadcast", "--seed", "--data",
                "default: 30s", "default: 60s", "default: 127.0.0.1");
    }

    @Test
    void versionNamesTheProjectAndTheJava() {
        CliRun run = CliRun.run("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).matches("(?s)mvpos \\d+\\.\\d+\\.\\d+.*\\nJava \\d+.*");
    }

    @Test
    void aBadDurationIsOneLineThatSaysWhatToWrite() {
        CliRun run = CliRun.run("lobby", "--round", "fast");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("mvpos: error: ").contains("'fast' is not a duration", "500ms")
                .contains("(see 'mvpos lobby --help')");
    }

    @Test
    void anUnknownOptionIsNamed() {
        CliRun run = CliRun.run("lobby", "--rounds", "2s");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("mvpos: error: ").contains("--rounds");
    }

    @Test
    void anOutOfRangePortIsRefused() {
        CliRun run = CliRun.run("lobby", "--port", "70000");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("mvpos: error: port 70000 (from --port) is not between 0 and 65535"
                + System.lineSeparator());
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsOneLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        CliRun run = CliRun.run("lobby", "--port", "0", "--data", file.resolve("chain").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("mvpos: error: cannot create data directory ").doesNotContain("Exception");
        assertThat(run.err().lines().count()).isEqualTo(1);
    }

    @Test
    void theDotEnvFileGivesThePortAsTheTutorialWritesIt(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("PORT") == null && System.getenv("ADDR") == null,
                "PORT or ADDR is set in this environment");
        assertThat(DotEnvPort.resolve(dir)).isEmpty();

        Files.writeString(dir.resolve(".env"), "ADDR=9100\n");
        assertThat(DotEnvPort.resolve(dir)).contains(new DotEnvPort.Choice(9100, ".env ADDR"));

        Files.writeString(dir.resolve(".env"), "# the tutorial's code reads PORT\nADDR=9100\nPORT=:9200\n");
        assertThat(DotEnvPort.resolve(dir)).contains(new DotEnvPort.Choice(9200, ".env PORT"));

        Files.writeString(dir.resolve(".env"), "ADDR=ninety\n");
        assertThatThrownBy(() -> DotEnvPort.resolve(dir)).isInstanceOf(Main.UserError.class)
                .hasMessage(".env ADDR=ninety is not a port number (0 to 65535)");
    }
}
