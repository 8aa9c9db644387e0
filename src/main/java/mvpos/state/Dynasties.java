package mvpos.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mvpos.chain.Account;
import mvpos.crypto.Address;

/**
 * Dynamic validator sets (the FFG paper, section 4.1) with the churn limit of the Ethereum spec. A
 * chain's dynasty is the number of checkpoints finalized on it. The ceilings of dynasty {@code d + 2}
 * are taken when dynasty {@code d + 1} begins, from the stake bonded then: so a deposit or an exit made
 * in dynasty {@code d} counts from dynasty {@code d + 2}, through two finalized checkpoints that the
 * validators of the time agreed on, and a supermajority link needs 2/3 of both the previous and the
 * current dynasty. Nobody can buy finality on one fork: new stake waits for two finalizations that
 * need the old validators.
 *
 * <p>At one dynasty change the weight that enters or leaves is at most {@link #churnLimit} (in the
 * registry's order, then new validators in address order; the rest waits for later changes). Tokens
 * unstaked stay locked until {@link #isWithdrawable}.
 */
final class Dynasties {
    private Dynasties() {
    }

    /**
     * The weight that may change at one dynasty change: {@code max(MIN_PER_DYNASTY_CHURN_LIMIT,
     * total / CHURN_LIMIT_QUOTIENT)} of the current dynasty's total weight.
     */
    static long churnLimit(long currentTotal) {
        return Math.max(FfgConstants.MIN_PER_DYNASTY_CHURN_LIMIT, currentTotal / FfgConstants.CHURN_LIMIT_QUOTIENT);
    }

    /**
     * A new dynasty begins (a new checkpoint was finalized): the current dynasty becomes the previous,
     * the next one the current, and the next one's ceilings move toward each validator's bonded stake
     * (0 once slashed), within the churn limit. Validators with stake that are not registered yet enter
     * the registry in address order, with the ceiling the churn leaves them.
     */
    static ValidatorRegistry rotate(ValidatorRegistry validators, State base, Changes accounts) {
        int n = validators.size();
        // After the rotation the current dynasty is today's next one: the churn is measured against it.
        long currentTotal = 0;
        Account[] registered = new Account[n];
        for (int i = 0; i < n; i++) {
            registered[i] = accounts.get(validators.address(i));
            currentTotal += ValidatorRegistry.weight(validators.ceiling(ValidatorRegistry.Dynasty.NEXT, i), registered[i]);
        }
        long budget = churnLimit(currentTotal);
        long[] next = new long[n];
        for (int i = 0; i < n; i++) {
            long old = validators.ceiling(ValidatorRegistry.Dynasty.NEXT, i);
            Account account = registered[i];
            long desired = account.slashed() ? 0 : account.stake();
            long locked = account.slashed() ? 0 : account.stake() + account.unbonding();
            if (desired >= old) {
                long raise = Math.min(desired - old, budget);
                next[i] = old + raise;
                budget -= raise;
            } else {
                // Lowering costs only the weight that really stops counting (nothing, for a penalised validator).
                long cost = Math.min(old, locked) - Math.min(desired, locked);
                long paid = Math.min(cost, budget);
                next[i] = paid == cost ? desired : Math.min(old, locked) - paid;
                budget -= paid;
            }
        }
        List<Address> entering = new ArrayList<>();
        List<Long> enteringCeilings = new ArrayList<>();
        long[] remaining = {budget};
        base.forEachAccount((address, stored) -> {
            if (remaining[0] == 0 || validators.indexOf(address) >= 0) {
                return;
            }
            Account account = accounts.get(address);
            if (account.slashed() || account.stake() == 0) {
                return;
            }
            long ceiling = Math.min(account.stake(), remaining[0]);
            remaining[0] -= ceiling;
            entering.add(address);
            enteringCeilings.add(ceiling);
        });
        Address[] addresses = Arrays.copyOf(validators.addresses(), n + entering.size());
        long[] ceilings = Arrays.copyOf(next, n + entering.size());
        for (int j = 0; j < entering.size(); j++) {
            addresses[n + j] = entering.get(j);
            ceilings[n + j] = enteringCeilings.get(j);
        }
        return validators.rotated(addresses, ceilings);
    }

    /**
     * Whether an account's unbonding tokens may join its balance on a chain whose finality state is
     * {@code f}: a checkpoint at least {@code MIN_VALIDATOR_WITHDRAWABILITY_DELAY} epochs after the
     * unstake is finalized ({@code unbondingUntil} holds that epoch), and no dynasty counts more of the
     * account than its stake (the exit has left every dynasty). Until then the tokens stay slashable.
     */
    static boolean isWithdrawable(Address address, Account account, FinalityState f) {
        if (account.unbonding() == 0 || f.finalized().epoch() < account.unbondingUntil()) {
            return false;
        }
        int index = f.validators().indexOf(address);
        return index < 0 || f.validators().highestCeiling(index) <= account.stake();
    }
}
