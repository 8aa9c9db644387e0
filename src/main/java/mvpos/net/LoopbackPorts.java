package mvpos.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Finds a run of free ports on loopback for a testnet of local processes (node i: P+2i and P+2i+1). */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /**
     * An even base port P with {@code count} free ports from P on 127.0.0.1. Best effort: checked just
     * before it returns, so another process may still take one before the nodes bind them.
     */
    public static int freeRange(int count) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20_000 + 2 * ThreadLocalRandom.current().nextInt(10_000);
            boolean free = base + count < 65_536;
            for (int port = base; port < base + count && free; port++) {
                try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no free range of " + count + " ports on 127.0.0.1");
    }
}
