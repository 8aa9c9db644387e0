package mvpos.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import mvpos.chain.Clock;
import mvpos.crypto.Hex;
import mvpos.crypto.HashKey;

/**
 * Who a node refuses: node identities that misbehaved, and their addresses unless peers in good
 * standing are known there. The addresses of the configured peers (the bootstrap peers the node was
 * told to keep) are never banned: many honest nodes can share an address (a loopback testnet, a NAT),
 * and one bad connection from it must not cut the node off from the peers it was given.
 * Thread-safe.
 */
final class Bans {
    private final Clock clock;
    private final BanList<HashKey> nodes;
    private final BanList<InetAddress> addresses;
    private final Set<InetAddress> configuredAddresses = new HashSet<>();
    private final Set<PeerId> configuredPeers = new HashSet<>();

    /** @param configured the configured peers; those not resolved to an address are left out */
    Bans(Clock clock, List<InetSocketAddress> configured) {
        this.clock = clock;
        this.nodes = new BanList<>(clock);
        this.addresses = new BanList<>(clock);
        for (InetSocketAddress peer : configured) {
            if (!peer.isUnresolved()) {
                configuredAddresses.add(peer.getAddress());
                configuredPeers.add(TcpNetwork.peerId(peer.getAddress(), peer.getPort()));
            }
        }
    }

    /** Why a connection with {@code address} is refused, or empty. */
    Optional<String> addressRefusal(InetAddress address) {
        return refusal(addresses.bannedUntil(address), address.getHostAddress());
    }

    /** Why the node with this id is refused at its hello, or empty. */
    Optional<String> nodeRefusal(byte[] nodeId) {
        return refusal(nodes.bannedUntil(HashKey.view(nodeId)), "node " + shortId(nodeId));
    }

    private Optional<String> refusal(OptionalLong until, String who) {
        if (until.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(who + " is banned for another " + Math.ceilDiv(until.getAsLong() - clock.millis(), 1000)
                + " s");
    }

    /** True when {@code peer} (its address and the port it listens on) is one of the configured peers. */
    boolean isConfigured(PeerId peer) {
        return configuredPeers.contains(peer);
    }

    /** True when a configured peer has this address. */
    boolean isConfiguredAddress(InetAddress address) {
        return configuredAddresses.contains(address);
    }

    /**
     * Bans a misbehaving peer for {@code millis}: its node identity when it has told it, and its address
     * unless {@code addressShared} (honest peers are known there) or a configured peer has it.
     *
     * @return true when the address was banned too
     */
    private final java.util.concurrent.atomic.AtomicLong bansTotal = new java.util.concurrent.atomic.AtomicLong();

    /** How many bans were pronounced (of a node, of an address, or both at once). */
    public long bansTotal() {
        return bansTotal.get();
    }

    boolean ban(byte[] nodeId, InetAddress address, boolean addressShared, long millis) {
        bansTotal.incrementAndGet();
        if (nodeId != null) {
            nodes.ban(HashKey.of(nodeId), millis);
        }
        if (addressShared || isConfiguredAddress(address)) {
            return false;
        }
        addresses.ban(address, millis);
        return true;
    }

    static String shortId(byte[] nodeId) {
        return Hex.encode(nodeId).substring(0, Math.min(16, 2 * nodeId.length));
    }
}
