package mvpos.state;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import mvpos.chain.Account;
import mvpos.chain.ChainDomain;
import mvpos.chain.Checkpoint;
import mvpos.chain.Genesis;
import mvpos.chain.Vote;
import mvpos.crypto.Address;

/**
 * Casper FFG as the pure state transition runs it: which votes a block may carry, and what happens at
 * each epoch boundary. Each rule is a short static function named as in the Ethereum consensus specs
 * (phase0 {@code process_attestation}, {@code process_justification_and_finalization}) or the FFG paper
 * (Buterin and Griffith, "Casper the Friendly Finality Gadget", 2017), whose sections the comments cite.
 *
 * <p><b>Epochs and checkpoints.</b> Epoch {@code e} is the slots {@code [e * L, (e + 1) * L)} of an
 * epoch of {@code L} slots. The checkpoint of epoch {@code e} on a chain is the last block before the
 * epoch's first slot (genesis for epoch 0): the parent of the chain's first block in epoch {@code e}.
 * The state learns it when it applies that block, and processes the epoch boundary there, before the
 * block's votes and transactions (the spec's {@code process_slots}).
 *
 * <p><b>Votes.</b> A vote {@code source -> target} counts on a chain only when its target epoch is the
 * chain's current or previous epoch, its target is that epoch's checkpoint on this chain, and its source
 * is the justified checkpoint the chain had in that epoch ({@link FinalityState#sourceFor}): so a vote's
 * epochs cannot lie, and a chain has exactly one link per target epoch. Its signer must have weight in
 * the previous or current dynasty, and each signer counts once per target.
 *
 * <p><b>Justification and finalization</b> (paper section 2, with the spec's k-finality of
 * {@code weigh_justification_and_finalization}). The link to a target is a supermajority link when its
 * voters hold at least 2/3 of the weight of the previous dynasty <em>and</em> at least 2/3 of the current
 * one (paper section 4.1): no one can finalize a fork by changing the validator set on it.
 *
 * <p>Not thread-safe state is kept nowhere: every function returns a new value.
 */
public final class CasperFfg {
    public static final String NAME = "ffg";
    public static final String EPOCH_LENGTH = "epochLength";
    public static final long DEFAULT_EPOCH_LENGTH = 8;
    /** A node keeps the states of 256 heights; a checkpoint is at most an epoch and a bit below a block. */
    public static final long MAX_EPOCH_LENGTH = 64;

    private CasperFfg() {
    }

