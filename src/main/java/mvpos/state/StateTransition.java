package mvpos.state;

import mvpos.chain.Account;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Address;

/**
 * The state transition function: {@code apply(preState, block) -> postState}, pure and
 * deterministic (no I/O, no clock, no randomness). Everything a block does to balances, nonces,
 * stakes, fees, rewards and slashing happens here, and every invalid input is a typed {@link Rejection}.
 *
 * <p>Rules, in order, for each transaction: it names this chain; its signature is valid; its nonce
 * is the sender's nonce; its kind is known; its amount is positive (a slash's is 0); only a slash
 * carries data; its fee is not negative; the sender can pay amount plus fee (from its balance; an
 * unstake's amount from its stake); no balance or stake overflows. Then the fee moves to the block's
 * proposer, the amount where its kind says, and the sender's nonce goes up by one. After all
 * transactions the proposer is credited the block reward, the only new tokens.
 *
 * <p>A slash ({@link TxKind#SLASH}) must carry {@link SlashingEvidence} that proves an offence on this
 * chain (signatures included) by {@code to}, not slashed yet. The offender's whole stake is cut: the
 * reporter (the sender) receives {@link #whistleblowerReward}, stake / 16 rounded down, and the rest
 * is burned, the only tokens destroyed. The offender is marked slashed for good: no evidence can slash
 * it again, and it can never stake again.
 *
 * @param chainId     the only chain id a transaction may name
 * @param blockReward tokens created for the proposer of each block
 */
public record StateTransition(String chainId, long blockReward, long withdrawalDelay) {

    /** Blocks an unstaked amount stays locked (and slashable) before it returns to the balance. */
    public static final long DEFAULT_WITHDRAWAL_DELAY = 64;

    /** The rules with the default withdrawal delay. */
    public StateTransition(String chainId, long blockReward) {
        this(chainId, blockReward, DEFAULT_WITHDRAWAL_DELAY);
    }
    /** A reporter receives 1/16 of the stake it gets slashed; the other 15/16 are burned. */
    public static final long WHISTLEBLOWER_REWARD_QUOTIENT = 16;

    /** What the reporter of an offender with this stake receives: stake / 16, rounded down. */
    public static long whistleblowerReward(long slashedStake) {
        return slashedStake / WHISTLEBLOWER_REWARD_QUOTIENT;
    }

    /** How signatures are checked: directly, or through a record of checks already made in parallel. */
    @FunctionalInterface
    public interface SignatureCheck {
        SignatureCheck DIRECT = Transaction::hasValidSignature;

        boolean isValid(Transaction tx);
    }

    /** What applying a block gave: the new state, or the first rule it broke. */
    public sealed interface Outcome permits Applied, Rejected {
    }

    /** The block is valid; {@code changes} are the accounts it wrote (the proposer's always among them). */
    public record Applied(State postState, Map<Address, Account> changes) implements Outcome {
        public byte[] stateRoot() {
            return postState.root();
        }
    }

    public record Rejected(Rejection rejection) implements Outcome {
    }

    public StateTransition {
        if (blockReward < 0) {
            throw new IllegalArgumentException("negative block reward " + blockReward);
        }
        if (withdrawalDelay < 0) {
            throw new IllegalArgumentException("negative withdrawal delay " + withdrawalDelay);
        }
    }

    /**
     * Applies a block's transactions to {@code pre} as at height 1 (for callers to whom unbonding does
     * not matter: an unstaked amount is then locked until height 1 + the withdrawal delay).
     */
    public Outcome apply(State pre, Address proposer, List<Transaction> transactions, SignatureCheck signatures) {
        return apply(pre, proposer, 1, transactions, signatures);
    }

    /**
     * Applies the transactions of the block at {@code height}, then its reward, to {@code pre};
     * {@code pre} is not changed. An account's unbonding tokens whose release height has come join its
     * balance when the block touches the account.
     */
    public Outcome apply(State pre, Address proposer, long height, List<Transaction> transactions,
                         SignatureCheck signatures) {
        Changes changes = new Changes(pre, height);
        for (int i = 0; i < transactions.size(); i++) {
            Optional<Rejection> rejection = applyTransaction(changes, i, transactions.get(i), proposer, signatures);
            if (rejection.isPresent()) {
                return new Rejected(rejection.get());
            }
        }
        Account rewarded = changes.get(proposer);
        if (rewarded.balance() > Long.MAX_VALUE - blockReward) {
            return new Rejected(new Rejection(-1, Rejection.Reason.OVERFLOW, "the block reward overflows the proposer"));
        }
        changes.put(proposer, rewarded.withBalance(rewarded.balance() + blockReward));
        return new Applied(pre.with(changes.map), Map.copyOf(changes.map));
    }

