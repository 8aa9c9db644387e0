package mvpos.sim;

import java.util.HashMap;
import java.util.Map;
import mvpos.crypto.HashKey;
import mvpos.state.State;

/**
 * The invariant "supply conservation": the tokens in a state (every account's balance and locked stake,
 * unbonding included) are the parent state's plus what the block minted (rewards) minus what it burned
 * (penalties, slashing), as the state transition counts them; so, block by block, genesis supply plus
 * rewards minus burns. A state's supply is summed once per state root (equal roots, equal states), so
 * a thousand nodes holding one block cost one sum.
 */
final class SupplyConservation {
    private static final int REMEMBERED = 4_096;
    private final Map<HashKey, Long> supplyByRoot = new HashMap<>();

    /** The tokens in {@code state}. */
    static long supplyOf(State state) {
        long[] total = {0};
        state.forEachAccount((address, account) -> total[0] = Math.addExact(total[0],
                Math.addExact(account.balance(), account.locked())));
        return total[0];
    }

    /** {@link #supplyOf}, remembered by the state's root. */
    long supply(State state) {
        HashKey root = HashKey.of(state.root());
        Long known = supplyByRoot.get(root);
        if (known == null) {
            if (supplyByRoot.size() >= REMEMBERED) {
                supplyByRoot.clear(); // the recent states come back at once; old ones are not asked again
            }
            known = supplyOf(state);
            supplyByRoot.put(root, known);
        }
        return known;
    }

    /** Why a block from {@code before} to {@code after} tokens breaks the rule; null when it keeps it. */
    static String violation(long before, long after, long minted, long burned) {
        long expected = before + minted - burned;
        return after == expected ? null : "supply went from " + before + " to " + after + ", but the block minted "
                + minted + " and burned " + burned + " (expected " + expected + ", off by " + (after - expected) + ")";
    }
}
