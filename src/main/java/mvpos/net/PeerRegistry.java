package mvpos.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mvpos.crypto.HashKey;

/**
 * The connections whose handshake is done, by peer id and by node id: at most one per peer.
 *
 * <p>Two nodes that dial each other at the same moment make two connections; both sides keep the one
 * dialed by the node with the lower node id (unsigned byte order) and close the other, so they always
 * agree on which survives. Thread-safe.
 *
 * @param <C> the connection type
 */
final class PeerRegistry<C extends PeerRegistry.Member> {

    /** A connection as the registry sees it. */
    interface Member {
        PeerId id();

        /** The node id from the peer's hello. */
        byte[] remoteNodeId();

        /** True when this node dialed the connection. */
        boolean outbound();
    }

    /** What {@link #register} did. */
    sealed interface Outcome<C> {
    }

    /** The connection is the peer's only one. */
    record Registered<C>(C connection) implements Outcome<C> {
    }

    /** The connection takes the place of {@code previous}, an older one to the same node, which the caller closes. */
    record Replaced<C>(C previous) implements Outcome<C> {
    }

    /** The connection may not stay; the caller closes it with the reason. */
    record Refused<C>(String reason) implements Outcome<C> {
    }

    private final byte[] ownNodeId;
    private final Map<PeerId, C> byId = new HashMap<>();
    private final Map<HashKey, C> byNodeId = new HashMap<>();

    PeerRegistry(byte[] ownNodeId) {
        this.ownNodeId = ownNodeId.clone();
    }

    synchronized Outcome<C> register(C connection) {
        HashKey nodeKey = HashKey.of(connection.remoteNodeId());
        C sameId = byId.get(connection.id());
        C sameNode = byNodeId.get(nodeKey);
        if (sameId != null && sameId != sameNode) {
            return new Refused<>("another node is connected as " + connection.id());
        }
        if (sameNode == null) {
            put(connection, nodeKey);
            return new Registered<>(connection);
        }
        if (!sameNode.id().equals(connection.id())) {
            return new Refused<>("already connected as " + sameNode.id());
        }
        if (sameNode.outbound() == connection.outbound() || !dialedByLowerNode(connection)) {
            return new Refused<>("already connected");
        }
        byId.remove(sameNode.id());
        byNodeId.remove(nodeKey);
        put(connection, nodeKey);
        return new Replaced<>(sameNode);
    }

    private void put(C connection, HashKey nodeKey) {
        byId.put(connection.id(), connection);
        byNodeId.put(nodeKey, connection);
    }

    /** True when the node that dialed {@code connection} has the lower node id of the two. */
    private boolean dialedByLowerNode(C connection) {
        byte[] dialer = connection.outbound() ? ownNodeId : connection.remoteNodeId();
        byte[] other = connection.outbound() ? connection.remoteNodeId() : ownNodeId;
        return Arrays.compareUnsigned(dialer, other) < 0;
    }

    /** Removes the connection if it is registered; true when it was. */
    synchronized boolean remove(C connection) {
        if (connection.id() == null || byId.get(connection.id()) != connection) {
            return false;
        }
        byId.remove(connection.id());
        byNodeId.remove(HashKey.of(connection.remoteNodeId()));
        return true;
    }

    synchronized C get(PeerId id) {
        return byId.get(id);
    }

    /** The registered connections, ordered by peer id. */
    synchronized List<C> all() {
        List<C> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing(c -> c.id().name()));
        return all;
    }
}
