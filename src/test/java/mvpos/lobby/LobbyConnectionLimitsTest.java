package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mvpos.crypto.HashDrbg;
import mvpos.node.SystemClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of idle sockets: before, 20,000 of them from one address locked everyone out, with a
 * "Too many open files" stack trace every second. Now connections are capped per address and in all,
 * a client that never gives its balance is closed, and new clients from elsewhere are served.
 * The caps are set small here; 127.0.0.2 and up are other hosts as far as the lobby can tell.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LobbyConnectionLimitsTest {
    @TempDir
    Path data;

    private LobbyServer server;
    private final List<RawLobbyClient> clients = new ArrayList<>();

    private void start(LobbyServer.Limits limits) throws Exception {
        server = LobbyServer.start(new LobbyServer.Settings("127.0.0.1", 0, Duration.ofHours(1), Duration.ofHours(1),
                data, 4096, false, limits), SystemClock.INSTANCE, new HashDrbg(7));
    }

    private RawLobbyClient connect(String localIp) throws IOException {
        RawLobbyClient client = RawLobbyClient.reading(localIp, server.port());
        clients.add(client);
        return client;
    }

    @AfterEach
    void stop() throws IOException {
        for (RawLobbyClient client : clients) {
            client.close();
        }
        server.close();
    }

    @Test
    void oneAddressGetsItsShareAndTheLobbyItsTotalAndNoMore() throws Exception {
        start(new LobbyServer.Limits(5, 3, Duration.ofHours(1), 1 << 20));
        for (int i = 0; i < 3; i++) {
            connect("127.0.0.1").awaitText(Lobby.BALANCE_PROMPT);
        }
        RawLobbyClient fourth = connect("127.0.0.1");
        fourth.awaitClosedByServer();
        assertThat(fourth.received()).isEqualTo("error: too many connections from 127.0.0.1 (3)\n");

        // Another address is still served, up to the total.
        connect("127.0.0.2").awaitText(Lobby.BALANCE_PROMPT);
        connect("127.0.0.3").awaitText(Lobby.BALANCE_PROMPT);
        RawLobbyClient overTotal = connect("127.0.0.4");
        overTotal.awaitClosedByServer();
        assertThat(overTotal.received()).isEqualTo("error: the lobby is full (5 connections); try again later\n");
        assertThat(server.backlog().connections()).isEqualTo(5);

        // A slot freed is a slot given again.
        clients.get(0).close();
        RawLobbyClient.awaitCondition(() -> server.backlog().connections() == 4, "slot freed");
        connect("127.0.0.4").awaitText(Lobby.BALANCE_PROMPT);
    }

    @Test
    void aClientThatNeverGivesItsBalanceIsClosedAndOneThatDidStays() throws Exception {
        start(new LobbyServer.Limits(100, 10, Duration.ofSeconds(2), 1 << 20));
        RawLobbyClient validator = connect("127.0.0.1");
        validator.awaitText(Lobby.BALANCE_PROMPT);
        validator.send("10\n");
        validator.awaitText(Lobby.BPM_PROMPT);

        RawLobbyClient idle = connect("127.0.0.1");
        idle.awaitClosedByServer(); // connected after the validator registered: its time ran out later

        assertThat(idle.received()).isEqualTo(Lobby.BALANCE_PROMPT + "\nerror: no token balance within 2 s; connection closed\n");
        validator.send("72\n");
        validator.awaitText("proposed block 1 with BPM 72");
        assertThat(validator.closedByServer()).isFalse();
        RawLobbyClient.awaitCondition(() -> server.backlog().connections() == 1, "slot of the idle client freed");
    }
}
