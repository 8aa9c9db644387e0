package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import mvpos.crypto.HashDrbg;
import mvpos.node.SystemClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends but never reads: every line it sends gets a reply, and before, every reply was
 * queued without limit (16 MiB of newlines took a lobby from 264 MB to 5.8 GB, and new clients got no
 * prompt for 50 s). Now the lobby stops reading from such a client, and what it holds for it stays
 * bounded while everyone else is served.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LobbyBackpressureTest {
    /** What the lobby may hold for one client that does not read: the high-water mark and a little. */
    private static final long UNREAD_BOUND = 512 * 1024;
    /** More than the sockets' buffers on both sides can hold, so the flood stalls unless the lobby reads it all. */
    private static final long FLOOD_BYTES = 48L << 20;

    @TempDir
    Path data;

    private LobbyServer server;
    private RawLobbyClient flooder;

    private LobbyServer start(LobbyServer.Limits limits) throws Exception {
        server = LobbyServer.start(new LobbyServer.Settings("127.0.0.1", 0, Duration.ofHours(1), Duration.ofHours(1),
                data, 4096, false, limits), SystemClock.INSTANCE, new HashDrbg(7));
        return server;
    }

    @AfterEach
    void stop() throws IOException {
        if (flooder != null) {
            flooder.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Writes {@code total} bytes of newlines on its own thread (a blocking write stalls once nobody reads). */
    private static final class Flood {
        final AtomicLong written = new AtomicLong();
        final AtomicBoolean over = new AtomicBoolean();

        Flood(RawLobbyClient client, long total) {
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) '\n');
                try {
                    while (written.get() < total) {
                        client.sendRaw(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // closed: the test is over, or the lobby dropped the client
                }
                over.set(true);
            }, "flood");
            writer.setDaemon(true);
            writer.start();
        }
    }

    @Test
    void aClientThatSendsButNeverReadsStopsBeingReadAndNewClientsAreServed() throws Exception {
        start(LobbyServer.Limits.DEFAULTS);
        flooder = new RawLobbyClient("127.0.0.1", server.port(), 4096);
        Flood flood = new Flood(flooder, FLOOD_BYTES);

        // Its replies back up; the lobby stops reading from it (before the fix, it read on and queued more).
        RawLobbyClient.awaitCondition(() -> server.backlog().backedUp() == 1 || flood.over.get(),
                "backed-up output of the flooder");
        LobbyServer.Backlog held = server.backlog();
        assertThat(held.unreadBytes()).as("bytes queued for the client that does not read").isLessThan(UNREAD_BOUND);
        assertThat(held.loopEvents()).as("events waiting for the lobby loop")
                .isLessThanOrEqualTo(2 * ClientConnection.MAX_LINES_IN_FLIGHT + 10);
        assertThat(held.backedUp()).isEqualTo(1);

        // Someone else still gets a prompt and plays, while the flooder is still connected and still unread.
        try (LobbyTestClient newcomer = new LobbyTestClient(server.port())) {
            newcomer.register(10);
            newcomer.sendLine("72");
            assertThat(newcomer.await(m -> m.startsWith("proposed"), "proposal")).startsWith("proposed block 1 with BPM 72");
        }
        // Once the newcomer's connection is gone, only the flooder is left, still backed up.
        RawLobbyClient.awaitCondition(() -> server.backlog().connections() == 1, "the newcomer's connection closed");
        LobbyServer.Backlog after = server.backlog();
        assertThat(after.unreadBytes()).isLessThan(UNREAD_BOUND);
        assertThat(after.backedUp()).isEqualTo(1);
        assertThat(after.loopEvents()).isLessThanOrEqualTo(2 * ClientConnection.MAX_LINES_IN_FLIGHT + 10);
        assertThat(flood.over.get()).as("the flood is stalled, not read: " + flood.written.get() + " bytes written")
                .isFalse();
    }

    @Test
    void linesSentAheadOfTheLobbyAreAllAnsweredOnceTheClientReads() throws Exception {
        start(LobbyServer.Limits.DEFAULTS);
        int lines = 5_000; // far more than a client may have in flight, few enough to fit in the sockets' buffers
        try (RawLobbyClient client = new RawLobbyClient("127.0.0.1", server.port(), 0)) {
            client.sendRaw("\n".repeat(lines).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            client.startReading();
            // The first prompt, then one per blank line: reading paused and resumed, and no line was lost.
            RawLobbyClient.awaitCondition(() -> client.count(Lobby.BALANCE_PROMPT) == lines + 1,
                    (lines + 1) + " balance prompts");
            client.send("10\n");
            client.awaitText("your validator address: ");
            RawLobbyClient.awaitCondition(() -> server.backlog().backedUp() == 0, "client caught up");
        }
    }

    @Test
    void aClientWhoseUnreadOutputPassesTheLimitIsDropped() throws Exception {
        // A limit below the high-water mark: the client is dropped before reading from it would pause.
        start(new LobbyServer.Limits(100, 10, Duration.ofHours(1), 16 * 1024));
        flooder = new RawLobbyClient("127.0.0.1", server.port(), 4096);
        RawLobbyClient.awaitCondition(() -> server.backlog().connections() == 1, "connection counted");
        new Flood(flooder, 64L << 20);

        RawLobbyClient.awaitCondition(() -> server.backlog().connections() == 0, "drop of the flooder");
        assertThat(server.backlog().unreadBytes()).isZero();
        try (LobbyTestClient newcomer = new LobbyTestClient(server.port())) {
            assertThat(newcomer.next()).isEqualTo(Lobby.BALANCE_PROMPT);
        }
    }
}
