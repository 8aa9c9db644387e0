package mvpos.net;

import mvpos.node.Node;

/**
 * A running {@link Node} on a network: messages from peers, which a transport delivers on its own
 * threads, are handed to the node's loop one at a time; the node's production ticks go through
 * {@link Gossip}, so what it produces and votes is announced; a newly connected peer is told the
 * node's head, so that either side can ask the other for what it is missing.
 */
public final class PeerNode {
    private final Node node;
    private final Network network;
    private final Gossip gossip;
    private java.util.concurrent.CompletableFuture<Void> bulk = java.util.concurrent.CompletableFuture.completedFuture(null);

    public PeerNode(Node node, Network network) {
        this.node = node;
        this.network = network;
        this.gossip = new Gossip(node.core(), node.validator().orElse(null), network);
    }

    /**
     * A message from a peer (any thread): handled on the node's loop. The signatures of blocks sent in
     * bulk (sync) are verified first on every core, as an import does.
     */
    public void deliver(PeerId from, Message message) {
        if (message instanceof Message.Blocks blocks && blocks.blocks().size() > 1) {
            // Verified in parallel, handed to the loop in the order they arrived.
            var checked = node.precheck(blocks.blocks());
            synchronized (this) {
                bulk = bulk.thenCombine(checked, (previous, prechecked) -> prechecked).thenAccept(prechecked ->
                        node.runOnLoop(() -> gossip.onBlocks(from, blocks.blocks(), node.clock().millis(), prechecked)));
            }
            return;
        }
        node.runOnLoop(() -> gossip.onMessage(from, message, node.clock().millis()));
    }

    /** A peer connected (any thread): it is told where this node's chain is. */
    public void peerConnected(PeerId peer) {
        node.runOnLoop(() -> network.send(peer, new Message.Status(node.core().head().height(),
                node.core().head().hash())));
    }

    /** A peer is gone (any thread): what it claimed about its chain is forgotten. */
    public void peerDisconnected(PeerId peer) {
        node.runOnLoop(() -> gossip.peerLeft(peer));
    }

    /** Gives the validator a chance to produce and vote every {@code tickMillis}, announcing what it makes. */
    public void startProducing(long tickMillis) {
        gossip.setWaker(at -> node.runOnLoopAfter(() -> gossip.onWake(node.clock().millis()),
                at - node.clock().millis()));
        node.scheduleOnLoop(() -> gossip.onTick(node.clock().millis()), tickMillis);
    }

    public Gossip gossip() {
        return gossip;
    }

    public Node node() {
        return node;
    }
}
