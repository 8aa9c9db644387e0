package mvpos.chain;

/**
 * What the chain knows of an address: its spendable balance, the number of transactions it has
 * sent (the nonce the next one must carry), the tokens it has staked, whether it has been slashed
 * (its stake cut for a proven offence; a slashed account can never stake again), and the tokens it
 * has unstaked that are still locked: {@code unbonding}, slashable until released. On a chain without
 * finality {@code unbondingUntil} is the height from which it is released; on a chain with Casper FFG
 * it is the finalized epoch from which it may be, once no dynasty counts it any more.
 */
public record Account(long balance, long nonce, long stake, boolean slashed, long unbonding, long unbondingUntil) {
    public static final Account EMPTY = new Account(0, 0, 0);

    public Account {
        if (balance < 0 || nonce < 0 || stake < 0 || unbonding < 0 || unbondingUntil < 0) {
            throw new IllegalArgumentException("an account cannot go negative: " + balance + "/" + nonce + "/" + stake
                    + "/" + unbonding + "/" + unbondingUntil);
        }
    }

    /** An account that has not been slashed and has nothing unbonding. */
    public Account(long balance, long nonce, long stake) {
        this(balance, nonce, stake, false, 0, 0);
    }

    /** An account with nothing unbonding. */
    public Account(long balance, long nonce, long stake, boolean slashed) {
        this(balance, nonce, stake, slashed, 0, 0);
    }

    public Account withBalance(long newBalance) {
        return new Account(newBalance, nonce, stake, slashed, unbonding, unbondingUntil);
    }

    public Account withStake(long newStake) {
        return new Account(balance, nonce, newStake, slashed, unbonding, unbondingUntil);
    }

    public Account withNextNonce() {
        return new Account(balance, nonce + 1, stake, slashed, unbonding, unbondingUntil);
    }

    /** This account with {@code amount} more unbonding, all of it locked until {@code until}. */
    public Account withUnbonding(long amount, long until) {
        return new Account(balance, nonce, stake, slashed, Math.addExact(unbonding, amount), until);
    }

    /** At {@code height}: this account with what finished unbonding moved to its balance. */
    public Account releasedAt(long height) {
        if (unbonding == 0 || height < unbondingUntil || balance > Long.MAX_VALUE - unbonding) {
            return this; // (a balance that cannot hold it keeps it unbonding)
        }
        return new Account(balance + unbonding, nonce, stake, slashed, 0, 0);
    }

    /** This account with what it is unbonding moved to its balance (when the chain's rule says it may be). */
    public Account withUnbondingReleased() {
        if (unbonding == 0 || balance > Long.MAX_VALUE - unbonding) {
            return this;
        }
        return new Account(balance + unbonding, nonce, stake, slashed, 0, 0);
    }

    /** Tokens still locked: the stake and what is unbonding. */
    public long locked() {
        return stake + unbonding;
    }

    /** This account slashed: its whole stake and what it is unbonding gone, the flag set for good. */
    public Account slashedAccount() {
        return new Account(balance, nonce, 0, true, 0, 0);
    }
}
