package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mvpos.crypto.HashDrbg;
import mvpos.node.SystemClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many fast rounds with a fixed seed, real timers and real TCP validators that propose again as
 * soon as they hear a winner: each validator's win count must match its share of the stake.
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
        CountDownLatch enough = new CountDownLatch(ROUNDS);
        try (LobbyServer server = LobbyServer.start(new LobbyServer.Settings("127.0.0.1", 0, Duration.ofMillis(20),
                Duration.ofHours(1), data, 4096), SystemClock.INSTANCE, new HashDrbg(2024))) {
            server.lobby().addRoundListener(result -> {
                results.add(result);
                enough.countDown();
            });
            List<LobbyTestClient> clients = new ArrayList<>();
            List<Thread> proposers = new ArrayList<>();
            Map<String, Long> stakeOf = new HashMap<>();
            for (long stake : stakes) {
                LobbyTestClient client = new LobbyTestClient(server.port());
                clients.add(client);
                stakeOf.put(client.register(stake), stake);
                Thread proposer = new Thread(() -> proposeEveryRound(client), "proposer");
                proposer.setDaemon(true);
                proposers.add(proposer);
            }
            proposers.forEach(Thread::start);
            assertThat(enough.await(60, TimeUnit.SECONDS)).as("%d rounds within a minute", ROUNDS).isTrue();
            for (LobbyTestClient client : clients) {
                client.close();
            }

            // Expected wins: the sum over rounds of each validator's chance in that round, given who
            // proposed in it (a validator that missed a round had no chance in it). Tolerance: 4.5
            // standard deviations of the number of wins (sum of p(1-p)), a false alarm about once in
            // 150,000 runs; with the fixed seed the draws themselves are reproducible.
            List<Lobby.RoundResult> counted = results.subList(0, ROUNDS);
            for (Map.Entry<String, Long> validator : stakeOf.entrySet()) {
                double expected = 0;
                double variance = 0;
                int wins = 0;
                for (Lobby.RoundResult round : counted) {
                    Long stake = round.candidateStakes().get(validator.getKey());
                    if (stake != null) {
                        double total = round.candidateStakes().values().stream().mapToDouble(Long::doubleValue).sum();
                        double p = stake / total;
                        expected += p;
                        variance += p * (1 - p);
                    }
                    if (round.winner().equals(validator.getKey())) {
                        wins++;
                    }
                }
                assertThat((double) wins).as("wins of the validator staking %d", validator.getValue())
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(4.5 * Math.sqrt(variance)));
            }
            // And the rounds were real contests: most had every validator in them.
            long full = counted.stream().filter(r -> r.candidateStakes().size() == stakes.length).count();
            assertThat(full).isGreaterThan(ROUNDS / 2);
            for (Lobby.RoundResult round : counted) {
                assertThat(round.candidateStakes()).containsKey(round.winner());
            }
        }
    }

    private static void proposeEveryRound(LobbyTestClient client) {
        try {
            client.sendLine("70");
            while (true) {
                client.awaitWinner();
                client.sendLine("70");
            }
        } catch (Exception | AssertionError e) {
            // the test closed the connection
        }
    }
}
