package mvpos.net;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts open connections, handshaking ones included, in total and per remote address, and refuses
 * one over either limit. Thread-safe.
 */
final class ConnectionLimits {
    private final int maxTotal;
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private int total;

    ConnectionLimits(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts a connection with {@code address}, or says why it is refused (and counts nothing). */
    synchronized Optional<String> tryAcquire(InetAddress address) {
        if (total >= maxTotal) {
            return Optional.of("too many connections (" + maxTotal + ")");
        }
        int count = perAddress.getOrDefault(address, 0);
        if (count >= maxPerAddress) {
            return Optional.of("too many connections from " + address.getHostAddress() + " (" + maxPerAddress + ")");
        }
        perAddress.put(address, count + 1);
        total++;
        return Optional.empty();
    }

    /** Forgets a connection counted by {@link #tryAcquire}. */
    synchronized void release(InetAddress address) {
        Integer count = perAddress.get(address);
        if (count == null) {
            throw new IllegalStateException("no connection from " + address + " to release");
        }
        if (count == 1) {
            perAddress.remove(address);
        } else {
            perAddress.put(address, count - 1);
        }
        total--;
    }

    synchronized int total() {
        return total;
    }
}
