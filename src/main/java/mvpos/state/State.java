package mvpos.state;

import mvpos.chain.Account;
import java.util.Map;
import java.util.function.BiConsumer;
import mvpos.crypto.Address;

/**
 * The state of the chain after some block: every account, on a chain with Casper FFG its finality
 * state, and a root hash that commits to all of it. A state never changes; {@link #with} and
 * {@link #withFinality} return new ones.
 */
public interface State {
    /** The account at {@code address}; {@link Account#EMPTY} when it has never been touched. */
    Account account(Address address);

    /**
     * A hash committing to every account (and to the finality state, when there is one): equal states,
     * equal roots.
     */
    byte[] root();

    /** A new state with these accounts replaced (an {@link Account#EMPTY} value removes the account). */
    State with(Map<Address, Account> changes);

    /** The finality state, on a chain with Casper FFG. */
    java.util.Optional<FinalityState> finality();

    /** A new state with this finality state and the same accounts. */
    State withFinality(FinalityState finality);

    /** Visits every non-empty account in address order. */
    void forEachAccount(BiConsumer<Address, Account> visitor);
}
