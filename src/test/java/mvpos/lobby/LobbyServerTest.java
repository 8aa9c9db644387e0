package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import mvpos.crypto.HashDrbg;
import mvpos.node.SystemClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TCP clients against a real lobby whose rounds the test ends by hand. */
class LobbyServerTest {
    @TempDir
    Path data;

    private LobbyServer server;
    private final List<LobbyTestClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        // Rounds and broadcasts far in the future: the tests trigger them, so nothing depends on timing.
        server = LobbyServer.start(new LobbyServer.Settings("127.0.0.1", 0, Duration.ofHours(1), Duration.ofHours(1),
                data, 4096), SystemClock.INSTANCE, new HashDrbg(7));
    }

    @AfterEach
    void stop() throws Exception {
        for (LobbyTestClient client : clients) {
            client.close();
        }
        server.close();
    }

    private LobbyTestClient connect() throws Exception {
        LobbyTestClient client = new LobbyTestClient(server.port());
        clients.add(client);
        return client;
    }

    private <T> T onLoop(Callable<T> query) throws Exception {
        return server.onLoop(query);
    }

    private void endRound() throws Exception {
        onLoop(() -> {
            server.lobby().endRound();
            return null;
        });
    }

    private void broadcastChain() throws Exception {
        onLoop(() -> {
            server.lobby().broadcastChain();
            return null;
        });
    }

    /** Polls the lobby (on its loop) until the condition holds; the deadline is generous, never the verdict. */
    private void eventually(Callable<Boolean> condition, String what) throws Exception {
        mvpos.testing.Eventually.holds(() -> onLoop(condition), RawLobbyClient.WAIT, what);
    }

    @Test
    void theWholeConversationOfTheTutorial() throws Exception {
        LobbyTestClient validator = connect();
        LobbyTestClient onlooker = connect();
        assertThat(onlooker.next()).isEqualTo(Lobby.BALANCE_PROMPT);

        String address = validator.register(100);
        assertThat(address).matches("[0-9a-f]{64}");

        validator.sendLine("72");
        assertThat(validator.next()).isEqualTo("proposed block 1 with BPM 72 for round 1");
        assertThat(validator.next()).isEqualTo(Lobby.BPM_PROMPT);

        endRound();
        assertThat(validator.awaitWinner()).isEqualTo(address);
        assertThat(onlooker.awaitWinner()).isEqualTo(address);

        broadcastChain();
        String json = validator.await(m -> m.startsWith("["), "chain broadcast");
        JsonNode chain = new ObjectMapper().readTree(json);
        assertThat(chain).hasSize(2);
        List<String> keys = new ArrayList<>();
        chain.get(1).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("Index", "Timestamp", "BPM", "Hash", "PrevHash", "Validator");
        assertThat(chain.get(1).get("BPM").asInt()).isEqualTo(72);
        assertThat(chain.get(1).get("Validator").asText()).isEqualTo(address);
        assertThat(chain.get(1).get("PrevHash").asText()).isEqualTo(chain.get(0).get("Hash").asText());
        assertThat(chain.get(1).get("Index").asLong()).isEqualTo(1);
    }

    @Test
    void aBadBalanceGetsAnErrorAndThePromptAgain() throws Exception {
        LobbyTestClient client = connect();
        assertThat(client.next()).isEqualTo(Lobby.BALANCE_PROMPT);
        String[][] cases = {
            {"abc", "error: 'abc' is not a whole number"},
            {"0", "error: the balance must be at least 1"},
            {"-5", "error: the balance must be at least 1"},
            {"9223372036854775808", "error: the balance must be at most 9223372036854775807"},
            {"99999999999999999999999", "error: the balance must be at most 9223372036854775807"},
            {"1.5", "error: '1.5' is not a whole number"},
        };
        for (String[] c : cases) {
            client.sendLine(c[0]);
            assertThat(client.next()).as("reply to %s", c[0]).startsWith(c[1]);
            assertThat(client.next()).as("prompt after %s", c[0]).isEqualTo(Lobby.BALANCE_PROMPT);
        }
        assertThat(onLoop(() -> server.lobby().validatorCount())).isZero();

        client.sendLine("9223372036854775807");
        assertThat(client.next()).startsWith("your validator address: ").endsWith("(stake 9223372036854775807)");
        assertThat(onLoop(() -> server.lobby().validatorCount())).isEqualTo(1);
    }

    @Test
    void aLineLongerThanTheLimitIsRefusedAndTheConversationGoesOn() throws Exception {
        LobbyTestClient client = connect();
        assertThat(client.next()).isEqualTo(Lobby.BALANCE_PROMPT);
        client.send("x".repeat(1 << 20)); // 1 MiB without a newline
        assertThat(client.next()).isEqualTo("error: line longer than 4096 bytes refused");
        assertThat(client.next()).isEqualTo(Lobby.BALANCE_PROMPT);
        client.send("more of the same line\n"); // the rest of the long line is discarded too
        client.sendLine("25");
        assertThat(client.await(m -> m.startsWith("your validator address"), "registration")).endsWith("(stake 25)");

        // In the BPM phase a long line is refused the same way, and is not taken as a malformed BPM.
        client.send("9".repeat(10_000) + "\n");
        assertThat(client.await(m -> m.startsWith("error:"), "error")).contains("longer than 4096 bytes");
        client.sendLine("70");
        assertThat(client.await(m -> m.startsWith("proposed"), "proposal")).startsWith("proposed block 1 with BPM 70");
        assertThat(onLoop(() -> server.lobby().validatorCount())).isEqualTo(1);
    }

    @Test
    void aBalanceAndABpmInOnePacketAreBothProcessed() throws Exception {
        LobbyTestClient client = connect();
        client.send("50\n77\n");
        assertThat(client.await(m -> m.startsWith("your validator address"), "registration")).endsWith("(stake 50)");
        assertThat(client.await(m -> m.startsWith("proposed"), "proposal")).startsWith("proposed block 1 with BPM 77");
    }

    @Test
    void aMalformedBpmSlashesTheProposer() throws Exception {
        LobbyTestClient cheater = connect();
        LobbyTestClient honest = connect();
        String cheaterAddress = cheater.register(1000);
        String honestAddress = honest.register(1);
        cheater.sendLine("80");
        cheater.await(m -> m.startsWith("proposed"), "proposal");
        cheater.sendLine("eighty");
        String verdict = cheater.await(m -> m.startsWith("slashed:"), "slashing");
        assertThat(verdict).contains("'eighty'", cheaterAddress, "removed from the validator set",
                "stake of 1000 is forfeited");
        assertThat(cheater.isClosedByServer(RawLobbyClient.WAIT)).isTrue();
        eventually(() -> server.lobby().validatorCount() == 1, "one validator left");

        // Its earlier proposal went with it: a round with only the honest proposal can only pick the honest one.
        honest.sendLine("60");
        honest.await(m -> m.startsWith("proposed"), "proposal");
        endRound();
        assertThat(honest.awaitWinner()).isEqualTo(honestAddress);
        List<LobbyBlock> blocks = onLoop(() -> server.lobby().blocks());
        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(1).validator()).isEqualTo(honestAddress);
    }

    @Test
    void everyConnectedClientReceivesEveryAnnouncement() throws Exception {
        int count = 40;
        List<LobbyTestClient> validators = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            LobbyTestClient client = connect();
            client.register(1 + i);
            validators.add(client);
        }
        LobbyTestClient onlooker = connect();
        List<String> winnersSeenByOnlooker = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (LobbyTestClient client : validators) {
                client.sendLine(Integer.toString(60 + round));
                client.await(m -> m.startsWith("proposed"), "proposal");
            }
            endRound();
            String winner = onlooker.awaitWinner();
            winnersSeenByOnlooker.add(winner);
            for (LobbyTestClient client : validators) {
                assertThat(client.awaitWinner()).isEqualTo(winner);
            }
        }
        List<String> chainValidators = onLoop(() -> server.lobby().blocks()).stream().skip(1)
                .map(LobbyBlock::validator).toList();
        assertThat(chainValidators).isEqualTo(winnersSeenByOnlooker);
    }

    @Test
    void clientsThatDisconnectAtAnyPointAreCleanedUpAtOnce() throws Exception {
        // Warm up: the event-loop threads start with the first connections (one per worker loop, at
        // most max(2, cores) of them), so enough clients to have started all of them.
        int warmUp = Math.max(8, 2 * Runtime.getRuntime().availableProcessors() + 2);
        for (int i = 0; i < warmUp; i++) {
            connect().register(5);
        }
        for (LobbyTestClient c : clients) {
            c.close();
        }
        clients.clear();
        eventually(() -> server.lobby().clientCount() == 0, "warm-up clients gone");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long startedBefore = threads.getTotalStartedThreadCount();

        int count = 150;
        for (int i = 0; i < count; i++) {
            LobbyTestClient client = connect();
            switch (i % 5) {
                case 0 -> { } // leaves at the balance prompt
                case 1 -> client.send("12"); // leaves in the middle of typing a balance
                case 2 -> client.register(10); // leaves at the BPM prompt
                case 3 -> {
                    client.register(10);
                    client.sendLine("70"); // leaves with a candidate block pending
                    client.await(m -> m.startsWith("proposed"), "proposal");
                }
                default -> {
                    client.register(10);
                    client.send("7"); // leaves in the middle of a BPM
                }
            }
        }
        eventually(() -> server.lobby().clientCount() == count, "all connected");
        // No thread per client, not even one that ends with its client: the JVM started no more threads
        // than the test's own client readers (one each), give or take a few of the JVM's own. A server
        // with a thread per client would have started 150 more.
        long startedByOthers = threads.getTotalStartedThreadCount() - startedBefore - count;
        assertThat(startedByOthers).as("threads started while %d clients connected, besides their readers", count)
                .isLessThanOrEqualTo(10);
        for (LobbyTestClient c : clients) {
            c.close();
        }
        clients.clear();
        eventually(() -> server.lobby().clientCount() == 0 && server.lobby().validatorCount() == 0,
                "every client and validator removed");
        assertThat(threads.getTotalStartedThreadCount() - startedBefore - count).isLessThanOrEqualTo(10);
        // No candidate of a departed validator survives: a round appends nothing.
        endRound();
        assertThat(onLoop(() -> server.lobby().blocks())).hasSize(1);
    }

    @Test
    void aBlankLineRepeatsThePromptAndChangesNothing() throws Exception {
        LobbyTestClient client = connect();
        assertThat(client.next()).isEqualTo(Lobby.BALANCE_PROMPT);
        client.sendLine("");
        assertThat(client.next()).isEqualTo(Lobby.BALANCE_PROMPT);
        client.sendLine("3");
        assertThat(client.next()).startsWith("your validator address: ");
        assertThat(client.next()).isEqualTo(Lobby.BPM_PROMPT);
        client.sendLine("   ");
        assertThat(client.next()).isEqualTo(Lobby.BPM_PROMPT);
        assertThat(onLoop(() -> server.lobby().validatorCount())).isEqualTo(1);
    }

    @Test
    void theChainIsValidLinkByLinkAfterManyRounds() throws Exception {
        LobbyTestClient a = connect();
        LobbyTestClient b = connect();
        a.register(3);
        b.register(5);
        for (int round = 0; round < 10; round++) {
            a.sendLine("61");
            b.sendLine("62");
            a.await(m -> m.startsWith("proposed"), "proposal");
            b.await(m -> m.startsWith("proposed"), "proposal");
            endRound();
            a.awaitWinner();
        }
        List<LobbyBlock> blocks = onLoop(() -> server.lobby().blocks());
        assertThat(blocks).hasSize(11);
        LobbyChain rebuilt = LobbyChain.of(blocks); // throws if any link is broken
        assertThat(rebuilt.head().index()).isEqualTo(10);
        Iterator<LobbyBlock> it = blocks.iterator();
        LobbyBlock previous = it.next();
        while (it.hasNext()) {
            LobbyBlock block = it.next();
            assertThat(LobbyChain.checkLink(previous, block)).isEmpty();
            previous = block;
        }
    }
}
