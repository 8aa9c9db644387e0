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

    /**
     * The engine's register {@code name}: a non-negative number the engine keeps in the state, committed
     * under the state root and undone with its block on a reorganisation; 0 when never set. (Stored as the
     * nonce of an account at {@link #registerAddress}, an address no key has.)
     */
    public long register(String name) {
        return changes.get(registerAddress(name)).nonce();
    }

    /** Sets the engine's register {@code name} (0 removes it). */
    public void setRegister(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("a register holds a non-negative number, not " + value);
        }
        Address address = registerAddress(name);
        changes.put(address, value == 0 ? Account.EMPTY : new Account(0, value, 0));
    }

    /** Where register {@code name} lives: the first 20 bytes of SHA-256 of a tag and the name. */
    public static Address registerAddress(String name) {
        byte[] hash = mvpos.codec.CanonicalEncoder.tagged("mvpos.engine.register.v1").writeString(name).sha256();
        return new Address(java.util.Arrays.copyOf(hash, Address.LENGTH));
    }

    /** Why the hooks made the block invalid (a reward overflowed), or null. */
    String overflow() {
        return overflow;
    }
}
