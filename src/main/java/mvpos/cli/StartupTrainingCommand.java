package mvpos.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import mvpos.api.ApiServer;
import mvpos.chain.RocksChainStore;
import mvpos.crypto.HashDrbg;
import mvpos.lobby.Lobby;
import mvpos.lobby.LobbyServer;
import mvpos.node.DevChain;
import mvpos.node.Node;
import mvpos.node.SystemClock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mvpos train-startup} (hidden): what the launcher runs once per build with the JVM recording
 * the classes it loads, to make the start-up archive (AppCDS, or the AOT cache of JDK 25+) that later
 * starts read instead of loading and linking those classes again. It goes through the start of the
 * common commands: every command's help, a lobby with one client, a dev node answering one request,
 * all on 127.0.0.1 ephemeral ports and in a temporary folder it removes.
 */
@Command(name = "train-startup", hidden = true,
        description = "Exercises start-up paths for the launcher's start-up archive; not for users.")
final class StartupTrainingCommand implements Runnable {
    @Override
    public void run() {
        renderEveryHelp(Main.commandLine());
        Path work;
        try {
            work = Files.createTempDirectory("mvpos-training-");
        } catch (IOException e) {
            throw new Main.UserError("cannot create a temporary folder: " + e.getMessage());
        }
        try {
            lobbyWithOneClient(work.resolve("lobby"));
            devNodeAnsweringOneRequest(work.resolve("dev"));
        } catch (Exception e) {
            throw new Main.UserError("start-up training failed: " + e);
        } finally {
            deleteRecursively(work);
        }
    }

    private static void renderEveryHelp(CommandLine command) {
        command.usage(new PrintWriter(new StringWriter()));
        command.getSubcommands().values().forEach(StartupTrainingCommand::renderEveryHelp);
    }

    private static void lobbyWithOneClient(Path data) throws Exception {
        LobbyServer.Settings settings = new LobbyServer.Settings("127.0.0.1", 0, Duration.ofHours(1),
                Duration.ofHours(1), data, LobbyServer.Settings.DEFAULT_MAX_LINE_BYTES);
        try (LobbyServer server = LobbyServer.start(settings, SystemClock.INSTANCE, new HashDrbg(1));
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            client.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            readUntil(in, Lobby.BALANCE_PROMPT);
            out.write("10\n".getBytes(StandardCharsets.US_ASCII));
            readUntil(in, Lobby.BPM_PROMPT);
            out.write("72\n".getBytes(StandardCharsets.US_ASCII));
            readUntil(in, "proposed block");
        }
    }

    private static void devNodeAnsweringOneRequest(Path data) throws Exception {
        DevChain chain = DevChain.prepare(data, 1_000, "none", SystemClock.INSTANCE, new HashDrbg(2));
        try (Node node = Node.open(chain.genesis(), RocksChainStore.open(data.resolve("chain")), SystemClock.INSTANCE,
                chain.devKey(), new HashDrbg(3), NodeCommand.openProtection(data.resolve("signed")))) {
            ApiServer api = ApiServer.start(node, "127.0.0.1", 0);
            try {
                new ApiClient("http://127.0.0.1:" + api.port()).get("/status");
            } finally {
                api.close();
            }
        }
    }

    private static void readUntil(InputStream in, String text) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (seen.indexOf(text) < 0) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("the lobby closed the connection before '" + text + "'");
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
    }

    private static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is not worth failing for
        }
    }
}
