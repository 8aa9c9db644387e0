package mvpos.chain;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.crypto.Address;
import mvpos.chain.Account;

/**
 * Where a node keeps its chain: blocks by hash, the canonical chain by height, the accounts of the
 * head state, and the head. A block and the account changes it made are committed together, in one
 * atomic write, so a crash at any instant leaves a consistent chain.
 */
public interface ChainStore extends AutoCloseable {

    /**
     * A block that becomes canonical, with the values the accounts it changed had before it: what a
     * node needs to step back from the block (to rebuild recent states after a restart).
     */
    record CanonicalBlock(Block block, Map<Address, Account> before) {
        public CanonicalBlock {
            before = Map.copyOf(before);
        }
    }

    /**
     * A value the state keeps beside its accounts (on a chain with finality: each block's finality
     * record and each validator registry), stored by key in the same write as the blocks it belongs to.
     */
    record StateRecord(byte[] key, byte[] value) {
        public StateRecord {
            key = key.clone();
            value = value.clone();
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    /**
     * A new canonical head: the blocks that become canonical, lowest first (the first one's parent is
     * canonical already), the accounts to write so that the stored accounts are the new head's
     * ({@link Account#EMPTY} removes one), and the state records these blocks add. Canonical entries
     * above the last block are removed, so a reorganisation to a shorter chain leaves no stale heights.
     */
    record HeadChange(List<CanonicalBlock> blocks, Map<Address, Account> accounts, List<StateRecord> records) {
        public HeadChange {
            if (blocks.isEmpty()) {
                throw new IllegalArgumentException("a head change needs at least one block");
            }
            blocks = List.copyOf(blocks);
            accounts = Map.copyOf(accounts);
            records = List.copyOf(records);
        }

        /** A head change that adds no state records. */
        public HeadChange(List<CanonicalBlock> blocks, Map<Address, Account> accounts) {
            this(blocks, accounts, List.of());
        }

        public Block head() {
            return blocks.get(blocks.size() - 1).block();
        }
    }

    /**
     * Commits a head change in one atomic, durable write: when this returns, it survives a crash; if
     * it does not return, none of it is there.
     */
    void commit(HeadChange change) throws StoreException;

    /** Stores a valid block that is not canonical (a fork), so it can become canonical later. */
    void storeBlock(Block block) throws StoreException;

    /** The values the accounts changed by a canonical block had before it; empty for unknown blocks and genesis. */
    Optional<Map<Address, Account>> accountsBefore(byte[] blockHash) throws StoreException;

    Optional<Block> blockByHash(byte[] hash) throws StoreException;

    Optional<Block> blockAt(long height) throws StoreException;

    /** The canonical head, or empty for a store that has never been committed to. */
    Optional<Block> head() throws StoreException;

    /** Every account of the head state. */
    Map<Address, Account> accounts() throws StoreException;

    /** A state record written by a {@link HeadChange}, by its key. */
    Optional<byte[]> stateRecord(byte[] key) throws StoreException;

    /** Keeps a small named value, durably. */
    void putMeta(String key, byte[] value) throws StoreException;

    /** A value kept with {@link #putMeta}. */
    Optional<byte[]> meta(String key) throws StoreException;

    @Override
    void close();

    /** A storage failure; the message says what and where in one line. */
    final class StoreException extends Exception {
        public StoreException(String message) {
            super(message);
        }
    }
}
