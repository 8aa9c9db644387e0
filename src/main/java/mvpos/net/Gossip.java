package mvpos.net;

import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.crypto.RandomSource;
import mvpos.node.Mempool;
import mvpos.node.NodeCore;

/**
 * A node's side of the conversation, the same over a simulated network and over TCP: it offers
 * received blocks to its {@link NodeCore}, relays a block only when it was valid and new to it (and
 * only where broadcasts do not already reach everyone), asks the sender for the parent of a block it
 * cannot place yet, answers such requests, and announces the blocks its validator produces.
 *
 * <p>Single-threaded, like the node: whoever drives it calls it one event at a time.
 */
public final class Gossip {
    private final NodeCore node;
    private final Network network;
    private final RandomSource random;
    private final long powAttemptsPerTick;

    /**
     * @param powAttemptsPerTick proof-of-work candidates a tick may try (an engine that signs ignores it)
     */
    public Gossip(NodeCore node, Network network, RandomSource random, long powAttemptsPerTick) {
        this.node = node;
        this.network = network;
        this.random = random;
        this.powAttemptsPerTick = powAttemptsPerTick;
    }

    public NodeCore node() {
        return node;
    }

    /** A message from a peer. */
    public void onMessage(PeerId from, Message message, long nowMillis) throws ChainStore.StoreException {
        switch (message) {
            case Message.NewBlock newBlock -> onBlock(from, newBlock.block(), nowMillis);
            case Message.Blocks blocks -> {
                for (Block block : blocks.blocks()) {
                    onBlock(from, block, nowMillis);
                }
            }
            case Message.GetBlock get -> node.blockByHash(get.hash())
                    .ifPresent(block -> network.send(from, new Message.NewBlock(block)));
            case Message.NewTransaction tx -> {
                if (node.submit(tx.transaction()) instanceof Mempool.Accepted && !network.broadcastReachesAll()) {
                    network.broadcast(message);
                }
            }
        }
    }

    private void onBlock(PeerId from, Block block, long nowMillis) throws ChainStore.StoreException {
        NodeCore.BlockResult result = node.addBlock(block, nowMillis);
        switch (result) {
            case NodeCore.Added added -> {
                if (!network.broadcastReachesAll()) {
                    network.broadcast(new Message.NewBlock(block));
                }
            }
            case NodeCore.Orphan orphan -> network.send(from, new Message.GetBlock(orphan.parentHash()));
            case NodeCore.Known known -> { }
            case NodeCore.Invalid invalid -> { }
        }
    }

    /** A tick of the node's timer: produces a block if the engine lets its validator, and announces it. */
    public Optional<Block> onTick(long nowMillis) throws ChainStore.StoreException {
        Optional<Block> produced = node.tryProduce(nowMillis, random, powAttemptsPerTick);
        produced.ifPresent(block -> network.broadcast(new Message.NewBlock(block)));
        return produced;
    }

    /** Submits a transaction of this node's user and announces it when the mempool takes it. */
    public Mempool.Admission submit(mvpos.chain.Transaction tx) {
        Mempool.Admission admission = node.submit(tx);
        if (admission instanceof Mempool.Accepted) {
            network.broadcast(new Message.NewTransaction(tx));
        }
        return admission;
    }
}
