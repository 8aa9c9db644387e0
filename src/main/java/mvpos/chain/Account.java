package mvpos.chain;

/**
 * What the chain knows of an address: its spendable balance, the number of transactions it has
 * sent (the nonce the next one must carry), the tokens it has staked, and whether it has been
 * slashed (its stake cut for a proven offence; a slashed account can never stake again).
 */
public record Account(long balance, long nonce, long stake, boolean slashed) {
    public static final Account EMPTY = new Account(0, 0, 0);

    public Account {
        if (balance < 0 || nonce < 0 || stake < 0) {
            throw new IllegalArgumentException("an account cannot go negative: " + balance + "/" + nonce + "/" + stake);
        }
    }

    /** An account that has not been slashed. */
    public Account(long balance, long nonce, long stake) {
        this(balance, nonce, stake, false);
    }

    public Account withBalance(long newBalance) {
        return new Account(newBalance, nonce, stake, slashed);
    }

    public Account withStake(long newStake) {
        return new Account(balance, nonce, newStake, slashed);
    }

    public Account withNextNonce() {
        return new Account(balance, nonce + 1, stake, slashed);
    }

    /** This account slashed: its whole stake gone, the flag set for good. */
    public Account slashedAccount() {
        return new Account(balance, nonce, 0, true);
    }
}
