package mvpos.api.explorer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import mvpos.chain.Block;
import mvpos.net.P2pNode;
import mvpos.net.TcpNetwork;
import mvpos.node.Node;

/** The explorer of one running {@link Node} (and its peers, when it has a network). */
public final class NodeFeed {
    /** How often the mempool size is read again between head changes. */
    static final long PENDING_REFRESH_MILLIS = 1_000;

    private NodeFeed() {
    }

    /**
     * An explorer of this node, watching it from now on. Waits until the node's loop has attached it.
     *
     * @param p2p the node's network, or null for a node without peers
     */
    public static Explorer attach(Node node, P2pNode p2p, ObjectMapper json) throws InterruptedException {
        NodeView view = new NodeView(0, "node", hash -> lookup(node, hash));
        if (p2p != null) {
            view.network(() -> network(node, p2p));
            view.counters(() -> counters(node.core().voteCounts(), p2p.peerNode().gossip().messagesReceived(),
                    p2p.network().bansTotal()));
        } else {
            view.counters(() -> counters(node.core().voteCounts(), mvpos.net.Gossip.noMessages(), 0));
        }
        var genesis = node.genesis();
        Explorer.Info info = new Explorer.Info("node", genesis.chainId(), genesis.engine(), genesis.finality(),
                mvpos.state.CasperFfg.NAME.equals(genesis.finality())
                        ? mvpos.state.CasperFfg.epochLengthOf(genesis) : 0,
                genesis.blockTimeMillis(), List.of(view.name()));
        Explorer explorer = new Explorer(info, new BlockCatalog(false), List.of(view), json, System::currentTimeMillis);
        CompletableFuture<Void> attached = new CompletableFuture<>();
        node.runOnLoop(() -> {
            try {
                CoreWatcher.watch(explorer, view, node.core(), node.clock()::millis);
                attached.complete(null);
            } catch (Exception | Error e) {
                attached.completeExceptionally(e);
                throw e;
            }
        });
        try {
            attached.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot watch the node: " + e.getCause().getMessage(), e.getCause());
        }
        node.scheduleOnLoop(() -> view.pending(node.core().pendingTransactions()), PENDING_REFRESH_MILLIS);
        return explorer;
    }

    private static Optional<Block> lookup(Node node, byte[] hash) {
        try {
            return node.blockByHash(hash).map(Node.KnownBlock::block);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty();
        }
    }

    static NodeView.Counters counters(mvpos.node.NodeCore.VoteCounts votes, Map<String, Long> messages, long bans) {
        return new NodeView.Counters(votes.accepted(), votes.refused(), votes.inBlocks(), messages, bans);
    }

    private static NodeView.Network network(Node node, P2pNode p2p) {
        List<NodeView.PeerView> peers = p2p.network().peers().stream().map(NodeFeed::peer).toList();
        long highest = p2p.highestPeerHeight();
        return new NodeView.Network("tcp", peers.size(), peers, highest, highest > node.head().height() + 1);
    }

    private static NodeView.PeerView peer(TcpNetwork.PeerInfo info) {
        return new NodeView.PeerView(info.id().name(), info.address().getHostString() + ":" + info.address().getPort(),
                info.direction().name().toLowerCase(Locale.ROOT), info.connectedSince().toString());
    }
}
