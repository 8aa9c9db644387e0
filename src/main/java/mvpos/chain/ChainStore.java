package mvpos.chain;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.crypto.Address;
import mvpos.chain.Account;

/**
 * Where a node keeps its chain: blocks by hash, the canonical chain by height, the accounts of the
 * head state, and the head. A block and the account changes it made are committed together, in one
 * atomic write, so a crash at any instant leaves a consistent chain (DESIGN.md, seam 6).
 */
public interface ChainStore extends AutoCloseable {

    /** One block to commit as the new canonical head, with the accounts it changed. */
    record Commit(Block block, Map<Address, Account> changes) {
    }

    /**
     * Commits blocks, in order, each becoming the canonical head, all in one atomic, durable write:
     * when this returns, they survive a crash; if it does not return, none of them is there.
     */
    void commit(List<Commit> commits) throws StoreException;

    Optional<Block> blockByHash(byte[] hash) throws StoreException;

    Optional<Block> blockAt(long height) throws StoreException;

    /** The canonical head, or empty for a store that has never been committed to. */
    Optional<Block> head() throws StoreException;

    /** Every account of the head state. */
    Map<Address, Account> accounts() throws StoreException;

    @Override
    void close();

    /** A storage failure; the message says what and where in one line. */
    final class StoreException extends Exception {
        public StoreException(String message) {
            super(message);
        }
    }
}
