package mvpos.api.explorer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import mvpos.api.ChainSnapshot;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.SlashingEvidence;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ChainView;
import mvpos.node.NodeCore;

/**
 * Tells an {@link Explorer} what one {@link NodeCore} does: its listeners run on the node's thread
 * (its loop, or a devnet's event queue), so they read the core directly and hand the explorer
 * immutable values. A head change brings in the new head and the blocks below it that the explorer has
 * not seen (a sync moves the head by many blocks at once).
 */
final class CoreWatcher {
    /** Canonical blocks read from the store when a watcher starts on a chain that has some already. */
    static final int INITIAL_BLOCKS = 20_000;

    private final Explorer explorer;
    private final NodeView view;
    private final NodeCore core;
    private final LongSupplier chainClock;
    private long headHeight;

    private CoreWatcher(Explorer explorer, NodeView view, NodeCore core, LongSupplier chainClock) {
        this.explorer = explorer;
        this.view = view;
        this.core = core;
        this.chainClock = chainClock;
    }

    /**
     * Starts watching; call on the node's thread. The recent canonical chain is read from the store first.
     *
     * @param chainClock the node's clock (virtual in a seeded devnet), for the import delay
     */
    static void watch(Explorer explorer, NodeView view, NodeCore core, LongSupplier chainClock)
            throws ChainStore.StoreException {
        CoreWatcher watcher = new CoreWatcher(explorer, view, core, chainClock);
        watcher.loadRecent();
        core.onHeadChanged(watcher::headChanged);
        // Blocks of forks that never become this node's head are drawn too.
        core.onBlockAdded(added -> {
            if (!added.head()) {
                explorer.blockSeen(view, added.block());
            }
        });
        core.onFinalityChanged(change -> explorer.finalityChanged(view, ChainSnapshot.finality(core)));
        core.onEvidence(evidence -> explorer.evidence(new Explorer.EvidenceView(view.index(),
                evidence.offender().toString(), describe(evidence), explorer.now())));
    }

    /** Only adds the blocks a node makes head to the catalog (the nodes of a large devnet beyond the watched ones). */
    static void collectBlocks(Explorer explorer, NodeView anyView, NodeCore core) {
        core.onBlockAdded(added -> explorer.blockSeen(anyView, added.block()));
    }

    private static String describe(SlashingEvidence evidence) {
        return switch (evidence) {
            case SlashingEvidence.VotePair pair -> "slashable votes (double or surround)";
            case SlashingEvidence.HeaderPair pair -> "two blocks for one slot";
            case SlashingEvidence.StatementPair pair -> "two " + pair.first().kind() + " statements for one round";
        };
    }

    private void loadRecent() throws ChainStore.StoreException {
        Block head = core.head();
        for (long h = Math.max(0, head.height() - INITIAL_BLOCKS); h <= head.height(); h++) {
            Optional<Block> block = core.blockAt(h);
            if (block.isPresent()) {
                explorer.blockSeen(view, block.get());
            }
        }
        headHeight = head.height();
        explorer.headChanged(view, head, 0, ChainSnapshot.headState(core), core.pendingTransactions(), List.of());
        explorer.finalityChanged(view, ChainSnapshot.finality(core));
    }

    private void headChanged(NodeCore.HeadChanged change) {
        Block head = change.head();
        List<Block> unseen = new ArrayList<>();
        BlockTree tree = core.tree();
        Optional<BlockTree.Entry> at = tree.entry(head.hash());
        while (at.isPresent() && unseen.size() < ChainView.STATE_HISTORY
                && explorer.catalog().get(mvpos.crypto.Hex.encode(at.get().hash())).isEmpty()) {
            unseen.add(at.get().block());
            at = tree.entry(at.get().header().parentHash());
        }
        for (int i = unseen.size() - 1; i >= 0; i--) {
            explorer.blockSeen(view, unseen.get(i));
        }
        // The blocks that joined the chain: from the common ancestor of the old and new heads up to the new head.
        long gained = head.height() - (headHeight - change.reorgDepth());
        headHeight = head.height();
        List<Double> delays = new ArrayList<>();
        long now = chainClock.getAsLong();
        Optional<BlockTree.Entry> walk = tree.entry(head.hash());
        for (long i = 0; i < gained && walk.isPresent(); i++) {
            delays.add((now - walk.get().header().timestamp()) / 1000.0);
            walk = tree.entry(walk.get().header().parentHash());
        }
        explorer.headChanged(view, head, change.reorgDepth(), ChainSnapshot.headState(core),
                core.pendingTransactions(), delays);
        explorer.finalityChanged(view, ChainSnapshot.finality(core));
    }
}
