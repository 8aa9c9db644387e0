package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mvpos.crypto.HashDrbg;
import mvpos.node.SystemClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a second tutorial run found: the chain went on while round numbers started again at 1. Rounds
 * are now numbered after the block they decide, {@code --fresh} starts a new chain, and a BPM is read
 * as consistently as a balance (ASCII digits only; a whole number out of range is an error, not a
 * malformed block).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LobbyRoundsTest {
    @TempDir
    Path data;

    private LobbyServer start(boolean fresh) throws Exception {
        return LobbyServer.start(new LobbyServer.Settings("127.0.0.1", 0, Duration.ofHours(1), Duration.ofHours(1),
                data, 4096, fresh, LobbyServer.Limits.DEFAULTS), SystemClock.INSTANCE, new HashDrbg(7));
    }

    private static void playOneRound(LobbyServer server, String expectedProposal) throws Exception {
        try (LobbyTestClient client = new LobbyTestClient(server.port())) {
            client.register(10);
            client.sendLine("72");
            assertThat(client.await(m -> m.startsWith("proposed"), "proposal")).isEqualTo(expectedProposal);
            server.onLoop(() -> {
                server.lobby().endRound();
                return null;
            });
            client.awaitWinner();
        }
    }

    @Test
    void roundsFollowTheChainAcrossRestartsAndFreshStartsANewOne() throws Exception {
        try (LobbyServer first = start(false)) {
            playOneRound(first, "proposed block 1 with BPM 72 for round 1");
            playOneRound(first, "proposed block 2 with BPM 72 for round 2");
        }
        try (LobbyServer again = start(false)) {
            assertThat(again.onLoop(() -> again.lobby().currentRound())).isEqualTo(3);
            playOneRound(again, "proposed block 3 with BPM 72 for round 3");
        }
        try (LobbyServer fresh = start(true)) {
            assertThat(fresh.onLoop(() -> fresh.lobby().blocks())).hasSize(1);
            playOneRound(fresh, "proposed block 1 with BPM 72 for round 1");
        }
        try (LobbyServer afterFresh = start(false)) {
            assertThat(afterFresh.onLoop(() -> afterFresh.lobby().blocks())).as("the fresh chain was kept").hasSize(2);
        }
    }

    @Test
    void aBpmOutOfRangeIsAnErrorAndDigitsOfOtherScriptsAreNotANumber() throws Exception {
        try (LobbyServer server = start(false);
             LobbyTestClient client = new LobbyTestClient(server.port())) {
            assertThat(client.next()).isEqualTo(Lobby.BALANCE_PROMPT);
            client.sendLine("\u0661\u0660"); // Arabic-Indic "10"
            assertThat(client.next()).isEqualTo("error: '\u0661\u0660' is not a whole number; enter a token balance from 1 to "
                    + Long.MAX_VALUE);
            client.register(10);

            client.sendLine("2147483648");
            assertThat(client.next()).isEqualTo("error: a BPM must be between -2147483648 and 2147483647");
            assertThat(client.next()).isEqualTo(Lobby.BPM_PROMPT);
            client.sendLine("2147483647");
            assertThat(client.next()).startsWith("proposed block 1 with BPM 2147483647");
            assertThat(client.next()).isEqualTo(Lobby.BPM_PROMPT);

            client.sendLine("\u0667\u0662"); // Arabic-Indic "72": not a whole number here either
            assertThat(client.next()).startsWith("slashed: '\u0667\u0662' is not a BPM (a whole number)");
            assertThat(client.isClosedByServer(Duration.ofSeconds(30))).isTrue();
        }
    }
}
