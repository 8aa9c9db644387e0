package mvpos.cli;

import java.io.PrintWriter;
import mvpos.api.StrictJson;
import mvpos.api.explorer.DevnetFeed;
import mvpos.api.explorer.Explorer;
import mvpos.api.explorer.ExplorerServer;
import mvpos.api.explorer.LobbyFeed;
import mvpos.lobby.LobbyServer;
import mvpos.sim.Devnet;

/** {@code --explorer PORT} of {@code devnet} and {@code lobby}: the live web explorer on 127.0.0.1:PORT. */
final class ExplorerOption {
    private ExplorerOption() {
    }

    static void check(Integer port) {
        if (port != null && (port < 0 || port > 65535)) {
            throw new Main.UserError("--explorer " + port + " is not a port between 0 and 65535");
        }
    }

    /** Serves the explorer of a devnet (attach before it runs); null when no port was given. */
    static ExplorerServer serve(Devnet devnet, Integer port, PrintWriter err) throws Exception {
        if (port == null) {
            return null;
        }
        return start(DevnetFeed.attach(devnet, StrictJson.mapper(), System::currentTimeMillis), port, err);
    }

    /** Serves the explorer of a lobby; null when no port was given. */
    static ExplorerServer serve(LobbyServer lobby, Integer port, PrintWriter err) throws Exception {
        if (port == null) {
            return null;
        }
        return start(LobbyFeed.attach(lobby, StrictJson.mapper(), System::currentTimeMillis), port, err);
    }

    private static ExplorerServer start(Explorer explorer, int port, PrintWriter err) {
        ExplorerServer server;
        try {
            server = ExplorerServer.start(explorer, "127.0.0.1", port);
        } catch (RuntimeException e) {
            Throwable t = e;
            while (t.getCause() != null) {
                t = t.getCause();
            }
            throw new Main.UserError("cannot serve the explorer on 127.0.0.1:" + port + ": " + t.getMessage());
        }
        err.println("explorer: http://127.0.0.1:" + server.port() + "/");
        err.flush();
        return server;
    }

    /** After a bounded devnet run: the explorer stays up until Ctrl-C. */
    static void keepServing(ExplorerServer server, PrintWriter err) {
        if (server == null) {
            return;
        }
        err.println("explorer: the run is over; still serving on http://127.0.0.1:" + server.port() + "/ until Ctrl-C");
        err.flush();
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
