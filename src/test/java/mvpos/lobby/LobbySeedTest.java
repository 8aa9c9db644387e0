package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvpos lobby --seed N} is reproducible across processes: the same seed and the same proposals
 * give the same validator addresses and the same winner; another seed gives other addresses.
 */
class LobbySeedTest {
    @TempDir
    Path dir;

    /** What one run showed: the addresses given, in order, then the first round's winner. */
    private record Run(List<String> addresses, String winner) {
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theSameSeedGivesTheSameAddressesAndWinnerInAnotherProcess() throws Exception {
        Run first = run("7", "first");
        Run second = run("7", "second");
        Run other = run("8", "other");
        assertThat(first.addresses()).hasSize(3).doesNotHaveDuplicates();
        assertThat(second).isEqualTo(first);
        assertThat(other.addresses()).doesNotContainAnyElementsOf(first.addresses());
    }

    /**
     * Three validators register, then propose; the winner of the round that holds all three proposals.
     * Rounds run on the lobby's own timer (3 s): when a round boundary falls between the proposals (the
     * lobby says which round each proposal is for), the run is not a comparison of the same proposals
     * and is made again on a fresh chain; the verdict never depends on timing.
     */
    private Run run(String seed, String name) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            Path data = dir.resolve(name + attempt);
            List<LobbyTestClient> clients = new ArrayList<>();
            try (LobbyProcess lobby = new LobbyProcess(data, "--seed", seed, "--round", "3s", "--broadcast", "1h")) {
                List<String> addresses = new ArrayList<>();
                for (long stake : new long[] {10, 20, 30}) {
                    LobbyTestClient client = new LobbyTestClient(lobby.port());
                    clients.add(client);
                    addresses.add(client.register(stake));
                }
                List<String> rounds = new ArrayList<>();
                for (LobbyTestClient client : clients) {
                    client.sendLine("70");
                    String reply = client.await(m -> m.startsWith("proposed"), "proposal");
                    rounds.add(reply.substring(reply.lastIndexOf(' ') + 1));
                }
                if (rounds.stream().distinct().count() != 1 || !rounds.get(0).equals("1")) {
                    continue; // a round ended between the registrations or the proposals: not the same run
                }
                return new Run(addresses, clients.get(0).awaitWinner());
            } finally {
                for (LobbyTestClient client : clients) {
                    client.close();
                }
            }
        }
        throw new AssertionError("five runs in a row had a round boundary between their proposals");
    }
}
