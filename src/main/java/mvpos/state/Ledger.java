package mvpos.state;

import mvpos.chain.Account;
import mvpos.crypto.Address;

/**
 * What an engine's {@link EngineHooks} may do to the accounts of the block being applied: read them,
 * reward (tokens created) and penalise (tokens destroyed, from the balance, never below zero). Every
 * token moved is counted, so supply moves by exactly what the hooks minted minus what they burned.
 */
public final class Ledger {
    private final Changes changes;
    private String overflow;

    Ledger(Changes changes) {
        this.changes = changes;
    }

    /** The account as the block sees it so far. */
    public Account account(Address address) {
        return changes.get(address);
    }

    /** Creates {@code tokens} in {@code address}'s balance (a reward); refused (the block invalid) on overflow. */
    public void reward(Address address, long tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("a negative reward " + tokens);
        }
        Account account = changes.get(address);
        if (account.balance() > Long.MAX_VALUE - tokens) {
            overflow = "the engine's reward of " + tokens + " overflows account " + address;
            return;
        }
        if (tokens > 0) {
            changes.put(address, account.withBalance(account.balance() + tokens));
            changes.mint(tokens);
        }
    }

    /** Destroys up to {@code tokens} of {@code address}'s balance (a penalty); returns how many it took. */
    public long penalize(Address address, long tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("a negative penalty " + tokens);
        }
        Account account = changes.get(address);
        long taken = Math.min(tokens, account.balance());
        if (taken > 0) {
            changes.put(address, account.withBalance(account.balance() - taken));
            changes.burn(taken);
        }
        return taken;
    }

    /** Why the hooks made the block invalid (a reward overflowed), or null. */
    String overflow() {
        return overflow;
    }
}
