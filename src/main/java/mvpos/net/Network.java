package mvpos.net;

/**
 * How a node talks to its peers (a seam of the architecture, see docs/architecture.md): the
 * simulated network of a devnet and the TCP network are interchangeable, and the node cannot tell
 * them apart. Messages arrive through whoever drives the node, one at a time, with the peer they
 * came from.
 */
public interface Network {

    /** Sends a message to one peer; a peer that is gone or unreachable simply does not receive it. */
    void send(PeerId to, Message message);

    /** Sends a message to every peer this node is connected to. */
    void broadcast(Message message);

    /**
     * True when {@link #broadcast} reaches every node of the network (a full mesh, like a devnet's), so
     * that a node need not relay what it receives; false for a partial mesh, where nodes gossip.
     */
    boolean broadcastReachesAll();

    /**
     * Counts against a peer that sent something invalid (a transport may disconnect and ban it past a
     * threshold); a network without scoring ignores it.
     */
    default void penalize(PeerId peer, String reason) {
    }

    /**
     * Whether what is sent to the peer now would be sent: false while it is not reading what it was sent
     * already (its transport's buffer is full), so that a request it makes is not worth the work of an
     * answer. A network without such buffers always says yes.
     */
    default boolean canSend(PeerId peer) {
        return true;
    }

    /** The peers connected now (for peer exchange); a full-mesh network need not say. */
    default java.util.List<PeerId> connectedPeers() {
        return java.util.List.of();
    }

    /** The network of a node alone (a dev chain): nothing is sent, and a broadcast reaches everyone there is. */
    static Network alone() {
        return new Network() {
            @Override
            public void send(PeerId to, Message message) {
            }

            @Override
            public void broadcast(Message message) {
            }

            @Override
            public boolean broadcastReachesAll() {
                return true;
            }
        };
    }
}
