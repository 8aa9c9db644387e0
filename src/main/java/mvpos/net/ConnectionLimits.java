package mvpos.net;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts a node's connections so that strangers cannot crowd out the peers the node chose, and
 * refuses one over a limit.
 *
 * <ul>
 *   <li><b>Handshaking</b>: inbound connections that have not said hello yet. At most half of
 *       {@code maxInbound} at once (a flood of half-open connections holds no more, and each only
 *       until the handshake timeout).</li>
 *   <li><b>Inbound</b>: strangers whose handshake is done, at most {@code maxInbound}; a new inbound
 *       connection is refused at once when they and the handshaking ones fill that many, unless it
 *       comes from a configured peer's address (then its hello decides).</li>
 *   <li><b>Per address</b>: at most {@code maxPerAddress} handshaking and inbound connections from one
 *       address.</li>
 *   <li><b>Reserved</b>: the connections this node dials, and inbound ones whose hello shows a
 *       configured peer; at most {@code maxReserved}, never refused because strangers fill the
 *       other pools, never counted against an address.</li>
 * </ul>
 * Thread-safe.
 */
final class ConnectionLimits {
    private enum Pool { HANDSHAKING, INBOUND, RESERVED, RELEASED }

    /** One connection's place in the pools; changed only through the limits that made it. */
    static final class Slot {
        private final InetAddress address;
        private Pool pool;

        private Slot(InetAddress address, Pool pool) {
            this.address = address;
            this.pool = pool;
        }
    }

    private final int maxInbound;
    private final int maxPerAddress;
    private final int maxHandshaking;
    private final int maxReserved;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private int handshaking;
    private int inbound;
    private int reserved;

    ConnectionLimits(int maxInbound, int maxPerAddress, int maxReserved) {
        this.maxInbound = maxInbound;
        this.maxPerAddress = maxPerAddress;
        this.maxHandshaking = Math.max(1, maxInbound / 2);
        this.maxReserved = maxReserved;
    }

    /**
     * Counts a new inbound connection from {@code address}, or says why it is refused (and counts
     * nothing).
     *
     * @param configuredAddress whether a configured peer has this address (its hello may show it is one)
     */
    synchronized Outcome acquireInbound(InetAddress address, boolean configuredAddress) {
        if (!configuredAddress && inbound + handshaking >= maxInbound) {
            return new Refused(tooMany());
        }
        if (handshaking >= maxHandshaking) {
            return new Refused("too many connections in their handshake (" + maxHandshaking + ")");
        }
        int count = perAddress.getOrDefault(address, 0);
        if (count >= maxPerAddress) {
            return new Refused("too many connections from " + address.getHostAddress() + " (" + maxPerAddress + ")");
        }
        perAddress.put(address, count + 1);
        handshaking++;
        return new Counted(new Slot(address, Pool.HANDSHAKING));
    }

    /** Counts a connection this node dials, in the reserved pool, or says why it is refused. */
    synchronized Outcome acquireOutbound(InetAddress address) {
        if (reserved >= maxReserved) {
            return new Refused("too many outbound connections (" + maxReserved + ")");
        }
        reserved++;
        return new Counted(new Slot(address, Pool.RESERVED));
    }

    /**
     * A connection said hello: a configured peer's moves to the reserved pool (when it has room), a
     * stranger's among the inbound ones, if there is room. A dialed one stays where it is.
     *
     * @return why the connection must close, or empty
     */
    synchronized Optional<String> handshakeDone(Slot slot, boolean configuredPeer) {
        if (slot.pool != Pool.HANDSHAKING) {
            return Optional.empty();
        }
        if (configuredPeer && reserved < maxReserved) {
            leaveAddress(slot.address);
            handshaking--;
            reserved++;
            slot.pool = Pool.RESERVED;
            return Optional.empty();
        }
        if (inbound >= maxInbound) {
            return Optional.of(tooMany());
        }
        handshaking--;
        inbound++;
        slot.pool = Pool.INBOUND;
        return Optional.empty();
    }

    /** Forgets a connection (once, whatever its pool). */
    synchronized void release(Slot slot) {
        switch (slot.pool) {
            case HANDSHAKING -> {
                handshaking--;
                leaveAddress(slot.address);
            }
            case INBOUND -> {
                inbound--;
                leaveAddress(slot.address);
            }
            case RESERVED -> reserved--;
            case RELEASED -> {
                return;
            }
        }
        slot.pool = Pool.RELEASED;
    }

    private String tooMany() {
        return "too many connections (" + maxInbound + ")";
    }

    private void leaveAddress(InetAddress address) {
        int count = perAddress.getOrDefault(address, 0);
        if (count <= 1) {
            perAddress.remove(address);
        } else {
            perAddress.put(address, count - 1);
        }
    }

    /** What an acquisition did. */
    sealed interface Outcome {
    }

    /** The connection is counted; release its slot when it ends. */
    record Counted(Slot slot) implements Outcome {
    }

    /** The connection is refused for this reason, and nothing was counted. */
    record Refused(String reason) implements Outcome {
    }
}
