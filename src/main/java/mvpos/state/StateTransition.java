package mvpos.state;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Account;
import mvpos.chain.ChainDomain;
import mvpos.chain.Genesis;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.chain.Vote;
import mvpos.crypto.Address;

/**
 * The state transition function: {@code apply(preState, block) -> postState}, pure and
 * deterministic (no I/O, no clock, no randomness). Everything a block does to balances, nonces,
 * stakes, fees, rewards, penalties, slashing and finality happens here, and every invalid input is a
 * typed {@link Rejection}.
 *
 * <p>A block is applied in four steps:
 * <ol>
 *   <li>On a chain with Casper FFG ({@code epochLength > 0}), the epoch boundaries since its parent are
 *       processed ({@link CasperFfg#processEpoch}): justification and finalization, rewards and penalties,
 *       the inactivity leak, dynasty changes.</li>
 *   <li>Its finality votes are counted ({@link CasperFfg#whyNotCountable}); its proposer earns, per vote,
 *       the voter's base reward / {@link FfgConstants#PROPOSER_REWARD_QUOTIENT}. A chain without FFG
 *       refuses blocks with votes.</li>
 *   <li>Each transaction: it names this chain; its signature (which commits to the genesis hash) is
 *       valid; its nonce is the sender's nonce; its kind is known; its amount is positive (a slash's is
 *       0); only a slash carries data; its fee is not negative; the sender can pay amount plus fee (from
 *       its balance; an unstake's amount from its stake); no balance or stake overflows. Then the fee
 *       moves to the proposer, the amount where its kind says, and the sender's nonce goes up by one.</li>
 *   <li>The engine's rewards and penalties ({@link EngineHooks}): at each engine epoch boundary the block
 *       enters (before its transactions) and after the block; by default the proposer is credited the
 *       block reward.</li>
 * </ol>
 *
 * <p>Unstaked tokens stay locked, and slashable: on a chain without finality for
 * {@code withdrawalDelay} blocks; with FFG until a checkpoint {@link FfgConstants#MIN_VALIDATOR_WITHDRAWABILITY_DELAY}
 * epochs after the unstake is finalized and no dynasty counts them ({@link Dynasties#isWithdrawable}).
 * They join the balance when a block touches the account from then on.
 *
 * <p>A slash ({@link TxKind#SLASH}) must carry {@link SlashingEvidence} that proves an offence on this
 * chain (signatures included) by {@code to}, not slashed yet, that still holds something (votes' evidence
 * about a validator whose stake was withdrawn is refused: {@code NOTHING_TO_SLASH}). The offender's
 * whole stake and unbonding tokens are cut: the reporter (the sender) receives {@link #whistleblowerReward},
 * 1/16 of them, unless it is the offender, and the rest is burned. The offender is marked slashed for
 * good: no evidence can slash it again, and it can never stake again.
 *
 * @param domain          the chain's id and genesis hash, which every signature must commit to
 * @param blockReward     tokens created for the proposer of each block
 * @param withdrawalDelay blocks an unstaked amount stays locked on a chain without finality
 * @param epochLength     slots per FFG epoch, or 0 on a chain without finality
 * @param hooks           the engine's rewards and penalties ({@link EngineHooks#fixedReward} of
 *                        {@code blockReward} unless the engine gives its own)
 */
