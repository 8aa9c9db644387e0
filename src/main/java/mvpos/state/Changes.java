package mvpos.state;

import java.util.HashMap;
import java.util.Map;
import mvpos.chain.Account;
import mvpos.crypto.Address;

/**
 * The accounts a block has changed so far, over the state it started from, and the tokens it has
 * created and destroyed (so that a caller can check that supply moves only by them).
 */
final class Changes {
    /** When an account's unbonding tokens join its balance, as the block sees the account. */
    @FunctionalInterface
    interface Release {
        Account apply(Address address, Account account);
    }

    private final State base;
    private final Map<Address, Account> map = new HashMap<>();
    private Release release;
    private long minted;
    private long burned;

    Changes(State base, Release release) {
        this.base = base;
        this.release = release;
    }

    /** The account as the block sees it: what finished unbonding is in its balance. */
    Account get(Address address) {
        Account changed = map.get(address);
        return changed != null ? changed : release.apply(address, base.account(address));
    }

    void put(Address address, Account account) {
        map.put(address, account);
    }

    /** Changes the release rule (after epoch processing moved the finalized checkpoint). */
    void release(Release newRule) {
        this.release = newRule;
    }

    void mint(long tokens) {
        minted = Math.addExact(minted, tokens);
    }

    void burn(long tokens) {
        burned = Math.addExact(burned, tokens);
    }

    long minted() {
        return minted;
    }

    long burned() {
        return burned;
    }

    Map<Address, Account> map() {
        return map;
    }
}
