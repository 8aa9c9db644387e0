package mvpos.node;

import mvpos.crypto.HashKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Vote;
import mvpos.state.StateTransition;
import mvpos.state.VoteRejection;

/**
 * Remembers what applying a block gave, by block hash. The state transition is pure and a block's
 * hash commits to its parent (so to the state it applies to), its proposer and its transactions, so
 * the same hash always gives the same result: the nodes of one process (a devnet) share this cache and
 * apply each block once, however many of them import it. Bounded (oldest first out); thread-safe.
 */
public final class TransitionCache {
    private final Map<HashKey, StateTransition.Applied> applied;

    public TransitionCache(int capacity) {
        this.befores = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<HashKey, Map<mvpos.crypto.Address, mvpos.chain.Account>> eldest) {
                return size() > capacity;
            }
        });
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
    private final Map<TargetKey, TargetView> targetViews = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<TargetKey, TargetView> eldest) {
                    return size() > TARGET_VIEWS;
                }
            });
    /** Target views remembered: a few epochs' worth of checkpoints, on a few forks. */
    static final int TARGET_VIEWS = 32;
    /** Verdicts remembered per target view: more than any validator set here has votes for one target. */
    static final int VERDICTS_PER_VIEW = 1 << 17;

    private record TargetKey(HashKey target, long epoch) {
    }

    /** A target's view and the verdicts on the votes for it (each a pure function of the view and the vote). */
    private record TargetView(StateTransition.SlotView view, Map<HashKey, Optional<VoteRejection>> verdicts) {
    }

    /**
     * What a block entering {@code epoch} right after {@code target} sees (computed at most once per
     * target and epoch, however many nodes ask).
     */
    public StateTransition.SlotView targetView(byte[] target, long epoch,
                                               java.util.function.Supplier<StateTransition.SlotView> compute) {
        return entry(target, epoch, compute).view();
    }

    private TargetView entry(byte[] target, long epoch, java.util.function.Supplier<StateTransition.SlotView> compute) {
        TargetView entry = targetViews.get(new TargetKey(HashKey.view(target), epoch));
        if (entry == null) {
            entry = new TargetView(compute.get(), new java.util.concurrent.ConcurrentHashMap<>());
            targetViews.put(new TargetKey(HashKey.of(target), epoch), entry);
        }
        return entry;
    }

    /**
     * Why {@code vote} cannot be counted on the chain of its target ({@code target}, entering {@code epoch}),
     * as {@code judge} says in that target's view: judged once per vote, however many nodes ask (the
     * verdict depends on nothing but the view and the vote).
     */
    public Optional<VoteRejection> verdict(byte[] target, long epoch, Vote vote,
                                           java.util.function.Supplier<StateTransition.SlotView> compute,
                                           java.util.function.Function<StateTransition.SlotView, Optional<VoteRejection>> judge) {
        TargetView entry = entry(target, epoch, compute);
        Optional<VoteRejection> verdict = entry.verdicts().get(vote.hashKey());
        if (verdict == null) {
            verdict = judge.apply(entry.view());
            if (entry.verdicts().size() < VERDICTS_PER_VIEW) {
                entry.verdicts().put(vote.hashKey(), verdict);
            }
        }
        return verdict;
    }

    /**
     * The accounts a block changed, as they were in its parent's state (what undoing it restores): computed
     * once per block, however many nodes add it, like the transition itself; read-only.
     */
    public Map<mvpos.crypto.Address, mvpos.chain.Account> before(byte[] blockHash, mvpos.state.State parentState,
                                                                java.util.Set<mvpos.crypto.Address> changed) {
        HashKey key = HashKey.view(blockHash);
        Map<mvpos.crypto.Address, mvpos.chain.Account> known = befores.get(key);
        if (known == null) {
            Map<mvpos.crypto.Address, mvpos.chain.Account> accounts = new java.util.HashMap<>();
            changed.forEach(address -> accounts.put(address, parentState.account(address)));
            known = Collections.unmodifiableMap(accounts);
            befores.put(HashKey.of(blockHash), known);
        }
        return known;
    }

    private final Map<HashKey, Map<mvpos.crypto.Address, mvpos.chain.Account>> befores;

    public Optional<StateTransition.Applied> get(byte[] blockHash) {
        return Optional.ofNullable(applied.get(HashKey.view(blockHash)));
    }

    public void put(byte[] blockHash, StateTransition.Applied result) {
        applied.put(HashKey.of(blockHash), result);
    }
}
