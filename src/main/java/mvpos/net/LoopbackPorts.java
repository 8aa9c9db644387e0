package mvpos.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Finds a run of free ports on loopback for a testnet of local processes (node i: P+2i and P+2i+1). */
public final class LoopbackPorts {
    private static final int FIRST = 10_000;
    private static final int LAST = 32_000;

    private LoopbackPorts() {
    }

    /**
     * An even base port P with {@code count} free ports from P on 127.0.0.1. Best effort: checked just
     * before it returns, so another process may still take one before the nodes bind them.
     */
    public static int freeRange(int count) throws IOException {
        if (count < 1 || count > (LAST - FIRST) / 2) {
            throw new IOException("cannot find a run of " + count + " free ports on 127.0.0.1");
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            // Below Linux's ephemeral range (32768-60999), where the kernel picks ports for outgoing
            // connections and port-0 binds: a port there may be taken at any moment by any socket.
            int base = FIRST + 2 * ThreadLocalRandom.current().nextInt((LAST - FIRST - count) / 2);
            boolean free = true;
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
