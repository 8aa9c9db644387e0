package mvpos.api.explorer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import mvpos.chain.ChainStore;
import mvpos.state.CasperFfg;
import mvpos.crypto.Hex;
import mvpos.sim.Devnet;

/**
 * The explorer of a whole {@link Devnet}: every block any node makes its head, and the view of each of
 * the first {@link #MAX_VIEWS} nodes (side by side in the page). Attach before the devnet runs, on the
 * thread that runs it.
 */
public final class DevnetFeed {
    /** Nodes whose own view (head, finality, state) the explorer keeps. */
    public static final int MAX_VIEWS = 16;

    private DevnetFeed() {
    }

    /** @param wallClock the wall clock, which stamps when the explorer saw each block */
    public static Explorer attach(Devnet devnet, ObjectMapper json, LongSupplier wallClock)
            throws ChainStore.StoreException {
        int watched = Math.min(MAX_VIEWS, devnet.size());
        BlockCatalog catalog = new BlockCatalog(true);
        List<NodeView> views = new ArrayList<>();
        for (int i = 0; i < watched; i++) {
            views.add(new NodeView(i, "node" + i, hash -> catalog.body(Hex.encode(hash))));
        }
        var genesis = devnet.genesis();
        Explorer.Info info = new Explorer.Info("devnet", genesis.chainId(), genesis.engine(), genesis.finality(),
                CasperFfg.NAME.equals(genesis.finality()) ? CasperFfg.epochLengthOf(genesis) : 0,
                genesis.blockTimeMillis(), views.stream().map(NodeView::name).toList());
        Explorer explorer = new Explorer(info, catalog, views, json, wallClock);
        int others = devnet.size() - 1;
        for (NodeView view : views) {
            CoreWatcher.watch(explorer, view, devnet.node(view.index()), devnet.events()::millis);
        }
        for (int i = watched; i < devnet.size(); i++) {
            CoreWatcher.collectBlocks(explorer, views.get(0), devnet.node(i));
        }
        NodeView.Network mesh = new NodeView.Network("in-memory network: every node reaches the " + others
                + " others unless a partition splits them", others, List.of(), 0, false);
        views.forEach(view -> view.network(() -> mesh));
        for (NodeView view : views) {
            mvpos.node.NodeCore core = devnet.node(view.index());
            mvpos.net.Gossip gossip = devnet.gossip(view.index());
            view.counters(() -> NodeFeed.counters(core.voteCounts(), gossip.messagesReceived(), 0));
        }
        return explorer;
    }
}
