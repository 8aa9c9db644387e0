package mvpos.node;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Transaction;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ChainView;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;

/**
 * A fork from a canonical block below the tree (a long partition of a chain without finality): when
 * the heaviest chain of held blocks descending from it weighs more than the canonical chain above it,
 * the node rebuilds its tree from below the fork point (the states through the store's undo records),
 * validates the fork's blocks as any others, and, if they still weigh more, makes the fork canonical in
 * one atomic write. Otherwise nothing changes and the blocks stay held.
 */
final class DeepReorganisation {
    private final NodeCore core;
    private final ChainStore store;
    private final HeldBlocks held;
    /** Canonical stored blocks below the tree that orphans fork from: candidates for a deep reorganisation. */
    private final Set<HashKey> forkPoints = new LinkedHashSet<>();

    DeepReorganisation(NodeCore core, HeldBlocks held) {
        this.core = core;
        this.store = core.store();
        this.held = held;
    }

    /** Notes a fork point when {@code parentHash} is the canonical stored block at {@code height}. */
    void noteForkFrom(byte[] parentHash, long height) {
        if (isCanonicalInStore(parentHash, height)) {
            forkPoints.add(HashKey.of(parentHash));
        }
    }

    /** Tries each noted fork point that has held blocks waiting on it. */
    void tryAll(long nowMillis) throws ChainStore.StoreException {
        if (forkPoints.isEmpty()) {
            return;
        }
        List<HashKey> points = new ArrayList<>(forkPoints);
        forkPoints.clear();
        for (HashKey point : points) {
            if (held.hasChildrenOf(point)) {
                tryFrom(point, nowMillis);
            }
        }
    }

    private boolean isCanonicalInStore(byte[] hash, long height) {
        try {
            Optional<Block> atHeight = store.blockAt(height);
            return atHeight.isPresent() && Arrays.equals(atHeight.get().hash(), hash);
        } catch (ChainStore.StoreException e) {
            return false;
        }
    }

    private void tryFrom(HashKey point, long nowMillis) throws ChainStore.StoreException {
        Block fork = store.blockByHash(point.bytes()).orElse(null);
        if (fork == null || !isCanonicalInStore(point.bytes(), fork.height())) {
            return;
        }
        BigInteger candidate = held.heaviestChainFrom(point, core.engine()::weight);
        BlockTree.Entry oldHead = core.tree().head();
        BigInteger ours = BigInteger.ZERO;
        for (long h = fork.height() + 1; h <= oldHead.height(); h++) {
            ours = ours.add(core.engine().weight(store.blockAt(h).orElseThrow(() -> new ChainStore.StoreException(
                    "the stored chain misses a canonical block")).header()));
        }
        if (candidate.compareTo(ours) <= 0) {
            return;
        }
        BlockTree old = core.tree();
        long from = Math.max(0, fork.height() - ChainView.STATE_HISTORY / 2);
        core.replaceTree(new StoredChain(store, core.genesis(), core.domain(), core.rules().hasFinality())
                .rebuild(oldHead.block(), core.engine(), core.signatures()::verify, from, fork.height()));
        BigInteger base = core.tree().head().totalWeight();
        List<BlockTree.Entry> added = new ArrayList<>();
        core.adoptOrphansOf(point.bytes(), nowMillis, added);
        BlockTree.Entry newHead = core.tree().head();
        if (newHead.totalWeight().subtract(base).compareTo(ours) <= 0) {
            core.replaceTree(old); // some of its blocks were invalid: what is left is not heavier
            return;
        }
        commit(fork, oldHead, newHead, added);
    }

    /** Stores a deep reorganisation in one write: the fork's blocks canonical, the accounts of both branches. */
    private void commit(Block fork, BlockTree.Entry oldHead, BlockTree.Entry newHead, List<BlockTree.Entry> added)
            throws ChainStore.StoreException {
        // The new canonical blocks, from the ones this reorganisation added (the tree may hold fewer of them).
        Map<HashKey, BlockTree.Entry> addedByHash = new HashMap<>();
        added.forEach(entry -> addedByHash.put(HashKey.of(entry.hash()), entry));
        List<BlockTree.Entry> gained = new ArrayList<>();
        for (BlockTree.Entry at = newHead; at != null && at.height() > fork.height();
             at = addedByHash.get(HashKey.of(at.header().parentHash()))) {
            gained.add(0, at);
        }
        Map<Address, Account> accounts = new HashMap<>();
        List<Transaction> abandonedTxs = new ArrayList<>();
        for (long h = fork.height() + 1; h <= oldHead.height(); h++) {
            Block abandoned = store.blockAt(h).orElseThrow();
            abandonedTxs.addAll(abandoned.transactions());
            store.accountsBefore(abandoned.hash()).orElseThrow(() -> new ChainStore.StoreException(
                    "the stored chain has no undo record for block " + abandoned.height()))
                    .keySet().forEach(a -> accounts.put(a, newHead.state().account(a)));
        }
        List<ChainStore.CanonicalBlock> blocks = new ArrayList<>();
        for (BlockTree.Entry entry : gained) {
            entry.before().keySet().forEach(a -> accounts.put(a, newHead.state().account(a)));
            blocks.add(new ChainStore.CanonicalBlock(entry.block(), entry.before()));
        }
        store.commit(new ChainStore.HeadChange(blocks, accounts));
        Set<BlockTree.Entry> canonical = Collections.newSetFromMap(new IdentityHashMap<>());
        canonical.addAll(gained);
        for (BlockTree.Entry entry : added) {
            if (!canonical.contains(entry)) {
                store.storeBlock(entry.block());
            }
        }
        core.newHeadStored(newHead, abandonedTxs, (int) (oldHead.height() - fork.height()));
    }
}
