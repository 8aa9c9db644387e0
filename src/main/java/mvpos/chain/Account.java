package mvpos.chain;

/**
 * What the chain knows of an address: its spendable balance, the number of transactions it has
 * sent (the nonce the next one must carry), and the tokens it has staked.
 */
public record Account(long balance, long nonce, long stake) {
    public static final Account EMPTY = new Account(0, 0, 0);

    public Account {
        if (balance < 0 || nonce < 0 || stake < 0) {
            throw new IllegalArgumentException("an account cannot go negative: " + balance + "/" + nonce + "/" + stake);
        }
    }

    public Account withBalance(long newBalance) {
        return new Account(newBalance, nonce, stake);
    }

    public Account withStake(long newStake) {
        return new Account(balance, nonce, newStake);
    }

    public Account withNextNonce() {
        return new Account(balance, nonce + 1, stake);
    }
}