    /**
     * Checks that transactions would apply in this order on {@code state}, without building a new
     * state, crediting fees or paying a reward: the mempool's question "can these still be paid?".
     * Returns the first rejection, whose index is the position in {@code transactions}.
     */
    public Optional<Rejection> checkSequence(State state, List<Transaction> transactions, SignatureCheck signatures) {
        return checkSequence(state, 1, transactions, signatures);
    }

    /** {@link #checkSequence(State, List, SignatureCheck)} in the block at {@code height}. */
    public Optional<Rejection> checkSequence(State state, long height, List<Transaction> transactions,
                                             SignatureCheck signatures) {
        Changes changes = new Changes(state, height);
        Address nobody = new Address(new byte[Address.LENGTH]);
        for (int i = 0; i < transactions.size(); i++) {
            Optional<Rejection> rejection = applyTransaction(changes, i, transactions.get(i), nobody, signatures);
            if (rejection.isPresent()) {
                return rejection;
            }
        }
        return Optional.empty();
    }

    private Optional<Rejection> applyTransaction(Changes changes, int index, Transaction tx, Address proposer,
                                                 SignatureCheck signatures) {
        if (!chainId.equals(tx.chainId())) {
            return reject(index, Rejection.Reason.WRONG_CHAIN_ID, "for chain '" + tx.chainId() + "', this is '"
                    + chainId + "'");
        }
        if (!signatures.isValid(tx)) {
            return reject(index, Rejection.Reason.BAD_SIGNATURE, "not signed by the sender's key");
        }
        Address sender = tx.sender();
        Account from = changes.get(sender);
        if (tx.nonce() != from.nonce()) {
            return reject(index, Rejection.Reason.WRONG_NONCE, "nonce " + tx.nonce() + ", expected " + from.nonce());
        }
        Optional<TxKind> kind = TxKind.fromCode(tx.kind());
        if (kind.isEmpty()) {
            return reject(index, Rejection.Reason.UNKNOWN_KIND, "kind " + tx.kind());
        }
        boolean slash = kind.get() == TxKind.SLASH;
        if (slash && tx.amount() != 0) {
            return reject(index, Rejection.Reason.UNEXPECTED_AMOUNT, "a slash moves no amount, not " + tx.amount());
        }
        if (!slash && tx.amount() <= 0) {
            return reject(index, Rejection.Reason.NON_POSITIVE_AMOUNT, "amount " + tx.amount());
        }
        byte[] data = tx.data();
        if (!slash && data.length != 0) {
            return reject(index, Rejection.Reason.UNEXPECTED_DATA, kind.get() + " with " + data.length
                    + " bytes of data");
        }
        if (tx.fee() < 0) {
            return reject(index, Rejection.Reason.NEGATIVE_FEE, "fee " + tx.fee());
        }
        long debit = kind.get() == TxKind.UNSTAKE ? tx.fee() : tx.amount() + tx.fee();
        if (kind.get() != TxKind.UNSTAKE && tx.amount() > Long.MAX_VALUE - tx.fee()) {
            return reject(index, Rejection.Reason.OVERFLOW, "amount plus fee overflows");
        }
        if (from.balance() < debit) {
            return reject(index, Rejection.Reason.INSUFFICIENT_BALANCE, "balance " + from.balance() + ", needs " + debit);
        }
        if (kind.get() == TxKind.UNSTAKE && from.stake() < tx.amount()) {
            return reject(index, Rejection.Reason.INSUFFICIENT_STAKE, "stake " + from.stake() + ", unstaking "
                    + tx.amount());
        }
        if (from.nonce() == Long.MAX_VALUE) {
            return reject(index, Rejection.Reason.OVERFLOW, "the sender's nonce cannot go higher");
        }
        from = from.withBalance(from.balance() - debit).withNextNonce();
        switch (kind.get()) {
            case TRANSFER -> {
                changes.put(sender, from);
                Account to = changes.get(tx.to());
                if (to.balance() > Long.MAX_VALUE - tx.amount()) {
                    return reject(index, Rejection.Reason.OVERFLOW, "the recipient's balance overflows");
                }
                changes.put(tx.to(), to.withBalance(to.balance() + tx.amount()));
            }
            case STAKE -> {
                if (from.slashed()) {
                    return reject(index, Rejection.Reason.SLASHED_CANNOT_STAKE, sender + " has been slashed");
                }
                if (from.stake() > Long.MAX_VALUE - tx.amount()) {
                    return reject(index, Rejection.Reason.OVERFLOW, "the stake overflows");
                }
                changes.put(sender, from.withStake(from.stake() + tx.amount()));
            }
            case UNSTAKE -> {
                // The balance must have room for everything unbonding, so that its release never overflows.
                if (from.balance() > Long.MAX_VALUE - tx.amount() - from.unbonding()) {
                    return reject(index, Rejection.Reason.OVERFLOW, "the balance overflows");
                }
                if (changes.height > Long.MAX_VALUE - withdrawalDelay) {
                    return reject(index, Rejection.Reason.OVERFLOW, "the release height overflows");
                }
                // Locked, and still slashable, for the withdrawal delay; later unstakes push the release back.
                changes.put(sender, from.withStake(from.stake() - tx.amount())
                        .withUnbonding(tx.amount(), changes.height + withdrawalDelay));
            }
            case SLASH -> {
                changes.put(sender, from);
                Optional<Rejection> rejection = applySlash(changes, index, tx, data);
                if (rejection.isPresent()) {
                    return rejection;
                }
            }
        }
        Account collector = changes.get(proposer);
        if (collector.balance() > Long.MAX_VALUE - tx.fee()) {
            return reject(index, Rejection.Reason.OVERFLOW, "the fee overflows the proposer's balance");
        }
        changes.put(proposer, collector.withBalance(collector.balance() + tx.fee()));
        return Optional.empty();
    }

