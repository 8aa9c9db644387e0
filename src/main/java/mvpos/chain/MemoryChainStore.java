package mvpos.chain;

import mvpos.crypto.HashKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.crypto.Address;
import mvpos.chain.Account;

/** A {@link ChainStore} in memory, for unit tests and simulations. Thread-safe. */
public final class MemoryChainStore implements ChainStore {
    private final Map<HashKey, Block> byHash = new HashMap<>();
    private final List<Block> canonical = new ArrayList<>();
    private final Map<Address, Account> accounts = new HashMap<>();

    private final Map<HashKey, Map<Address, Account>> before = new HashMap<>();

    @Override
    public synchronized void commit(HeadChange change) {
        for (CanonicalBlock entry : change.blocks()) {
            Block block = entry.block();
            HashKey key = block.header().hashKey(); // shared with every other holder of the block
            byHash.put(key, block);
            before.put(key, entry.before());
            while (canonical.size() > block.height()) {
                canonical.remove(canonical.size() - 1);
            }
            canonical.add(block);
        }
        while (canonical.size() > change.head().height() + 1) {
            canonical.remove(canonical.size() - 1);
        }
        change.accounts().forEach((address, account) -> {
            if (account.equals(Account.EMPTY)) {
                accounts.remove(address);
            } else {
                accounts.put(address, account);
            }
        });
        for (StateRecord record : change.records()) {
            records.put(HashKey.of(record.key()), record.value());
        }
    }

    /** Values are kept as given (records are immutable arrays the store hands out copies of). */
    private final Map<HashKey, byte[]> records = new HashMap<>();

    @Override
    public synchronized Optional<byte[]> stateRecord(byte[] key) {
        return Optional.ofNullable(records.get(HashKey.of(key))).map(byte[]::clone);
    }

    private final Map<String, byte[]> meta = new HashMap<>();

    @Override
    public synchronized void putMeta(String key, byte[] value) {
        meta.put(key, value.clone());
    }

    @Override
    public synchronized Optional<byte[]> meta(String key) {
        return Optional.ofNullable(meta.get(key)).map(byte[]::clone);
    }

    @Override
    public synchronized void storeBlock(Block block) {
        byHash.put(block.header().hashKey(), block);
    }

    @Override
    public synchronized Optional<Map<Address, Account>> accountsBefore(byte[] blockHash) {
        return Optional.ofNullable(before.get(HashKey.view(blockHash)));
    }

    @Override
    public synchronized Optional<Block> blockByHash(byte[] hash) {
        return Optional.ofNullable(byHash.get(HashKey.view(hash)));
    }

    @Override
    public synchronized Optional<Block> blockAt(long height) {
        return height >= 0 && height < canonical.size() ? Optional.of(canonical.get((int) height)) : Optional.empty();
    }

    @Override
    public synchronized Optional<Block> head() {
        return canonical.isEmpty() ? Optional.empty() : Optional.of(canonical.get(canonical.size() - 1));
    }

    @Override
    public synchronized Map<Address, Account> accounts() {
        return Map.copyOf(accounts);
    }

    @Override
    public void close() {
    }
}
