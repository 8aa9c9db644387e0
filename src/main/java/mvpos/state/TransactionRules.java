package mvpos.state;

import java.util.Optional;
import mvpos.chain.Account;
import mvpos.chain.ChainDomain;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Address;

/**
 * The rules of one transaction in a block (see {@link StateTransition} for what each kind does): the
 * chain, the signature, the nonce, the kind, the amount and fee, the balance; then the kind's effect,
 * an engine's own kind ({@link TxKind#ENGINE}) applied by the engine's {@link EngineHooks}.
 */
record TransactionRules(ChainDomain domain, long withdrawalDelay, EngineHooks hooks) {

    Optional<Rejection> apply(Changes changes, int index, Transaction tx, BlockContext context,
                                                 FinalityState finality, StateTransition.SignatureCheck signatures) {
        if (!domain.chainId().equals(tx.chainId())) {
            return reject(index, Rejection.Reason.WRONG_CHAIN_ID, "for chain '" + tx.chainId() + "', this is '"
                    + domain.chainId() + "'");
        }
        if (!signatures.isValid(tx)) {
            return reject(index, Rejection.Reason.BAD_SIGNATURE, "not signed by the sender's key for this chain");
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
        boolean engine = kind.get() == TxKind.ENGINE;
        if ((slash || engine) && tx.amount() != 0) {
            return reject(index, Rejection.Reason.UNEXPECTED_AMOUNT, "a " + kind.get() + " transaction moves no amount,"
                    + " not " + tx.amount());
        }
        if (!slash && !engine && tx.amount() <= 0) {
            return reject(index, Rejection.Reason.NON_POSITIVE_AMOUNT, "amount " + tx.amount());
        }
        byte[] data = tx.data();
        if (!slash && !engine && data.length != 0) {
            return reject(index, Rejection.Reason.UNEXPECTED_DATA, kind.get() + " with " + data.length
                    + " bytes of data");
        }
        if (engine && data.length == 0) {
            return reject(index, Rejection.Reason.ENGINE_REFUSED, "an engine transaction without data (it carries 1 to "
                    + TxKind.MAX_ENGINE_DATA + " bytes)");
        }
        if (engine && data.length > TxKind.MAX_ENGINE_DATA) {
            return reject(index, Rejection.Reason.UNEXPECTED_DATA, "an engine transaction with " + data.length
                    + " bytes of data, more than " + TxKind.MAX_ENGINE_DATA);
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
                if (from.stake() > Long.MAX_VALUE - tx.amount() - from.unbonding()) {
                    return reject(index, Rejection.Reason.OVERFLOW, "the stake overflows");
                }
                changes.put(sender, from.withStake(from.stake() + tx.amount()));
            }
            case UNSTAKE -> {
                // The balance must have room for everything unbonding, so that its release never overflows.
                if (from.balance() > Long.MAX_VALUE - tx.amount() - from.unbonding()) {
                    return reject(index, Rejection.Reason.OVERFLOW, "the balance overflows");
                }
                long releaseAt;
                if (finality != null) {
                    // An epoch: released once a checkpoint this late is finalized and no dynasty counts the tokens.
                    releaseAt = finality.epoch() + FfgConstants.MIN_VALIDATOR_WITHDRAWABILITY_DELAY;
                } else if (context.height() > Long.MAX_VALUE - withdrawalDelay) {
                    return reject(index, Rejection.Reason.OVERFLOW, "the release height overflows");
                } else {
                    releaseAt = context.height() + withdrawalDelay;
                }
                // Locked, and still slashable, meanwhile; later unstakes push the release back.
                changes.put(sender, from.withStake(from.stake() - tx.amount()).withUnbonding(tx.amount(), releaseAt));
            }
            case ENGINE -> {
                changes.put(sender, from);
                Ledger ledger = new Ledger(changes);
                Optional<String> refused = hooks.applyTransaction(new EngineTransaction(sender, tx.to(), data),
                        context, ledger);
                if (refused.isPresent()) {
                    return reject(index, Rejection.Reason.ENGINE_REFUSED, refused.get());
                }
                if (ledger.overflow() != null) {
                    return reject(index, Rejection.Reason.OVERFLOW, ledger.overflow());
                }
            }
            case SLASH -> {
                changes.put(sender, from);
                Optional<Rejection> rejection = applySlash(changes, index, tx, data);
                if (rejection.isPresent()) {
                    return rejection;
                }
            }
        }
        Account collector = changes.get(context.proposer());
        if (collector.balance() > Long.MAX_VALUE - tx.fee()) {
            return reject(index, Rejection.Reason.OVERFLOW, "the fee overflows the proposer's balance");
        }
        changes.put(context.proposer(), collector.withBalance(collector.balance() + tx.fee()));
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
        Optional<String> notProof = evidence.whyNotProof(domain);
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
        if (evidence instanceof SlashingEvidence.VotePair && offender.locked() == 0) {
            return reject(index, Rejection.Reason.NOTHING_TO_SLASH, tx.to()
                    + " holds no stake and nothing unbonding: it was withdrawn before the evidence came");
        }
        long cut = offender.locked();
        boolean selfReport = tx.sender().equals(tx.to());
        long reward = selfReport ? 0 : StateTransition.whistleblowerReward(cut);
        if (changes.burned() > Long.MAX_VALUE - (cut - reward)) {
            return reject(index, Rejection.Reason.OVERFLOW, "the tokens burned in this block overflow");
        }
        changes.put(tx.to(), offender.slashedAccount());
        changes.burn(cut - reward);
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
}