    /** Checks a slash's evidence, cuts the offender's stake, rewards the reporter (the sender, already debited). */
    private Optional<Rejection> applySlash(Changes changes, int index, Transaction tx, byte[] data) {
        SlashingEvidence evidence;
        try {
            evidence = SlashingEvidence.decode(data);
        } catch (MalformedEncodingException e) {
            return reject(index, Rejection.Reason.MALFORMED_EVIDENCE, e.getMessage());
        }
        Optional<String> notProof = evidence.whyNotProof(chainId);
        if (notProof.isPresent()) {
            return reject(index, Rejection.Reason.INVALID_EVIDENCE, notProof.get());
        }
        if (!evidence.offender().equals(tx.to())) {
            return reject(index, Rejection.Reason.WRONG_OFFENDER, "the evidence accuses " + evidence.offender()
                    + ", not " + tx.to());
        }
        Account offender = changes.get(tx.to());
        if (offender.slashed()) {
            return reject(index, Rejection.Reason.ALREADY_SLASHED, tx.to() + " has been slashed already");
        }
        long reward = whistleblowerReward(offender.stake() + offender.unbonding());
        changes.put(tx.to(), offender.slashedAccount());
        Account reporter = changes.get(tx.sender());
        if (reporter.balance() > Long.MAX_VALUE - reward) {
            return reject(index, Rejection.Reason.OVERFLOW, "the whistleblower reward overflows the reporter");
        }
        changes.put(tx.sender(), reporter.withBalance(reporter.balance() + reward));
        return Optional.empty();
    }

    private static Optional<Rejection> reject(int index, Rejection.Reason reason, String detail) {
        return Optional.of(new Rejection(index, reason, detail));
    }

    /** The accounts a block has changed so far, over the state it started from. */
    private static final class Changes {
        private final State base;
        private final long height;
        private final Map<Address, Account> map = new HashMap<>();

        Changes(State base, long height) {
            this.base = base;
            this.height = height;
        }

        /** The account as the block sees it: what finished unbonding by this height is in its balance. */
        Account get(Address address) {
            Account changed = map.get(address);
            return changed != null ? changed : base.account(address).releasedAt(height);
        }

        void put(Address address, Account account) {
            map.put(address, account);
        }
    }
}
