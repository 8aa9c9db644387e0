package mvpos.chain;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Address;
import mvpos.chain.Account;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The {@link ChainStore} on disk, in RocksDB, with one column family per kind of record: blocks
 * (hash to block), canonical (height to hash), accounts (address to account, the head's state),
 * undo (block hash to the values its accounts had before it), records (the state's records beside
 * its accounts, by key) and meta (the head).
 * A commit is one {@link WriteBatch} written synchronously: atomic, and on disk when it returns.
 *
 * <p>Accounts are written in the v2 encodings (balance, nonce, stake, the slashed flag as a 32-bit 0
 * or 1, the amount unbonding and the height it is released at); records in the v1 encodings, written before accounts could be slashed, are read
 * as unslashed accounts.
 */
public final class RocksChainStore implements ChainStore {
    private static final byte[] HEAD = "head".getBytes(StandardCharsets.US_ASCII);
    private static final String ACCOUNT_TAG_V1 = "mvpos.account.v1";
    private static final String UNDO_TAG_V1 = "mvpos.undo.v1";
    private static final String ACCOUNT_TAG = "mvpos.account.v2";
    private static final String UNDO_TAG = "mvpos.undo.v2";

    private final Path directory;
    private final DBOptions options;
    private final ColumnFamilyOptions familyOptions;
    private final WriteOptions syncWrites;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle blocks;
    private final ColumnFamilyHandle canonical;
    private final ColumnFamilyHandle accounts;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle undo;
    private final ColumnFamilyHandle records;

    private RocksChainStore(Path directory, DBOptions options, ColumnFamilyOptions familyOptions, RocksDB db,
                            List<ColumnFamilyHandle> handles) {
        this.directory = directory;
        this.options = options;
        this.familyOptions = familyOptions;
        this.syncWrites = new WriteOptions().setSync(true);
        this.db = db;
        this.handles = handles;
        this.blocks = handles.get(1);
        this.canonical = handles.get(2);
        this.accounts = handles.get(3);
        this.meta = handles.get(4);
        this.undo = handles.get(5);
        this.records = handles.get(6);
    }

    public static RocksChainStore open(Path directory) throws StoreException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StoreException("cannot create data directory " + directory + ": " + e.getMessage());
        }
        try {
            RocksNativeLibrary.load();
        } catch (IOException e) {
            throw new StoreException(e.getMessage());
        }
        DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setKeepLogFileNum(2);
        // No compression: blocks are mostly signatures and hashes, which do not compress; it would only cost CPU.
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions()
                .setCompressionType(org.rocksdb.CompressionType.NO_COMPRESSION);
        List<ColumnFamilyDescriptor> families = new ArrayList<>();
        for (String name : new String[] {"default", "blocks", "canonical", "accounts", "meta", "undo", "records"}) {
            families.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII), familyOptions));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(options, directory.toString(), families, handles);
            return new RocksChainStore(directory, options, familyOptions, db, handles);
        } catch (RocksDBException e) {
            options.close();
            familyOptions.close();
            String message = String.valueOf(e.getMessage());
            if (message.contains("lock")) {
                throw new StoreException("data directory " + directory + " is in use by another mvpos process");
            }
            throw new StoreException("cannot open the chain in " + directory + ": " + message);
        }
    }

    @Override
    public void commit(HeadChange change) throws StoreException {
        try (WriteBatch batch = new WriteBatch()) {
            for (CanonicalBlock entry : change.blocks()) {
                Block block = entry.block();
                byte[] hash = block.hash();
                batch.put(blocks, hash, block.encode());
                batch.put(canonical, heightKey(block.height()), hash);
                batch.put(undo, hash, encodeAccounts(entry.before()));
            }
            long head = change.head().height();
            batch.deleteRange(canonical, heightKey(head + 1), heightKey(Long.MAX_VALUE));
            for (Map.Entry<Address, Account> account : change.accounts().entrySet()) {
                if (account.getValue().equals(Account.EMPTY)) {
                    batch.delete(accounts, account.getKey().bytes());
                } else {
                    batch.put(accounts, account.getKey().bytes(), encodeAccount(account.getValue()));
                }
            }
            for (StateRecord record : change.records()) {
                batch.put(records, record.key(), record.value());
            }
            batch.put(meta, HEAD, change.head().hash());
            db.write(syncWrites, batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot write to " + directory + ": " + e.getMessage());
        }
    }

    @Override
    public Optional<byte[]> stateRecord(byte[] key) throws StoreException {
        return Optional.ofNullable(get(records, key));
    }

    @Override
    public void putMeta(String key, byte[] value) throws StoreException {
        try {
            db.put(meta, syncWrites, metaKey(key), value);
        } catch (RocksDBException e) {
            throw new StoreException("cannot write to " + directory + ": " + e.getMessage());
        }
    }

    @Override
    public Optional<byte[]> meta(String key) throws StoreException {
        return Optional.ofNullable(get(meta, metaKey(key)));
    }

    /** Named values live beside the head in the meta family, under a prefix the head's key cannot have. */
    private static byte[] metaKey(String key) {
        return ("m:" + key).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void storeBlock(Block block) throws StoreException {
        try {
            db.put(blocks, syncWrites, block.hash(), block.encode());
        } catch (RocksDBException e) {
            throw new StoreException("cannot write to " + directory + ": " + e.getMessage());
        }
    }

    @Override
    public Optional<Map<Address, Account>> accountsBefore(byte[] blockHash) throws StoreException {
        byte[] bytes = get(undo, blockHash);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(decodeAccounts(bytes));
        } catch (IllegalArgumentException | MalformedEncodingException e) {
            throw new StoreException("the chain in " + directory + " has a corrupt undo record: " + e.getMessage());
        }
    }

    @Override
    public Optional<Block> blockByHash(byte[] hash) throws StoreException {
        byte[] bytes = get(blocks, hash);
        return bytes == null ? Optional.empty() : Optional.of(decodeBlock(bytes));
    }

    @Override
    public Optional<Block> blockAt(long height) throws StoreException {
        if (height < 0) {
            return Optional.empty();
        }
        byte[] hash = get(canonical, heightKey(height));
        return hash == null ? Optional.empty() : blockByHash(hash);
    }

    @Override
    public Optional<Block> head() throws StoreException {
        byte[] hash = get(meta, HEAD);
        if (hash == null) {
            return Optional.empty();
        }
        return Optional.of(blockByHash(hash).orElseThrow(() -> new StoreException("the chain in " + directory
                + " is corrupt: its head block is missing")));
    }

    @Override
    public Map<Address, Account> accounts() throws StoreException {
        Map<Address, Account> all = new HashMap<>();
        try (RocksIterator it = db.newIterator(accounts)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                try {
                    all.put(new Address(it.key()), decodeAccount(it.value()));
                } catch (IllegalArgumentException | MalformedEncodingException e) {
                    throw new StoreException("the chain in " + directory + " has a corrupt account: " + e.getMessage());
                }
            }
        }
        return all;
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        syncWrites.close();
        options.close();
        familyOptions.close();
    }

    private byte[] get(ColumnFamilyHandle family, byte[] key) throws StoreException {
        try {
            return db.get(family, key);
        } catch (RocksDBException e) {
            throw new StoreException("cannot read " + directory + ": " + e.getMessage());
        }
    }

    private Block decodeBlock(byte[] bytes) throws StoreException {
        try {
            return Block.decode(bytes);
        } catch (MalformedEncodingException e) {
            throw new StoreException("the chain in " + directory + " has a corrupt block: " + e.getMessage());
        }
    }

    private static byte[] heightKey(long height) {
        return ByteBuffer.allocate(Long.BYTES).putLong(height).array();
    }

    private static byte[] encodeAccount(Account account) {
        return writeAccount(CanonicalEncoder.tagged(ACCOUNT_TAG), account).toBytes();
    }

    private static byte[] encodeAccounts(Map<Address, Account> values) {
        CanonicalEncoder out = CanonicalEncoder.tagged(UNDO_TAG).writeInt(values.size());
        new java.util.TreeMap<>(values).forEach((address, account) -> writeAccount(out.writeBytes(address.bytes()),
                account));
        return out.toBytes();
    }

    private static CanonicalEncoder writeAccount(CanonicalEncoder out, Account account) {
        return out.writeLong(account.balance()).writeLong(account.nonce()).writeLong(account.stake())
                .writeInt(account.slashed() ? 1 : 0).writeLong(account.unbonding()).writeLong(account.unbondingUntil());
    }

    private static Map<Address, Account> decodeAccounts(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.taggedAnyOf(bytes, UNDO_TAG, UNDO_TAG_V1);
        boolean v1 = in.tag().equals(UNDO_TAG_V1);
        int count = in.readInt();
        if (count < 0) {
            throw new MalformedEncodingException("negative account count " + count);
        }
        Map<Address, Account> values = new HashMap<>();
        for (int i = 0; i < count; i++) {
            values.put(new Address(in.readBytes()), readAccount(in, v1));
        }
        in.end();
        return values;
    }

    private static Account decodeAccount(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.taggedAnyOf(bytes, ACCOUNT_TAG, ACCOUNT_TAG_V1);
        Account account = readAccount(in, in.tag().equals(ACCOUNT_TAG_V1));
        in.end();
        return account;
    }

    private static Account readAccount(CanonicalDecoder in, boolean v1) {
        long balance = in.readLong();
        long nonce = in.readLong();
        long stake = in.readLong();
        int slashed = v1 ? 0 : in.readInt();
        if (slashed != 0 && slashed != 1) {
            throw new MalformedEncodingException("a slashed flag of " + slashed);
        }
        long unbonding = v1 ? 0 : in.readLong();
        long unbondingUntil = v1 ? 0 : in.readLong();
        return new Account(balance, nonce, stake, slashed == 1, unbonding, unbondingUntil);
    }
}