    /** The epoch length a genesis with {@code ffg} sets, checked. */
    public static long epochLengthOf(Genesis genesis) {
        String value = genesis.finalityParams().getOrDefault(EPOCH_LENGTH, Long.toString(DEFAULT_EPOCH_LENGTH));
        try {
            long length = Long.parseLong(value.trim());
            if (length >= 1 && length <= MAX_EPOCH_LENGTH) {
                return length;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("finality.params." + EPOCH_LENGTH + " must be a whole number of slots from 1 to "
                + MAX_EPOCH_LENGTH + ", not '" + value + "'");
    }

    /** The epoch of a slot. */
    public static long epochOf(long slot, long epochLength) {
        return slot / epochLength;
    }

    /** Whether the voters' weight is at least 2/3 of the total (and the total is not zero). */
    public static boolean isTwoThirds(long attesting, long total) {
        return total > 0 && BigInteger.valueOf(attesting).multiply(BigInteger.valueOf(3))
                .compareTo(BigInteger.valueOf(total).multiply(BigInteger.TWO)) >= 0;
    }

    /** The weight of a set of voters in the previous and current dynasties, and each dynasty's whole weight. */
    public record Tally(long previousAttesting, long previousTotal, long currentAttesting, long currentTotal) {
        /** A supermajority link: 2/3 of both dynasties (paper section 4.1). */
        public boolean isSupermajority() {
            return isTwoThirds(previousAttesting, previousTotal) && isTwoThirds(currentAttesting, currentTotal);
        }

        /** The voters' share of the current dynasty, in 1/10,000. */
        public int participationBasisPoints() {
            return currentTotal == 0 ? 0 : (int) (BigInteger.valueOf(currentAttesting).multiply(BigInteger.valueOf(10_000))
                    .divide(BigInteger.valueOf(currentTotal)).longValue());
        }
    }

    /** Tallies the validators whose bits are set, with their weights as the accounts give them now. */
    public static Tally tally(ValidatorRegistry validators, VoteBits votes, Function<Address, Account> accounts) {
        long previousTotal = 0;
        long currentTotal = 0;
        long previousAttesting = 0;
        long currentAttesting = 0;
        for (int i = 0; i < validators.size(); i++) {
            long previousCeiling = validators.ceiling(ValidatorRegistry.Dynasty.PREVIOUS, i);
            long currentCeiling = validators.ceiling(ValidatorRegistry.Dynasty.CURRENT, i);
            if (previousCeiling == 0 && currentCeiling == 0) {
                continue;
            }
            Account account = accounts.apply(validators.address(i));
            long previous = ValidatorRegistry.weight(previousCeiling, account);
            long current = ValidatorRegistry.weight(currentCeiling, account);
            previousTotal += previous;
            currentTotal += current;
            if (votes.get(i)) {
                previousAttesting += previous;
                currentAttesting += current;
            }
        }
        return new Tally(previousAttesting, previousTotal, currentAttesting, currentTotal);
    }

    /**
     * What a validator's vote weighs for rewards: the most it counts for in the previous or the current
     * dynasty (0 for a validator outside both, or slashed).
     */
    public static long effectiveWeight(ValidatorRegistry validators, int index, Account account) {
        return Math.max(ValidatorRegistry.weight(validators.ceiling(ValidatorRegistry.Dynasty.PREVIOUS, index), account),
                ValidatorRegistry.weight(validators.ceiling(ValidatorRegistry.Dynasty.CURRENT, index), account));
    }

    /**
     * Why {@code vote} cannot be counted by a block whose state, after its epoch processing, holds
     * {@code f} (spec: {@code process_attestation}); empty when it can. {@code counted} says whether the
     * signer's vote for the target is counted already (by an earlier block or earlier in this one).
     */
    public static Optional<VoteRejection> whyNotCountable(FinalityState f, Vote vote, ChainDomain domain,
                                                          Function<Address, Account> accounts, boolean counted,
                                                          java.util.function.Predicate<Vote> validSignature) {
        if (!vote.chainId().equals(domain.chainId())) {
            return reject(VoteRejection.Reason.WRONG_CHAIN, "a vote for chain '" + vote.chainId() + "'");
        }
        if (vote.targetEpoch() <= vote.sourceEpoch()) {
            return reject(VoteRejection.Reason.EPOCHS_NOT_INCREASING, "target epoch " + vote.targetEpoch()
                    + " is not after source epoch " + vote.sourceEpoch());
        }
        Optional<Checkpoint> target = vote.targetEpoch() >= 1 ? f.target(vote.targetEpoch()) : Optional.empty();
        if (target.isEmpty()) {
            return reject(VoteRejection.Reason.TARGET_EPOCH_NOT_COUNTABLE, "target epoch " + vote.targetEpoch()
                    + " is not the chain's current (" + f.epoch() + ") or previous epoch");
        }
        if (!Arrays.equals(target.get().hash(), vote.targetHash())) {
            return reject(VoteRejection.Reason.WRONG_TARGET, "the target is not the checkpoint of epoch "
                    + vote.targetEpoch() + " on this chain (" + target.get() + ")");
        }
        Checkpoint source = f.sourceFor(vote.targetEpoch());
        if (!source.is(vote.sourceEpoch(), vote.sourceHash())) {
            return reject(VoteRejection.Reason.WRONG_SOURCE, "the source is " + vote.sourceEpoch() + ":"
                    + mvpos.crypto.Hex.encode(vote.sourceHash()).substring(0, 16) + ", but the justified checkpoint of epoch "
                    + vote.targetEpoch() + " on this chain is " + source);
        }
        Address signer = vote.validator();
        int index = f.validators().indexOf(signer);
        if (index < 0 || effectiveWeight(f.validators(), index, accounts.apply(signer)) == 0) {
            return reject(VoteRejection.Reason.SIGNER_OUTSIDE_DYNASTY, signer
                    + " has no weight in the previous or current dynasty");
        }
        if (counted) {
            return reject(VoteRejection.Reason.ALREADY_COUNTED, signer + "'s vote for epoch " + vote.targetEpoch()
                    + " is counted already");
        }
        if (!validSignature.test(vote)) {
            return reject(VoteRejection.Reason.BAD_SIGNATURE, "not signed by " + signer + " for this chain");
        }
        return Optional.empty();
    }

    private static Optional<VoteRejection> reject(VoteRejection.Reason reason, String detail) {
        return Optional.of(new VoteRejection(reason, detail));
    }

    /**
     * Justification and finalization when the chain enters epoch {@code e = f.epoch() + 1} (spec:
     * {@code weigh_justification_and_finalization}, with {@code current_epoch = e - 1}). The link to the
     * checkpoint of {@code e - 2} (previous votes) and of {@code e - 1} (current votes) justify their
     * targets when they are supermajority links; then the checkpoint of a justified epoch is finalized
     * when the epochs after it up to a justified one are all justified and the link to that one came from
     * it (the spec's four cases; the last is the paper's rule: justified {@code s}, supermajority link
     * {@code s -> t}, {@code t} the next epoch).
     */
    public static FinalityState processJustificationAndFinalization(FinalityState f, Tally previous, Tally current) {
        long currentEpoch = f.epoch(); // the epoch that ends
        if (currentEpoch < 1) {
            return f;
        }
        Checkpoint oldPrevious = f.previousJustified();
        Checkpoint oldCurrent = f.currentJustified();
        Checkpoint newCurrent = oldCurrent;
        int bits = (f.justificationBits() << 1) & ((1 << FfgConstants.JUSTIFICATION_BITS_LENGTH) - 1);
        if (currentEpoch >= 2 && previous.isSupermajority()) {
            newCurrent = new Checkpoint(currentEpoch - 1, f.previousTarget());
            bits |= 0b10;
        }
        if (current.isSupermajority()) {
            newCurrent = new Checkpoint(currentEpoch, f.currentTarget());
            bits |= 0b01;
        }
        Checkpoint finalized = f.finalized();
        if ((bits & 0b1110) == 0b1110 && oldPrevious.epoch() + 3 == currentEpoch) {
            finalized = oldPrevious; // 2nd, 3rd and 4th most recent epochs justified, the 2nd from the 4th
        }
        if ((bits & 0b0110) == 0b0110 && oldPrevious.epoch() + 2 == currentEpoch) {
            finalized = oldPrevious; // 2nd and 3rd most recent justified, the 2nd from the 3rd
        }
        if ((bits & 0b0111) == 0b0111 && oldCurrent.epoch() + 2 == currentEpoch) {
            finalized = oldCurrent; // 1st, 2nd and 3rd most recent justified, the 1st from the 3rd
        }
        if ((bits & 0b0011) == 0b0011 && oldCurrent.epoch() + 1 == currentEpoch) {
            finalized = oldCurrent; // 1st and 2nd most recent justified, the 1st from the 2nd
        }
        return new FinalityState(f.epoch(), oldCurrent, newCurrent, finalized, bits, f.previousTarget(),
                f.currentTarget(), f.dynasty(), f.validators(), f.previousVotes(), f.currentVotes(),
                currentEpoch >= 2 ? previous.participationBasisPoints() : current.participationBasisPoints());
    }

    /**
     * The chain enters epoch {@code f.epoch() + 1}, whose checkpoint is {@code checkpoint} (the parent of
     * the block that enters it), in the spec's order: justification and finalization; the rewards,
     * penalties and inactivity scores of the previous epoch's votes ({@link FfgRewards}); a new dynasty
     * when a new checkpoint was finalized ({@link Dynasties#rotate}); then the votes and targets move one
     * epoch back.
     */
    static FinalityState processEpoch(FinalityState f, State base, Changes accounts, byte[] checkpoint) {
        ValidatorRegistry validators = f.validators();
        Tally current = tally(validators, f.currentVotes(), accounts::get);
        Tally previous = tally(validators, f.previousVotes(), accounts::get);
        FinalityState justified = processJustificationAndFinalization(f, previous, current);
        if (f.epoch() >= 2) {
            validators = FfgRewards.processRewardsAndPenalties(validators, f.previousVotes(), previous, f.epoch() - 1,
                    justified.finalized().epoch(), accounts);
        }
        long dynasty = f.dynasty();
        if (justified.finalized().epoch() > f.finalized().epoch()) {
            validators = Dynasties.rotate(validators, base, accounts);
            dynasty++;
        }
        return new FinalityState(f.epoch() + 1, justified.previousJustified(), justified.currentJustified(),
                justified.finalized(), justified.justificationBits(), f.currentTarget(), checkpoint, dynasty,
                validators, f.currentVotes(), VoteBits.NONE, justified.participationBasisPoints());
    }

    /**
     * Whether an account's unbonding tokens may be released on a chain whose finality state is {@code f}
     * ({@link Dynasties#isWithdrawable}): a checkpoint {@code MIN_VALIDATOR_WITHDRAWABILITY_DELAY} epochs
     * after the unstake is finalized, and no dynasty counts them any more.
     */
    public static boolean isWithdrawable(Address address, Account account, FinalityState f) {
        return Dynasties.isWithdrawable(address, account, f);
    }
}
