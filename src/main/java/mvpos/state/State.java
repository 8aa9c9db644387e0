package mvpos.state;

import mvpos.chain.Account;
import java.util.Map;
import java.util.function.BiConsumer;
import mvpos.crypto.Address;

/**
 * The state of the chain after some block: every account, and a root hash that commits to all of
 * them. A state never changes; {@link #with} returns a new one.
 */
public interface State {
    /** The account at {@code address}; {@link Account#EMPTY} when it has never been touched. */
    Account account(Address address);

    /** A hash committing to every account: equal states, equal roots. */
    byte[] root();

    /** A new state with these accounts replaced (an {@link Account#EMPTY} value removes the account). */
    State with(Map<Address, Account> changes);

    /** Visits every non-empty account in address order. */
    void forEachAccount(BiConsumer<Address, Account> visitor);
}