public record StateTransition(ChainDomain domain, long blockReward, long withdrawalDelay, long epochLength,
                              EngineHooks hooks) {

    /** Blocks an unstaked amount stays locked (and slashable) before it returns to the balance, without finality. */
    public static final long DEFAULT_WITHDRAWAL_DELAY = 64;
    /** A reporter receives 1/16 of the stake it gets slashed; the other 15/16 are burned. */
    public static final long WHISTLEBLOWER_REWARD_QUOTIENT = 16;

    public StateTransition {
        if (blockReward < 0) {
            throw new IllegalArgumentException("negative block reward " + blockReward);
        }
        if (withdrawalDelay < 0) {
            throw new IllegalArgumentException("negative withdrawal delay " + withdrawalDelay);
        }
        if (epochLength < 0) {
            throw new IllegalArgumentException("negative epoch length " + epochLength);
        }
        hooks = hooks == null ? EngineHooks.fixedReward(blockReward) : hooks;
    }

    /** The rules with the engine's default hooks (the proposer earns {@code blockReward} per block). */
    public StateTransition(ChainDomain domain, long blockReward, long withdrawalDelay, long epochLength) {
        this(domain, blockReward, withdrawalDelay, epochLength, null);
    }

    /** These rules with an engine's rewards and penalties. */
    public StateTransition withHooks(EngineHooks engineHooks) {
        return new StateTransition(domain, blockReward, withdrawalDelay, epochLength, engineHooks);
    }

    /** The rules of a chain without finality, with the default withdrawal delay. */
    public StateTransition(ChainDomain domain, long blockReward) {
        this(domain, blockReward, DEFAULT_WITHDRAWAL_DELAY, 0);
    }

    /** The rules a genesis sets for its chain, whose domain is {@code domain}. */
    public static StateTransition of(Genesis genesis, ChainDomain domain) {
        long epochLength = CasperFfg.NAME.equals(genesis.finality()) ? CasperFfg.epochLengthOf(genesis) : 0;
        return new StateTransition(domain, genesis.blockReward(), DEFAULT_WITHDRAWAL_DELAY, epochLength);
    }

    public String chainId() {
        return domain.chainId();
    }

    /** Whether the chain runs Casper FFG. */
    public boolean hasFinality() {
        return epochLength > 0;
    }

    /** What the reporter of an offender with this stake receives: stake / 16, rounded down. */
    public static long whistleblowerReward(long slashedStake) {
        return slashedStake / WHISTLEBLOWER_REWARD_QUOTIENT;
    }

    /**
     * How signatures are checked: directly, or through a record of checks already made in parallel.
     * Transactions through {@link #isValid(Transaction)}; votes, by default, directly.
     */
    @FunctionalInterface
    public interface SignatureCheck {
        boolean isValid(Transaction tx);

        default boolean isValid(Vote vote, ChainDomain domain) {
            return vote.hasValidSignature(domain);
        }

        /** Every signature verified directly against the chain's domain. */
        static SignatureCheck direct(ChainDomain domain) {
            return tx -> tx.hasValidSignature(domain);
        }
    }

    /** What applying a block gave: the new state, or the first rule it broke. */
    public sealed interface Outcome permits Applied, Rejected {
    }

    /**
     * The block is valid; {@code changes} are the accounts it wrote (the proposer's always among them);
     * {@code minted} and {@code burned} the tokens it created (rewards) and destroyed (penalties, slashing):
     * the sum of all accounts' balance, stake and unbonding moves by exactly {@code minted - burned}.
     */
    public record Applied(State postState, Map<Address, Account> changes, long minted, long burned)
            implements Outcome {
        public byte[] stateRoot() {
            return postState.root();
        }
    }

    public record Rejected(Rejection rejection) implements Outcome {
    }

    /**
     * Applies the transactions of a block at {@code height} (in slot {@code height}) on a chain without
     * finality, for callers to whom its parent does not matter; {@code pre} is not changed.
     */
    public Outcome apply(State pre, Address proposer, long height, List<Transaction> transactions,
                         SignatureCheck signatures) {
        return apply(pre, new BlockContext(height, height, new byte[32], proposer), transactions, signatures);
    }

    /** {@link #apply(State, Address, long, List, SignatureCheck)} at height 1. */
    public Outcome apply(State pre, Address proposer, List<Transaction> transactions, SignatureCheck signatures) {
        return apply(pre, proposer, 1, transactions, signatures);
    }

    /** {@link #checkSequence(State, long, List, SignatureCheck)} at height 1. */
    public Optional<Rejection> checkSequence(State state, List<Transaction> transactions, SignatureCheck signatures) {
        return checkSequence(state, 1, transactions, signatures);
    }

    /**
     * Applies a block without votes whose context is {@code context}; {@code pre} is not changed.
     */
    public Outcome apply(State pre, BlockContext context, List<Transaction> transactions, SignatureCheck signatures) {
        return apply(pre, context, transactions, List.of(), signatures);
    }

    /**
     * Applies a block (its epoch boundaries, votes, transactions and reward) to {@code pre}, the state
     * after its parent; {@code pre} is not changed.
     */
    public Outcome apply(State pre, BlockContext context, List<Transaction> transactions, List<Vote> votes,
                         SignatureCheck signatures) {
        Changes changes;
        FinalityState finality = null;
        if (hasFinality()) {
            finality = pre.finality().orElseThrow(() -> new IllegalArgumentException(
                    "a chain with Casper FFG needs a state with a finality state"));
            changes = new Changes(pre, releaseRule(finality));
            finality = processSlots(finality, pre, changes, context);
            VotesCounted counted = countVotes(changes, finality, votes, context.proposer(), signatures);
            if (counted.rejection() != null) {
                return new Rejected(counted.rejection());
            }
            finality = counted.finality();
        } else {
            if (!votes.isEmpty()) {
                return new Rejected(new Rejection(-1, Rejection.Reason.UNEXPECTED_VOTES, votes.size()
                        + " finality votes on a chain without a finality gadget"));
            }
            long height = context.height();
            changes = new Changes(pre, (address, account) -> account.releasedAt(height));
        }
        Ledger ledger = new Ledger(changes);
        long engineEpoch = hooks.epochSlots();
        if (engineEpoch > 0) {
            long from = Math.floorDiv(Math.max(context.parentSlot(), -1), engineEpoch) + 1;
            for (long epoch = Math.max(from, 1); epoch <= context.slot() / engineEpoch; epoch++) {
                hooks.atEpochBoundary(epoch, context, ledger);
            }
        }
        for (int i = 0; i < transactions.size(); i++) {
            Optional<Rejection> rejection = transactionRules().apply(changes, i, transactions.get(i), context, finality,
                    signatures);
            if (rejection.isPresent()) {
                return new Rejected(rejection.get());
            }
        }
        hooks.afterBlock(context, ledger);
        if (ledger.overflow() != null) {
            return new Rejected(new Rejection(-1, Rejection.Reason.OVERFLOW, ledger.overflow()));
        }
        State post = pre.with(changes.map());
        if (finality != null) {
            post = post.withFinality(finality);
        }
        return new Applied(post, Map.copyOf(changes.map()), changes.minted(), changes.burned());
    }

    /**
     * What a block in {@code context} on top of a block with state {@code pre} sees after its epoch
     * processing, before its own votes: the votes it may count. A proposer asks before it builds a
     * block; a node, to check a gossiped vote against its target's own chain.
     */
    public SlotView atSlot(State pre, BlockContext context) {
        FinalityState finality = pre.finality().orElseThrow(() -> new IllegalArgumentException(
                "the chain has no finality state"));
        Changes scratch = new Changes(pre, releaseRule(finality));
        return new SlotView(processSlots(finality, pre, scratch, context), scratch);
    }

    /** The finality state and the accounts a block sees after its epoch processing. */
    public final class SlotView {
        private final FinalityState finality;
        private final Changes accounts;

        private SlotView(FinalityState finality, Changes accounts) {
            this.finality = finality;
            this.accounts = accounts;
        }

        public FinalityState finality() {
            return finality;
        }

        public Account account(Address address) {
            return accounts.get(address);
        }

        /**
         * Why the block could not count {@code vote}; {@code countedHere} says whether the block already
         * counts a vote of the same signer for the same target.
         */
        public Optional<VoteRejection> whyNotCountable(Vote vote, boolean countedHere, SignatureCheck signatures) {
            int index = finality.validators().indexOf(vote.validator());
            boolean counted = countedHere || index >= 0 && finality.votesFor(vote.targetEpoch()).get(index);
            return CasperFfg.whyNotCountable(finality, vote, domain, accounts::get, counted,
                    v -> signatures.isValid(v, domain));
        }
    }

    /** The first block replaces the genesis placeholder; then each epoch boundary crossed is processed. */
    private FinalityState processSlots(FinalityState finality, State pre, Changes changes, BlockContext context) {
        FinalityState f = context.height() == 1 ? finality.withGenesisHash(context.parentHash()) : finality;
        long epoch = CasperFfg.epochOf(context.slot(), epochLength);
        byte[] checkpoint = context.parentHash();
        while (f.epoch() < epoch) {
            f = CasperFfg.processEpoch(f, pre, changes, checkpoint);
            changes.release(releaseRule(f));
        }
        return f;
    }

    private static Changes.Release releaseRule(FinalityState f) {
        return (address, account) -> Dynasties.isWithdrawable(address, account, f) ? account.withUnbondingReleased()
                : account;
    }

    /**
     * Counts a block's votes on {@code f} (the state after its epoch processing): each must be
     * countable ({@link CasperFfg#whyNotCountable}); its bit is set; the proposer earns the sum of the
     * voters' base rewards / {@link FfgConstants#PROPOSER_REWARD_QUOTIENT}. Returns the finality state
     * with the votes counted, or the first vote's rejection.
     */
    private VotesCounted countVotes(Changes changes, FinalityState f, List<Vote> votes, Address proposer,
                                    SignatureCheck signatures) {
        if (votes.isEmpty()) {
            return new VotesCounted(f, null);
        }
        if (votes.size() > FfgConstants.MAX_VOTES_PER_BLOCK) {
            return new VotesCounted(null, new Rejection(-1, Rejection.Reason.INVALID_VOTE, new VoteRejection(
                    VoteRejection.Reason.TOO_MANY_VOTES, votes.size() + " votes, at most "
                    + FfgConstants.MAX_VOTES_PER_BLOCK).toString()));
        }
        VoteBits.Builder current = f.currentVotes().toBuilder();
        VoteBits.Builder previous = f.previousVotes().toBuilder();
        ValidatorRegistry validators = f.validators();
        long includedWeight = 0;
        for (int i = 0; i < votes.size(); i++) {
            Vote vote = votes.get(i);
            int index = validators.indexOf(vote.validator());
            VoteBits.Builder bits = vote.targetEpoch() == f.epoch() ? current : previous;
            boolean counted = index >= 0 && bits.get(index);
            Optional<VoteRejection> problem = CasperFfg.whyNotCountable(f, vote, domain, changes::get, counted,
                    v -> signatures.isValid(v, domain));
            if (problem.isPresent()) {
                return new VotesCounted(null, new Rejection(i, Rejection.Reason.INVALID_VOTE, problem.get().toString()));
            }
            bits.set(index);
            includedWeight += CasperFfg.effectiveWeight(validators, index, changes.get(vote.validator()));
        }
        long reward = FfgRewards.baseReward(includedWeight) / FfgConstants.PROPOSER_REWARD_QUOTIENT;
        Account collector = changes.get(proposer);
        if (reward > 0 && collector.balance() <= Long.MAX_VALUE - reward) {
            changes.put(proposer, collector.withBalance(collector.balance() + reward));
            changes.mint(reward);
        }
        return new VotesCounted(new FinalityState(f.epoch(), f.previousJustified(), f.currentJustified(),
                f.finalized(), f.justificationBits(), f.previousTarget(), f.currentTarget(), f.dynasty(), validators,
                previous.build(), current.build(), f.participationBasisPoints()), null);
    }

    private record VotesCounted(FinalityState finality, Rejection rejection) {
    }

    /**
     * Checks that transactions would apply in this order on {@code state}, without building a new
     * state, crediting fees or paying a reward: the mempool's question "can these still be paid?".
     * Returns the first rejection, whose index is the position in {@code transactions}.
     */
    public Optional<Rejection> checkSequence(State state, long height, List<Transaction> transactions,
                                             SignatureCheck signatures) {
        FinalityState finality = hasFinality() ? state.finality().orElse(null) : null;
        Changes changes = finality != null ? new Changes(state, releaseRule(finality))
                : new Changes(state, (address, account) -> account.releasedAt(height));
        Address none = new Address(new byte[Address.LENGTH]);
        BlockContext nobody = new BlockContext(height, 0, new byte[32], none);
        for (int i = 0; i < transactions.size(); i++) {
            Optional<Rejection> rejection = transactionRules().apply(changes, i, transactions.get(i), nobody, finality,
                    signatures);
            if (rejection.isPresent()) {
                return rejection;
            }
        }
        return Optional.empty();
    }

    private TransactionRules transactionRules() {
        return new TransactionRules(domain, withdrawalDelay, hooks);
    }
}
