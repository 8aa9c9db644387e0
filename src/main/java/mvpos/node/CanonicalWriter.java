package mvpos.node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import mvpos.chain.Account;
import mvpos.chain.ChainStore;
import mvpos.consensus.BlockTree;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;
import mvpos.state.FinalityState;
import mvpos.state.State;

/**
 * Writes what a node's head change makes canonical: the blocks gained, the accounts both branches
 * touched (at their values on the new head), and the finality records of the gained blocks, in one
 * atomic write; then the valid blocks that stayed off the canonical chain. Each validator registry is
 * written once.
 */
final class CanonicalWriter {
    private final ChainStore store;
    /** The last registry written to the store, so that each is written once. */
    private HashKey storedRegistry;

    CanonicalWriter(ChainStore store) {
        this.store = store;
    }

    /** The state records a block's state adds: its finality record, and its registry when new. */
    List<ChainStore.StateRecord> finalityRecords(byte[] blockHash, State state) {
        Optional<FinalityState> finality = state.finality();
        if (finality.isEmpty()) {
            return List.of();
        }
        List<ChainStore.StateRecord> records = new ArrayList<>(2);
        HashKey registry = HashKey.of(finality.get().validators().root());
        if (!registry.equals(storedRegistry)) {
            records.add(new ChainStore.StateRecord(StoredChain.registryKey(registry.bytes()),
                    finality.get().validators().encode()));
            storedRegistry = registry;
        }
        records.add(new ChainStore.StateRecord(StoredChain.finalityKey(blockHash), finality.get().encodeRecord()));
        return records;
    }

    /**
     * Stores the move of the head from {@code oldHead} to {@code newHead} (when they differ) and the
     * side blocks among {@code added}; returns the abandoned blocks, highest first.
     */
    List<BlockTree.Entry> write(BlockTree tree, BlockTree.Entry oldHead, BlockTree.Entry newHead,
                                List<BlockTree.Entry> added) throws ChainStore.StoreException {
        Set<BlockTree.Entry> canonical = Collections.newSetFromMap(new IdentityHashMap<>());
        List<BlockTree.Entry> abandoned = new ArrayList<>();
        if (newHead != oldHead) {
            List<BlockTree.Entry> gained = tree.pathFromCommonAncestor(oldHead, newHead, abandoned);
            canonical.addAll(gained);
            Map<Address, Account> accounts = new HashMap<>();
            for (BlockTree.Entry entry : abandoned) {
                entry.before().keySet().forEach(a -> accounts.put(a, newHead.state().account(a)));
            }
            List<ChainStore.CanonicalBlock> blocks = new ArrayList<>(gained.size());
            List<ChainStore.StateRecord> records = new ArrayList<>();
            for (BlockTree.Entry entry : gained) {
                entry.before().keySet().forEach(a -> accounts.put(a, newHead.state().account(a)));
                blocks.add(new ChainStore.CanonicalBlock(entry.block(), entry.before()));
                records.addAll(finalityRecords(entry.hash(), entry.state()));
            }
            store.commit(new ChainStore.HeadChange(blocks, accounts, records));
        }
        for (BlockTree.Entry entry : added) {
            if (!canonical.contains(entry)) {
                store.storeBlock(entry.block());
            }
        }
        return abandoned;
    }
}
