package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mvpos.crypto.HashDrbg;
import mvpos.node.SystemClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many rounds with a fixed seed and real TCP validators that propose in every round: each
 * validator's win count must match its share of the stake. The test ends each round itself once the
 * lobby has confirmed all four proposals (the round timer is far away), so every round is a full
 * contest however slow the machine, and with the fixed seed the whole run, addresses and draws
 * alike, is the same every time. (Rounds ended by the timer: {@code LobbyRestartTest}.)
 */
class LobbyLotteryTest {
    private static final int ROUNDS = 400;

    @TempDir
    Path data;

    @Test
    void winCountsMatchStakeShares() throws Exception {
        // Stakes far beyond what the tutorial's one-ticket-per-token lottery could hold in memory.
        long unit = 1_000_000_000_000_000L;
        long[] stakes = {unit, 2 * unit, 3 * unit, 4 * unit};
        List<Lobby.RoundResult> results = new CopyOnWriteArrayList<>();
        try (LobbyServer server = LobbyServer.start(new LobbyServer.Settings("127.0.0.1", 0, Duration.ofHours(1),
                Duration.ofHours(1), data, 4096), SystemClock.INSTANCE, new HashDrbg(2024))) {
            server.lobby().addRoundListener(results::add);
            List<LobbyTestClient> clients = new ArrayList<>();
            Map<String, Long> stakeOf = new HashMap<>();
            try {
                for (long stake : stakes) {
                    LobbyTestClient client = new LobbyTestClient(server.port());
                    clients.add(client);
                    stakeOf.put(client.register(stake), stake);
                }
                for (int round = 1; round <= ROUNDS; round++) {
                    String confirmation = "for round " + round;
                    for (LobbyTestClient client : clients) {
                        client.sendLine("70");
                        client.await(m -> m.startsWith("proposed") && m.endsWith(confirmation), "proposal " + round);
                    }
                    server.onLoop(() -> {
                        server.lobby().endRound();
                        return null;
                    });
                    String winner = clients.get(0).awaitWinner();
                    for (LobbyTestClient client : clients.subList(1, clients.size())) {
                        assertThat(client.awaitWinner()).as("winner of round %d", round).isEqualTo(winner);
                    }
                }
            } finally {
                for (LobbyTestClient client : clients) {
                    client.close();
                }
            }

            // Expected wins: the sum over rounds of each validator's chance in that round. Tolerance: 4.5
            // standard deviations of the number of wins (sum of p(1-p)), a false alarm about once in
            // 150,000 seeds; with the fixed seed the draws, and so the verdict, are the same every run.
            assertThat(results).hasSize(ROUNDS);
            for (Map.Entry<String, Long> validator : stakeOf.entrySet()) {
                double expected = 0;
                double variance = 0;
                int wins = 0;
                for (Lobby.RoundResult round : results) {
                    Long stake = round.candidateStakes().get(validator.getKey());
                    double total = round.candidateStakes().values().stream().mapToDouble(Long::doubleValue).sum();
                    double p = stake / total;
                    expected += p;
                    variance += p * (1 - p);
                    if (round.winner().equals(validator.getKey())) {
                        wins++;
                    }
                }
                assertThat((double) wins).as("wins of the validator staking %d", validator.getValue())
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(4.5 * Math.sqrt(variance)));
            }
            // Every round was a real contest: every validator's proposal was in it.
            for (Lobby.RoundResult round : results) {
                assertThat(round.candidateStakes()).hasSize(stakes.length).containsKey(round.winner());
            }
        }
    }
}
