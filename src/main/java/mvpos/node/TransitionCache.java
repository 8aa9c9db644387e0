package mvpos.node;

import mvpos.crypto.HashKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import mvpos.state.StateTransition;

/**
 * Remembers what applying a block gave, by block hash. The state transition is pure and a block's
 * hash commits to its parent (so to the state it applies to), its proposer and its transactions, so
 * the same hash always gives the same result: the nodes of one process (a devnet) share this cache and
 * apply each block once, however many of them import it. Bounded (oldest first out); thread-safe.
 */
public final class TransitionCache {
    private final Map<HashKey, StateTransition.Applied> applied;

    public TransitionCache(int capacity) {
        this.applied = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<HashKey, StateTransition.Applied> eldest) {
                return size() > capacity;
            }
        });
    }

    /** The state of a genesis, built once per genesis (the same object for every node of a devnet). */
    public synchronized mvpos.state.State genesisState(mvpos.chain.Genesis genesis) {
        if (genesisOf != genesis) {
            genesisState = mvpos.state.BucketedState.of(genesis.accounts());
            genesisOf = genesis;
        }
        return genesisState;
    }

    private mvpos.chain.Genesis genesisOf;
    private mvpos.state.State genesisState;

    /** Epoch views of vote targets (a pure function of the target's state and the epoch), by target and epoch. */
    private final Map<String, StateTransition.SlotView> targetViews = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, StateTransition.SlotView> eldest) {
                    return size() > TARGET_VIEWS;
                }
            });
    /** Target views remembered: a few epochs' worth of checkpoints, on a few forks. */
    static final int TARGET_VIEWS = 32;

    /**
     * What a block entering {@code epoch} right after {@code target} sees (computed at most once per
     * target and epoch, however many nodes ask).
     */
    public StateTransition.SlotView targetView(byte[] target, long epoch,
                                               java.util.function.Supplier<StateTransition.SlotView> compute) {
        String key = mvpos.crypto.Hex.encode(target) + "/" + epoch;
        StateTransition.SlotView view = targetViews.get(key);
        if (view == null) {
            view = compute.get();
            targetViews.put(key, view);
        }
        return view;
    }

    public Optional<StateTransition.Applied> get(byte[] blockHash) {
        return Optional.ofNullable(applied.get(HashKey.view(blockHash)));
    }

    public void put(byte[] blockHash, StateTransition.Applied result) {
        applied.put(HashKey.of(blockHash), result);
    }
}
