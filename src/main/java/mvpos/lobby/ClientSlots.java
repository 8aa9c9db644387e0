package mvpos.lobby;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts the lobby's connections, in total and per remote address, and refuses one over either
 * limit: one address cannot take every slot, and the process never runs out of file descriptors.
 * Thread-safe (Netty's event loops acquire and release).
 */
final class ClientSlots {
    private final int maxTotal;
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private int total;

    ClientSlots(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts a connection from {@code address}, or says why it is refused (and counts nothing). */
    synchronized Optional<String> tryAcquire(InetAddress address) {
        if (total >= maxTotal) {
            return Optional.of("the lobby is full (" + maxTotal + " connections); try again later");
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

    int maxTotal() {
        return maxTotal;
    }

    int maxPerAddress() {
        return maxPerAddress;
    }
}
