package mvpos.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.RandomSource;
import mvpos.lobby.LobbyServer;
import mvpos.node.SecureRandomSource;
import mvpos.node.SystemClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mvpos lobby}: the tutorial's PoS server. */
@Command(name = "lobby",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "The classic Proof-of-Stake lobby of the Coral Health tutorial.",
            "Validators join with 'nc localhost 9000', stake tokens and propose blocks (a BPM); every round one "
                + "proposer wins with probability proportional to its stake, and its block is appended.",
            "The chain is kept in --data and survives restarts; --fresh starts a new one."
        })
final class LobbyCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("mvpos.lobby");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "N",
            description = "TCP port to listen on (default: PORT or ADDR from the environment or ./.env, else 9000).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for a classroom LAN).")
    String bind;

    @Option(names = "--round", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Time between lotteries (default: ${DEFAULT-VALUE}). Durations: 500ms, 2s, 1m, 1m30s.")
    Duration round;

    @Option(names = "--broadcast", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "Time between sends of the whole chain to every validator (default: ${DEFAULT-VALUE}).")
    Duration broadcast;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed the lottery and the addresses, for reproducible demos and tests "
                + "(default: a cryptographically secure source).")
    Long seed;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${sys:user.home}/.mvpos/lobby",
            description = "Where the chain is kept; a restart continues it (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--fresh",
            description = "Start a new chain in --data, forgetting the one kept there.")
    boolean fresh;

    @Option(names = "--max-clients", paramLabel = "N", defaultValue = "20000",
            description = "Most connections at once (default: ${DEFAULT-VALUE}, lowered to what the process may "
                + "open).")
    int maxClients;

    @Option(names = "--max-per-address", paramLabel = "N", defaultValue = "256",
            description = "Most connections at once from one IP address (default: ${DEFAULT-VALUE}).")
    int maxPerAddress;

    @Option(names = "--register-timeout", paramLabel = "DURATION", defaultValue = "2m",
            converter = DurationConverter.class,
            description = "A client that has not given its token balance by then is closed (default: ${DEFAULT-VALUE}).")
    Duration registerTimeout;

    @Option(names = "--max-line", paramLabel = "BYTES", defaultValue = "4096",
            description = "Longest line a client may send; longer ones are refused unread (default: ${DEFAULT-VALUE}).")
    int maxLine;

    @Option(names = "--explorer", paramLabel = "PORT",
            description = "Serve the live web explorer of the lobby's chain and validators on 127.0.0.1:PORT.")
    Integer explorer;

    @Override
    public void run() {
        ExplorerOption.check(explorer);
        DotEnvPort.Choice choice = port != null
                ? new DotEnvPort.Choice(port, "--port")
                : DotEnvPort.resolve(Path.of("").toAbsolutePath()).orElse(new DotEnvPort.Choice(9000, "default"));
        if (choice.port() < 0 || choice.port() > 65535) {
            throw new Main.UserError("port " + choice.port() + " (from " + choice.source() + ") is not between 0 and 65535");
        }
        if (maxLine < 16 || maxLine > 1 << 20) {
            throw Main.badValue(spec, "--max-line must be between 16 and 1048576 bytes, got " + maxLine);
        }
        if (maxClients < 1 || maxPerAddress < 1) {
            throw Main.badValue(spec, "--max-clients and --max-per-address must be at least 1");
        }
        if (registerTimeout.toMillis() < 1) {
            throw Main.badValue(spec, "--register-timeout must be at least 1ms");
        }
        RandomSource random = seed != null ? new HashDrbg(seed) : new SecureRandomSource();
        LobbyServer.Limits limits = new LobbyServer.Limits(maxClients, maxPerAddress, registerTimeout,
                LobbyServer.Limits.DEFAULTS.maxUnreadBytes());
        LobbyServer.Settings settings = new LobbyServer.Settings(bind, choice.port(), round, broadcast, data, maxLine,
                fresh, limits);
        LobbyServer server;
        try {
            server = LobbyServer.start(settings, SystemClock.INSTANCE, random);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (LobbyServer.StartException e) {
            throw new Main.UserError(e.getMessage()); // an unusable data directory or port, said in one line
        }
        try {
            ExplorerOption.serve(server, explorer, new java.io.PrintWriter(System.err, true));
        } catch (Main.UserError e) {
            server.close();
            throw e;
        } catch (Exception e) {
            server.close();
            throw new Main.UserError("cannot serve the explorer: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        if (!ShutdownHook.register("lobby-shutdown", () -> {
            log.info("stopping: closing connections and the chain store");
            server.close();
            stopped.countDown();
        })) {
            server.close(); // stopped while starting
            return;
        }
        log.info("listening on {}:{} (port from {}); rounds every {}, chain broadcast every {}, lottery {}",
                bind, server.port(), choice.source(), DurationFormat.of(round), DurationFormat.of(broadcast),
                seed != null ? "seeded with " + seed : "from a secure random source");
        log.info("validators join with: nc {} {}", bind.equals("0.0.0.0") ? "<this host>" : bind, server.port());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
