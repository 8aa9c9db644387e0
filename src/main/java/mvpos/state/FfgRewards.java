package mvpos.state;

import java.math.BigInteger;
import mvpos.chain.Account;
import mvpos.crypto.Address;

/**
 * Rewards, penalties and the inactivity leak of Casper FFG, applied at each epoch boundary to the
 * votes of the previous epoch, as the Ethereum spec (Altair) does in {@code process_inactivity_updates}
 * and {@code process_rewards_and_penalties}, with one duty (a timely vote for the target) instead of
 * three. Constants in {@link FfgConstants}.
 *
 * <ul>
 *   <li>A validator whose vote for the previous epoch's target was counted earns
 *       {@code baseReward * attesting / total} (the voters' share of the current dynasty), paid to its
 *       balance; none during a leak.</li>
 *   <li>One whose vote was not counted loses {@code baseReward} from its stake: withholding a vote is
 *       not free.</li>
 *   <li>The inactivity leak (paper section 4.2, "catastrophic crashes"): while finality is more than
 *       {@code MIN_EPOCHS_TO_INACTIVITY_PENALTY} epochs behind, each missed vote adds
 *       {@code INACTIVITY_SCORE_BIAS} to the validator's score, and it loses
 *       {@code weight * score / (INACTIVITY_SCORE_BIAS * INACTIVITY_PENALTY_QUOTIENT)} a epoch: a quadratic
 *       leak that shrinks the offline validators' weight until the online ones hold 2/3 again.</li>
 * </ul>
 */
final class FfgRewards {
    private FfgRewards() {
    }

    /** A validator's base reward per epoch: its effective weight / {@code BASE_REWARD_QUOTIENT}. */
    static long baseReward(long effectiveWeight) {
        return effectiveWeight / FfgConstants.BASE_REWARD_QUOTIENT;
    }

    /** The reward of a counted vote: {@code baseReward * attesting / total} of the current dynasty. */
    static long voteReward(long baseReward, CasperFfg.Tally tally) {
        if (tally.currentTotal() == 0) {
            return 0;
        }
        return BigInteger.valueOf(baseReward).multiply(BigInteger.valueOf(tally.currentAttesting()))
                .divide(BigInteger.valueOf(tally.currentTotal())).longValue();
    }

    /** The leak's penalty for a missed vote: {@code weight * score / (BIAS * QUOTIENT)}, at most the weight. */
    static long inactivityPenalty(long effectiveWeight, long inactivityScore) {
        BigInteger penalty = BigInteger.valueOf(effectiveWeight).multiply(BigInteger.valueOf(inactivityScore))
                .divide(BigInteger.valueOf(FfgConstants.INACTIVITY_SCORE_BIAS * FfgConstants.INACTIVITY_PENALTY_QUOTIENT));
        return Math.min(effectiveWeight, penalty.longValue());
    }

    /** Whether finality is far enough behind for the leak (spec: {@code is_in_inactivity_leak}). */
    static boolean isInInactivityLeak(long previousEpoch, long finalizedEpoch) {
        return previousEpoch - finalizedEpoch > FfgConstants.MIN_EPOCHS_TO_INACTIVITY_PENALTY;
    }

    /** The next inactivity score of a validator (spec: {@code process_inactivity_updates}). */
    static long nextInactivityScore(long score, boolean voted, boolean leaking) {
        long next = voted ? score - Math.min(1, score) : score + FfgConstants.INACTIVITY_SCORE_BIAS;
        return leaking ? next : next - Math.min(FfgConstants.INACTIVITY_SCORE_RECOVERY_RATE, next);
    }

    /**
     * Applies the rewards and penalties for the votes of {@code previousEpoch} (the bits {@code votes},
     * tallied as {@code tally}) to the accounts, and returns the registry with the new inactivity scores.
     */
    static ValidatorRegistry processRewardsAndPenalties(ValidatorRegistry validators, VoteBits votes,
                                                        CasperFfg.Tally tally, long previousEpoch,
                                                        long finalizedEpoch, Changes accounts) {
        boolean leaking = isInInactivityLeak(previousEpoch, finalizedEpoch);
        long[] scores = new long[validators.size()];
        for (int i = 0; i < validators.size(); i++) {
            Address address = validators.address(i);
            long score = validators.inactivityScore(i);
            scores[i] = score;
            if (validators.ceiling(ValidatorRegistry.Dynasty.PREVIOUS, i) == 0
                    && validators.ceiling(ValidatorRegistry.Dynasty.CURRENT, i) == 0) {
                continue;
            }
            Account account = accounts.get(address);
            long weight = CasperFfg.effectiveWeight(validators, i, account);
            if (weight == 0) {
                continue; // not eligible: outside both dynasties, or slashed
            }
            boolean voted = votes.get(i);
            scores[i] = nextInactivityScore(score, voted, leaking);
            long base = baseReward(weight);
            if (voted) {
                long reward = leaking ? 0 : voteReward(base, tally);
                if (reward > 0 && account.balance() <= Long.MAX_VALUE - reward) {
                    accounts.put(address, account.withBalance(account.balance() + reward));
                    accounts.mint(reward);
                }
            } else {
                long penalty = Math.min(weight, base + (leaking || scores[i] > 0 ? inactivityPenalty(weight, scores[i]) : 0));
                if (penalty > 0) {
                    accounts.put(address, debitLocked(account, penalty));
                    accounts.burn(penalty);
                }
            }
        }
        return validators.withInactivityScores(scores);
    }

    /** Takes {@code amount} from the stake, then from the unbonding tokens (never more than they hold). */
    static Account debitLocked(Account account, long amount) {
        long fromStake = Math.min(amount, account.stake());
        long fromUnbonding = Math.min(amount - fromStake, account.unbonding());
        return new Account(account.balance(), account.nonce(), account.stake() - fromStake, account.slashed(),
                account.unbonding() - fromUnbonding, account.unbonding() - fromUnbonding == 0 ? 0
                : account.unbondingUntil());
    }
}
