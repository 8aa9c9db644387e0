package mvpos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * Building every command's model was most of the cost of a start ({@code --version} took over a
 * second of CPU): a start builds only the command it runs, and every command when it names none.
 */
class CommandLineStartupTest {
    @Test
    void aStartBuildsOnlyTheCommandItRuns() {
        assertThat(Main.commandLine("--version").getSubcommands()).isEmpty();
        assertThat(Main.commandLine("lobby", "--port", "0").getSubcommands().keySet()).containsExactly("lobby");
        assertThat(Main.commandLine("tx", "send", "--help").getSubcommands().keySet()).containsExactly("tx");
    }

    @Test
    void helpAndMistypedCommandsSeeEveryCommand() {
        assertThat(Main.commandLine("--help").getSubcommands().keySet())
                .contains("lobby", "node", "keys", "tx", "account", "block", "devnet", "testnet", "bench", "help");
        assertThat(Main.commandLine("help", "lobby").getSubcommands()).hasSize(Main.commandLine().getSubcommands().size());
        assertThat(Main.commandLine("lobbyy").getSubcommands()).hasSize(Main.commandLine().getSubcommands().size());
        assertThat(Main.commandLine().getSubcommands().get("train-startup").getCommandSpec().usageMessage().hidden())
                .isTrue();
    }

    @Test
    void theVersionIsTheSameEitherWay() {
        assertThat(run(Main.commandLine("--version"), "--version")).isEqualTo(run(Main.commandLine(), "--version"))
                .startsWith("mvpos ");
    }

    private static String run(picocli.CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute(args)).isZero();
        return out.toString();
    }
}
