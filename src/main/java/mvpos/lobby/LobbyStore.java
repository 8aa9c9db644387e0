package mvpos.lobby;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mvpos.codec.MalformedEncodingException;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The lobby's chain on disk, in RocksDB: key = block index (8 bytes, big-endian, so keys sort in
 * chain order), value = the block's canonical encoding. Every append is a synchronous write (the
 * write-ahead log is fsynced before it returns), so a block that was announced survives kill -9
 * and a power cut.
 */
public final class LobbyStore implements AutoCloseable {
    private final Path directory;
    private final Options options;
    private final WriteOptions syncWrites;
    private final RocksDB db;

    private LobbyStore(Path directory, Options options, WriteOptions syncWrites, RocksDB db) {
        this.directory = directory;
        this.options = options;
        this.syncWrites = syncWrites;
        this.db = db;
    }

    /** Opens (or creates) the store in {@code directory}. */
    public static LobbyStore open(Path directory) throws StoreException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StoreException("cannot create data directory " + directory + ": " + e.getMessage());
        }
        try {
            mvpos.chain.RocksNativeLibrary.load();
        } catch (IOException e) {
            throw new StoreException(e.getMessage());
        }
        Options options = new Options().setCreateIfMissing(true).setKeepLogFileNum(2);
        WriteOptions syncWrites = new WriteOptions().setSync(true);
        try {
            return new LobbyStore(directory, options, syncWrites, RocksDB.open(options, directory.toString()));
        } catch (RocksDBException e) {
            syncWrites.close();
            options.close();
            String message = String.valueOf(e.getMessage());
            if (message.contains("lock")) {
                throw new StoreException("data directory " + directory + " is in use by another mvpos process");
            }
            throw new StoreException("cannot open the chain in " + directory + ": " + message);
        }
    }

    /**
     * Loads the stored chain and checks it link by link; a new store gets a genesis block stamped
     * {@code genesisMillis}, written before it is returned.
     */
    public LobbyChain loadOrCreate(long genesisMillis) throws StoreException {
        List<LobbyBlock> blocks = new ArrayList<>();
        try (RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                long key = keyToIndex(it.key());
                LobbyBlock block;
                try {
                    block = LobbyBlock.decode(it.value());
                } catch (MalformedEncodingException e) {
                    throw new StoreException("the chain in " + directory + " is corrupt at block " + key + ": "
                            + e.getMessage());
                }
                if (block.index() != key || key != blocks.size()) {
                    throw new StoreException("the chain in " + directory + " is corrupt: block " + blocks.size()
                            + " is missing or misplaced");
                }
                blocks.add(block);
            }
        }
        if (blocks.isEmpty()) {
            LobbyChain chain = LobbyChain.startingAt(genesisMillis);
            append(chain.head());
            return chain;
        }
        try {
            return LobbyChain.of(blocks);
        } catch (InvalidChainException e) {
            throw new StoreException("the chain in " + directory + " is invalid: " + e.getMessage());
        }
    }

    /**
     * Forgets the stored chain and starts a new one with a genesis block stamped {@code genesisMillis}:
     * one synchronous write removes every block and stores the genesis, so a crash leaves either chain.
     */
    public LobbyChain startFresh(long genesisMillis) throws StoreException {
        LobbyChain chain = LobbyChain.startingAt(genesisMillis);
        LobbyBlock genesis = chain.head();
        try (WriteBatch batch = new WriteBatch(); RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                batch.delete(it.key());
            }
            batch.put(indexToKey(genesis.index()), genesis.encode());
            db.write(syncWrites, batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot start a fresh chain in " + directory + ": " + e.getMessage());
        }
        return chain;
    }

    /** Writes a block durably; returns only once it is on disk. */
    public void append(LobbyBlock block) throws StoreException {
        try {
            db.put(syncWrites, indexToKey(block.index()), block.encode());
        } catch (RocksDBException e) {
            throw new StoreException("cannot write block " + block.index() + " to " + directory + ": " + e.getMessage());
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        db.close();
        syncWrites.close();
        options.close();
    }

    private static byte[] indexToKey(long index) {
        byte[] key = new byte[8];
        for (int i = 0; i < 8; i++) {
            key[i] = (byte) (index >>> (56 - 8 * i));
        }
        return key;
    }

    private long keyToIndex(byte[] key) throws StoreException {
        if (key.length != 8) {
            throw new StoreException("the chain in " + directory + " has a key that is not a block index");
        }
        long index = 0;
        for (byte b : key) {
            index = (index << 8) | (b & 0xff);
        }
        return index;
    }

    /** A storage failure, with a one-line message that names the directory. */
    public static final class StoreException extends Exception {
        public StoreException(String message) {
            super(message);
        }
    }
}
