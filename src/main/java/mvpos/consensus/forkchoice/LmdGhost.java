package mvpos.consensus.forkchoice;

import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Account;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ForkChoice;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;
import mvpos.state.CasperFfg;
import mvpos.state.FinalityState;
import mvpos.state.State;
import mvpos.state.ValidatorRegistry;

/**
 * LMD-GHOST, as Gasper runs it (Buterin et al., "Combining GHOST and Casper", 2020; the Ethereum
 * consensus specs' {@code get_head}): from the justified checkpoint, follow the child whose subtree
 * holds the most stake among the validators' latest messages (the head each one's latest vote names),
 * over the FFG-filtered tree ({@link GhostWalk}). Stake is read in the anchor's state (the justified
 * state): with Casper FFG a validator's effective weight, else its stake; slashed validators and caught
 * equivocators weigh nothing.
 *
 * <p>Proposer boost: the block that arrived first and on time in the current slot weighs
 * {@code proposerBoost} percent of one slot's share of the total stake
 * ({@code total / slotsPerEpoch}; the specs' {@code PROPOSER_SCORE_BOOST} is 40), so that an honest
 * proposer's block beats a withheld sibling revealed late. Ties in vote weight go to block weight, then
 * to the current head's branch, then to the block added first.
 */
public final class LmdGhost implements ForkChoice {
    public static final String NAME = "lmd-ghost";
    /** The parameter naming the proposer boost, in percent of one slot's stake. */
    public static final String PROPOSER_BOOST = "proposerBoost";
    public static final long DEFAULT_PROPOSER_BOOST = 40;

    private final LatestMessages messages;
    private final long boostPercent;
    private final long slotsPerEpoch;
    private State totalFor;
    private long total;
    private State weighedIn;
    private int weighed;
    private long[] weights = new long[0];

    /**
     * @param slotsPerEpoch how many slots share the validators' votes (the FFG epoch length; 1 without FFG)
     */
    public LmdGhost(LatestMessages messages, long boostPercent, long slotsPerEpoch) {
        if (boostPercent < 0 || slotsPerEpoch < 1) {
            throw new IllegalArgumentException("a negative proposer boost or fewer than one slot per epoch");
        }
        this.messages = messages;
        this.boostPercent = boostPercent;
        this.slotsPerEpoch = slotsPerEpoch;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean usesVotes() {
        return true;
    }

    public LatestMessages messages() {
        return messages;
    }

    @Override
    public BlockTree.Entry choose(BlockTree tree, BlockTree.Entry current) {
        State justified = tree.anchor().state();
        long[] weights = weights(justified);
        // Summed per head first: many validators name one head, and a block is looked up once per head.
        Map<HashKey, long[]> byHead = new HashMap<>();
        for (int id = 0; id < messages.size(); id++) {
            if (weights[id] > 0 && messages.counts(id)) {
                byHead.computeIfAbsent(messages.head(id), k -> new long[1])[0] += weights[id];
            }
        }
        Map<BlockTree.Entry, Long> own = new IdentityHashMap<>();
        byHead.forEach((head, weight) -> tree.entry(head.bytes()).ifPresent(e -> own.merge(e, weight[0], Long::sum)));
        Optional<byte[]> boosted = messages.boostRoot();
        if (boosted.isPresent() && boostPercent > 0) {
            long boost = totalWeight(justified) / slotsPerEpoch * boostPercent / 100;
            tree.entry(boosted.get()).ifPresent(e -> own.merge(e, boost, Long::sum));
        }
        return GhostWalk.walk(tree, current, own);
    }

    /** Each validator's weight in the justified state, by its number in {@link LatestMessages} (kept per state). */
    private long[] weights(State justified) {
        if (justified != weighedIn) {
            weighedIn = justified;
            weighed = 0;
        }
        if (weights.length < messages.size()) {
            weights = Arrays.copyOf(weights, Math.max(messages.size(), weights.length * 2));
        }
        for (; weighed < messages.size(); weighed++) {
            weights[weighed] = weightOf(justified, messages.validator(weighed));
        }
        return weights;
    }

    /** A validator's weight in the justified state. */
    static long weightOf(State state, Address validator) {
        Optional<FinalityState> finality = state.finality();
        Account account = state.account(validator);
        if (finality.isPresent()) {
            ValidatorRegistry validators = finality.get().validators();
            int index = validators.indexOf(validator);
            return index < 0 ? 0 : CasperFfg.effectiveWeight(validators, index, account);
        }
        return account.slashed() ? 0 : account.stake();
    }

    /** The total weight of the validators in the justified state (computed once per state). */
    private long totalWeight(State state) {
        if (state != totalFor) {
            long[] sum = {0};
            Optional<FinalityState> finality = state.finality();
            if (finality.isPresent()) {
                ValidatorRegistry validators = finality.get().validators();
                for (int i = 0; i < validators.size(); i++) {
                    sum[0] += CasperFfg.effectiveWeight(validators, i, state.account(validators.address(i)));
                }
            } else {
                state.forEachAccount((address, account) -> sum[0] += account.slashed() ? 0 : account.stake());
            }
            total = sum[0];
            totalFor = state;
        }
        return total;
    }
}
